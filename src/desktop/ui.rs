//! The panels and the map canvas (egui, `EguiPrimaryContextPass`): time controls and the
//! timeline with its time scale, the selected unit, the side whose picture is shown, the event
//! log, strength charts (`egui_plot`) and the order-of-battle tree, and the map with its
//! units and contacts (stacked where they would overlap, labelled where there is room), range
//! rings and lines of sight.
//!
//! Owns: what the user sees and the camera over the map. Must not: change the run except by
//! writing `RunCommand`s.

use std::collections::BTreeSet;

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, Pos2, Stroke, Vec2};
use bevy_egui::{EguiContexts, egui::TextureHandle};
use jets::format::schema::{PlaceKind, WeaponKind};
use jets::sim::components::Status;
use jets::sim::events::{Event, EventKind};
use jets::sim::sun::Light;
use jets::sim::theatre::Theatre;

use super::author::{self, Authoring, EditCommand};
use super::map::{self, LineKind, Vectors};
use super::orders::{self, OrderForm};
use super::run::{ContactView, Run, RunCommand, UnitView};
use super::symbols::{self, Affiliation, State, Symbol};
use jets::sim::messages::track_name;

/// What a drawn symbol stands for: a unit seen in full (spawn index), or a side's track.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Drawn {
    Unit(usize),
    Track(u32),
}

/// A stack as drawn last frame: symbols that would overlap at the zoom shown, drawn as one.
#[derive(Clone, Debug)]
pub struct DrawnStack {
    /// Where it was drawn (the mean of its members' positions).
    pub at: Pos2,
    /// Its footprint: the symbols, their offset outlines and the count badge.
    pub rect: egui::Rect,
    /// Its members in order (units by index, then tracks by number), with where each would
    /// stand on its own.
    pub members: Vec<(Drawn, Pos2)>,
    /// The member drawn on top (the selection when it is in the stack, else the first).
    pub top: Drawn,
    /// Its label and where it was placed; `None` when there was no room for it.
    pub label: Option<(String, egui::Rect)>,
}

/// What the panel on the right shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RightTab {
    /// Strength over time, by side and by contingent, and the totals.
    Charts,
    /// The order of battle: side, contingent, unit (and the enemy as the side knows it).
    Oob,
}

/// Whose picture is shown.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ViewSide {
    /// The exercise control's view: every unit where it really is.
    Umpire,
    /// One side: its own units and what it believes of the enemy.
    Side(usize),
}

/// The view's state.
#[derive(Resource)]
pub struct View {
    /// World point at the centre of the map area, metres.
    pub centre: (f64, f64),
    /// Metres per screen point.
    pub scale: f64,
    pub side: ViewSide,
    /// Selected unit (spawn index).
    pub selected: Option<usize>,
    /// Selected track of the side shown.
    pub track: Option<u32>,
    /// The order being prepared.
    pub order: OrderForm,
    /// The bottom panel shows the messages instead of the event log.
    pub show_messages: bool,
    /// In a side's view, also show where the enemy really is (after-action review).
    pub show_truth: bool,
    pub log_filter: String,
    pub log_kinds: BTreeSet<&'static str>,
    /// Indices into the run's events that pass the filter, and how many events were scanned.
    filtered: Vec<usize>,
    scanned: usize,
    filter_key: (String, usize),
    /// The casualty event whose causes are shown (index into the run's events).
    pub chain_of: Option<usize>,
    pub texture: Option<TextureHandle>,
    pub vectors: Option<Vectors>,
    pub contour_labels: Vec<((f64, f64), f64)>,
    /// The map area on screen last frame (for screenshots and tests).
    pub map_rect: egui::Rect,
    /// Where each drawn symbol is on screen (what, centre, fill), last frame.
    pub drawn: Vec<(Drawn, Pos2, Color32)>,
    /// The stacks of symbols drawn last frame, with their labels.
    pub stacks: Vec<DrawnStack>,
    /// Every line of text the panels showed last frame (for the tests: what a view tells).
    pub texts: Vec<String>,
    /// The side panels are shown (each can be folded away to give the map the window).
    pub show_left: bool,
    pub show_right: bool,
    pub right_tab: RightTab,
    /// Timeline position being dragged, seconds.
    scrub: Option<u64>,
    pub jump_time: String,
    fitted: bool,
    /// Where to look first: a point and the width shown, metres (`--zoom`).
    pub focus: Option<((f64, f64), f64)>,
}

impl View {
    /// A view of the whole map as `side`.
    pub fn new(side: ViewSide) -> View {
        View {
            centre: (0.0, 0.0),
            scale: 100.0,
            side,
            selected: None,
            track: None,
            order: OrderForm::default(),
            show_messages: false,
            show_truth: false,
            log_filter: String::new(),
            log_kinds: LOG_KINDS.iter().map(|(k, _)| *k).filter(|k| *k != "movement").collect(),
            filtered: Vec::new(),
            scanned: 0,
            filter_key: (String::new(), 0),
            chain_of: None,
            texture: None,
            vectors: None,
            contour_labels: Vec::new(),
            map_rect: egui::Rect::NOTHING,
            drawn: Vec::new(),
            stacks: Vec::new(),
            texts: Vec::new(),
            show_left: true,
            show_right: true,
            right_tab: RightTab::Charts,
            scrub: None,
            jump_time: String::new(),
            fitted: false,
            focus: None,
        }
    }

    pub(crate) fn to_screen(&self, rect: egui::Rect, p: (f64, f64)) -> Pos2 {
        let c = rect.center();
        Pos2::new(c.x + ((p.0 - self.centre.0) / self.scale) as f32, c.y - ((p.1 - self.centre.1) / self.scale) as f32)
    }

    pub(crate) fn to_world(&self, rect: egui::Rect, s: Pos2) -> (f64, f64) {
        let c = rect.center();
        (self.centre.0 + (s.x - c.x) as f64 * self.scale, self.centre.1 - (s.y - c.y) as f64 * self.scale)
    }
}

/// Groups of event kinds the log can show.
pub const LOG_KINDS: [(&str, &str); 8] = [
    ("c2", "reports, orders, triggers"),
    ("sensing", "detections, contacts lost"),
    ("fire", "engagements, fire missions, sorties"),
    ("losses", "casualties, breaking, surrender"),
    ("tactics", "plans, tactics, hostages"),
    ("movement", "routes, arrivals, halts"),
    ("outcome", "objectives, exfiltration, outcome"),
    ("other", "light, spawning, digging in"),
];

/// The group, the unit it concerns and a one-line text of an event.
pub fn describe(e: &EventKind) -> (&'static str, Option<String>, String) {
    use EventKind::*;
    match e {
        Report { from, to, about, delay_s } => {
            ("c2", Some(about.clone()), format!("report {from} -> {to} about {about} ({} min)", delay_s / 60))
        }
        Order { from, to, task, about, delay_s, readiness_s, disrupted } => (
            "c2",
            Some(to.clone()),
            format!(
                "order {from} -> {to}: {task} ({about}; {} min{}{})",
                delay_s / 60,
                if *readiness_s > 0 { format!(" + ready {} min", readiness_s / 60) } else { String::new() },
                if *disrupted { ", HQ disrupted" } else { "" }
            ),
        ),
        Trigger { id, condition } => ("c2", None, format!("trigger {id}: {condition}")),
        Input { seat, action } => ("c2", None, format!("{seat}: {action}")),
        Detected { observer, target, range_m, est_strength, .. } => (
            "sensing",
            Some(target.clone()),
            format!("{observer} sees {target} at {range_m:.0} m (est. {est_strength})"),
        ),
        ContactLost { side, target } => {
            ("sensing", Some(target.clone()), format!("{side} loses contact with {target}"))
        }
        Engaged { shooter, target, range_m } => {
            ("fire", Some(target.clone()), format!("{shooter} engages {target} at {range_m:.0} m"))
        }
        FireMission { unit, target, weapon, .. } => {
            ("fire", Some(unit.clone()), format!("{unit} fire mission on {target} ({weapon})"))
        }
        Sortie { unit, phase, target, reason, .. } => (
            "fire",
            Some(unit.clone()),
            format!(
                "{unit} sortie {phase}{}{}",
                target.as_ref().map(|t| format!(" against {t}")).unwrap_or_default(),
                reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
            ),
        ),
        Casualties { unit, killed, wounded, remaining, by } => (
            "losses",
            Some(unit.clone()),
            format!("{unit}: {killed} killed, {wounded} wounded, {remaining} left (by {})", by.join(", ")),
        ),
        Suppressed { unit, level } => ("losses", Some(unit.clone()), format!("{unit} pinned down ({level:.2})")),
        Withdrew { unit, .. } => ("losses", Some(unit.clone()), format!("{unit} withdraws")),
        Broke { unit, .. } => ("losses", Some(unit.clone()), format!("{unit} breaks")),
        Surrendered { unit, captured } => {
            ("losses", Some(unit.clone()), format!("{unit} surrenders ({captured} captured)"))
        }
        CivilianCasualties { place, killed, wounded, by } => {
            ("losses", None, format!("civilians at {place}: {killed} killed, {wounded} wounded (by {by})"))
        }
        Plan { unit, via, objective, estimate_h, .. } => {
            ("tactics", Some(unit.clone()), format!("{unit} plans {via} -> {objective} ({estimate_h:.1} h)"))
        }
        Tactic { unit, action, about } => (
            "tactics",
            Some(unit.clone()),
            format!("{unit} {action}{}", about.as_ref().map(|a| format!(" {a}")).unwrap_or_default()),
        ),
        HostagesTaken { unit, place, count } => {
            ("tactics", Some(unit.clone()), format!("{unit} takes {count} hostage(s) at {place}"))
        }
        HostagesFreed { unit, count } => {
            ("tactics", Some(unit.clone()), format!("{count} hostage(s) freed from {unit}"))
        }
        HostagesKilled { unit, count } => {
            ("tactics", Some(unit.clone()), format!("{count} hostage(s) held by {unit} killed"))
        }
        RoutePlanned { unit, length_km, planned_h, .. } => {
            ("movement", Some(unit.clone()), format!("{unit} route {length_km:.1} km, {planned_h:.1} h"))
        }
        RouteFailed { unit, reason } => ("movement", Some(unit.clone()), format!("{unit} no route: {reason}")),
        Halted { unit, reason } => ("movement", Some(unit.clone()), format!("{unit} halts ({reason})")),
        Resumed { unit } => ("movement", Some(unit.clone()), format!("{unit} moves on")),
        Arrived { unit, .. } => ("movement", Some(unit.clone()), format!("{unit} arrives")),
        PatrolCompleted { unit, loops } => ("movement", Some(unit.clone()), format!("{unit} patrol loop {loops}")),
        MovedThroughPass { unit, pass, personnel, .. } => {
            ("outcome", Some(unit.clone()), format!("{unit} crosses {pass} ({personnel})"))
        }
        ReachedObjective { unit, objective, personnel } => {
            ("outcome", Some(unit.clone()), format!("{unit} reaches {objective} ({personnel})"))
        }
        Exfiltrated { unit, personnel, .. } => {
            ("outcome", Some(unit.clone()), format!("{unit} exfiltrates ({personnel})"))
        }
        Outcome { outcome, reason } => ("outcome", None, format!("outcome {outcome:?}: {reason}")),
        Light { phase, .. } => ("other", None, format!("{phase:?}")),
        Spawned { unit, task, .. } => ("other", Some(unit.clone()), format!("{unit} ({task})")),
        DugIn { unit } => ("other", Some(unit.clone()), format!("{unit} dug in")),
    }
}

/// The ticks of a time scale over `0..=dur` seconds drawn `width` points wide: (time, whether
/// it is labelled). Labelled ticks are at least ~80 points apart, on a round step (1, 2, 3, 6,
/// 12 or 24 hours, or whole days), with unlabelled ticks between them.
pub fn time_ticks(dur: u64, width: f32) -> Vec<(u64, bool)> {
    const STEPS_H: [u64; 9] = [1, 2, 3, 6, 12, 24, 48, 72, 168];
    let per_s = width as f64 / dur.max(1) as f64;
    let major_h = STEPS_H.iter().copied().find(|h| (*h * 3600) as f64 * per_s >= 80.0).unwrap_or(168);
    // minor ticks: a fifth, quarter, third or half of the step, whichever is whole hours
    // and at least 10 points apart
    let minor_h = [major_h / 6, major_h / 4, major_h / 3, major_h / 2]
        .into_iter()
        .filter(|m| *m >= 1 && major_h % m == 0)
        .find(|m| (*m * 3600) as f64 * per_s >= 10.0)
        .unwrap_or(major_h);
    (0..=dur / (minor_h * 3600)).map(|k| k * minor_h * 3600).map(|t| (t, t % (major_h * 3600) == 0)).collect()
}

/// A sim time as "D+1 06:30".
pub fn clock_text(t: u64) -> String {
    format!("D+{} {:02}:{:02}", t / 86_400, (t % 86_400) / 3600, (t % 3600) / 60)
}

/// The chain behind a casualty event of a view's log: the umpire's (every side's part), or a
/// side's own (what it knows of it: its detections of the shooters, its reports and orders,
/// the fire exchanged).
pub fn chain_of(events: &[Event], units: &[UnitView], k: usize, side: Option<usize>) -> Vec<usize> {
    if side.is_none() {
        return chain(events, units, k);
    }
    let Some(EventKind::Casualties { unit, by, .. }) = events.get(k).map(|e| &e.kind) else { return vec![] };
    let mut out: Vec<usize> = events[..k]
        .iter()
        .enumerate()
        .filter(|(_, e)| match &e.kind {
            EventKind::Detected { target, .. } => by.contains(target),
            EventKind::Report { about, .. } => by.contains(about),
            EventKind::Order { to, about, .. } => to == unit || by.contains(about),
            EventKind::Engaged { shooter, target, .. } => {
                (target == unit && by.contains(shooter)) || (shooter == unit && by.contains(target))
            }
            _ => false,
        })
        .map(|(i, _)| i)
        .collect();
    // the latest few of each: the chain, not the whole history
    if out.len() > 12 {
        out.drain(..out.len() - 12);
    }
    out
}

/// The chain behind a casualty event: the detection of the unit hit by the shooters' side,
/// its report, the orders about it, and the shooters' engagement, in time order.
pub fn chain(events: &[Event], units: &[UnitView], k: usize) -> Vec<usize> {
    let EventKind::Casualties { unit, by, .. } = &events[k].kind else { return vec![] };
    let side_of = |id: &str| units.iter().find(|u| u.id == id).map(|u| u.side);
    let Some(shooter_side) = by.first().and_then(|s| side_of(s)) else { return vec![] };
    let mut out = Vec::new();
    let before = &events[..k];
    if let Some(d) = before.iter().position(
        |e| matches!(&e.kind, EventKind::Detected { observer, target, .. } if target == unit && side_of(observer) == Some(shooter_side)),
    ) {
        out.push(d);
        if let EventKind::Detected { observer, .. } = &events[d].kind
            && let Some(r) = before.iter().position(|e| matches!(&e.kind, EventKind::Report { from, about, .. } if from == observer && about == unit))
        {
            out.push(r);
        }
    }
    for (i, e) in before.iter().enumerate() {
        if matches!(&e.kind, EventKind::Order { about, to, .. } if about == unit || by.contains(to)) {
            out.push(i);
        }
    }
    if let Some(g) = before.iter().rposition(
        |e| matches!(&e.kind, EventKind::Engaged { shooter, target, .. } if target == unit && by.contains(shooter)),
    ) {
        out.push(g);
    }
    out.sort_unstable();
    out.dedup();
    out.push(k);
    out
}

fn affiliation_of(view: ViewSide, side: usize, defender: usize) -> Affiliation {
    match view {
        ViewSide::Umpire if side == defender => Affiliation::Friendly,
        ViewSide::Side(s) if s == side => Affiliation::Friendly,
        _ => Affiliation::Hostile,
    }
}

fn state_of(u: &UnitView) -> State {
    match u.status {
        Status::Fighting => State::Fighting,
        Status::Withdrawing => State::Withdrawing,
        Status::Broken => State::Broken,
        Status::Surrendered | Status::Out => State::Out,
    }
}

/// The panels and the map, every frame.
pub fn ui(
    mut contexts: EguiContexts,
    mut view: ResMut<View>,
    run: Res<Run>,
    mut cmds: MessageWriter<RunCommand>,
    mut author: ResMut<Authoring>,
    mut edits: MessageWriter<EditCommand>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut out: Vec<EditCommand> = Vec::new();
    let mut run_cmds: Vec<RunCommand> = Vec::new();
    author::close_dialog(ctx, &mut author, &mut out);
    let th: &Theatre = &run.theatre;
    // a connected seat sees what its seat sees, nothing else
    if let Some((_, role)) = &run.seat {
        view.side = match role.side(th) {
            Some(s) => ViewSide::Side(s),
            None => ViewSide::Umpire,
        };
        view.show_truth = false;
    }
    let remote = run.seat.is_some();
    let control = orders::seat_of(&run, &view).is_some_and(|(_, r)| r == jets::exercise::view::Role::Control);
    view.texts.clear();
    if view.texture.is_none() {
        let pic = map::picture(&run.loaded.terrain);
        let img = egui::ColorImage::from_rgba_unmultiplied([pic.w, pic.h], &pic.rgba);
        view.texture = Some(ctx.load_texture("map", img, egui::TextureOptions::LINEAR));
        view.vectors = Some(map::vectors(&run.loaded));
        view.contour_labels = map::contour_labels(&run.loaded.terrain);
    }
    let mut root = egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    );
    let snap = &run.snapshot;
    let t = snap.t;
    let side = match view.side {
        ViewSide::Umpire => None,
        ViewSide::Side(s) => Some(s),
    };
    // ---- top: time controls and the timeline
    egui::Panel::top("time").show(&mut root, |ui| {
        ui.horizontal(|ui| {
            // time is the control's: a side's seat watches it go
            ui.add_enabled_ui(!remote || control, |ui| {
                if run.paused {
                    if ui.button("▶ Play").clicked() {
                        cmds.write(RunCommand::Play);
                    }
                } else if ui.button("|| Pause").clicked() {
                    cmds.write(RunCommand::Pause);
                }
                if ui.button("Step").clicked() {
                    cmds.write(RunCommand::Step);
                }
                let mut lg = run.speed.log10();
                ui.label("speed");
                if ui.add(egui::Slider::new(&mut lg, 0.0..=5.0).show_value(false)).changed() {
                    cmds.write(RunCommand::Speed(10f64.powf(lg).round()));
                }
                ui.label(format!("{:.0}×", run.speed));
                for s in [1.0, 60.0, 3600.0, 100_000.0] {
                    if ui.small_button(format!("{s:.0}×")).clicked() {
                        cmds.write(RunCommand::Speed(s));
                    }
                }
            });
            ui.separator();
            let light = match snap.light {
                Some(Light::Day) => "day",
                Some(Light::Twilight) => "twilight",
                Some(Light::Night) => "night",
                None => "",
            };
            let local = run.loaded.start_utc_s + run.loaded.utc_offset_s as i64 + t as i64;
            let date = chrono::DateTime::from_timestamp(local, 0)
                .map(|d| d.format("%d %b %Y %H:%M").to_string())
                .unwrap_or_default();
            ui.strong(format!("{}  ({date} local)  {light}", clock_text(t)));
            ui.separator();
            if !remote {
                let label = if author.editing { "Done editing" } else { "Edit scenario" };
                if ui
                    .button(label)
                    .on_hover_text("add, move and change units, places, tasks and triggers; save")
                    .clicked()
                {
                    out.push(EditCommand::Editing(!author.editing));
                }
                ui.separator();
                ui.label(format!(
                    "sim {:.1} ms/frame (max {:.1}), {:.0}× achieved",
                    run.sim_ms, run.sim_ms_max, run.achieved
                ));
            } else if let Some((seat, _)) = &run.seat {
                ui.label(format!("seat {seat} — {}", run.link));
            }
        });
        let dur = run.duration_s();
        let mut rail = egui::Rangef::NOTHING;
        ui.horizontal(|ui| {
            // fold the side panels away to give the map the window
            ui.toggle_value(&mut view.show_left, "◀ panel").on_hover_text("show or hide the left panel");
            ui.toggle_value(&mut view.show_right, "panel ▶")
                .on_hover_text("show or hide the charts and the order of battle");
            let mut pos = view.scrub.unwrap_or(t) as f64 / 3600.0;
            ui.label("timeline");
            let w = ui.available_width() - 190.0;
            ui.spacing_mut().slider_width = w.max(100.0);
            let r = ui.add_enabled(!remote, egui::Slider::new(&mut pos, 0.0..=dur as f64 / 3600.0).show_value(false));
            // where the slider's handle runs: the rail less the handle's radius at each end
            rail = r.rect.x_range().shrink(r.rect.height() / 2.5);
            // the messages of the view, marked on the timeline (after-action review)
            let marks = ui.painter_at(r.rect);
            for m in messages_of(&run, side).iter().filter(|m| m.t <= t) {
                let x = rail.min + rail.span() * (m.t as f32 / dur.max(1) as f32);
                let col = match m.kind {
                    jets::sim::messages::MessageKind::SpotRep => Color32::from_rgb(200, 40, 40),
                    jets::sim::messages::MessageKind::SitRep => Color32::from_rgb(60, 60, 60),
                    _ => Color32::from_rgb(0, 90, 200),
                };
                marks.line_segment(
                    [Pos2::new(x, r.rect.top()), Pos2::new(x, r.rect.top() + 4.0)],
                    Stroke::new(1.0, col),
                );
            }
            if r.dragged() || r.changed() {
                view.scrub = Some((pos * 3600.0) as u64);
            }
            if (r.drag_stopped() || (r.changed() && !r.dragged()))
                && let Some(s) = view.scrub.take()
            {
                cmds.write(RunCommand::JumpTo(s));
            }
            ui.label("go to");
            let te = ui.add(egui::TextEdit::singleline(&mut view.jump_time).desired_width(60.0).hint_text("6h"));
            if te.lost_focus()
                && ui.input(|i| i.key_pressed(egui::Key::Enter))
                && let Ok(s) = jets::format::duration::parse_duration(view.jump_time.trim())
            {
                cmds.write(RunCommand::JumpTo(s));
            }
        });
        // the time scale under the timeline: a tick every few hours, labelled D+n HH:MM
        let (strip, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), 14.0), egui::Sense::hover());
        if rail.span() > 10.0 {
            let tp = ui.painter_at(strip.expand2(Vec2::new(0.0, 1.0)));
            let ink = ui.visuals().weak_text_color();
            for (tick, major) in time_ticks(dur, rail.span()) {
                let x = rail.min + rail.span() * (tick as f32 / dur.max(1) as f32);
                let len = if major { 5.0 } else { 3.0 };
                tp.line_segment([Pos2::new(x, strip.top()), Pos2::new(x, strip.top() + len)], Stroke::new(1.0, ink));
                if major {
                    tp.text(
                        Pos2::new(x, strip.top() + 4.0),
                        egui::Align2::CENTER_TOP,
                        clock_text(tick),
                        egui::FontId::proportional(9.0),
                        ink,
                    );
                }
            }
        }
        if !run.status.is_empty() {
            let given = if remote { String::new() } else { format!("  ({} input(s) in the journal)", run.inputs) };
            ui.label(egui::RichText::new(format!("{}{given}", run.status)).small());
        }
    });
    // ---- left: view side, selected unit or track, orders, control, outcome
    let mut show_left = view.show_left || author.editing;
    egui::Panel::left("unit").default_size(250.0).size_range(200.0..=440.0).resizable(true).show_collapsible(
        &mut root,
        &mut show_left,
        |ui| {
            if author.editing {
                egui::ScrollArea::vertical().id_salt("editor").show(ui, |ui| {
                    author::panel(ui, &mut author, &run, &mut out);
                });
                return;
            }
            egui::ScrollArea::vertical().id_salt("left").show(ui, |ui| {
                ui.heading("View");
                let names: Vec<String> = th.sides.clone();
                if remote {
                    ui.label(match view.side {
                        ViewSide::Umpire => "the control (truth)".to_string(),
                        ViewSide::Side(s) => format!("{} (fog of war)", names[s]),
                    });
                } else {
                    let current = match view.side {
                        ViewSide::Umpire => "umpire (truth)".to_string(),
                        ViewSide::Side(s) => format!("{} (fog of war)", names[s]),
                    };
                    egui::ComboBox::from_id_salt("side").selected_text(current).show_ui(ui, |ui| {
                        ui.selectable_value(&mut view.side, ViewSide::Umpire, "umpire (truth)");
                        for (k, n) in names.iter().enumerate() {
                            ui.selectable_value(&mut view.side, ViewSide::Side(k), format!("{n} (fog of war)"));
                        }
                    });
                    if matches!(view.side, ViewSide::Side(_)) {
                        ui.checkbox(&mut view.show_truth, "after-action: show the truth beside the belief");
                    }
                }
                ui.separator();
                let shown = view
                    .selected
                    .and_then(|k| snap.units.iter().find(|u| u.index == k))
                    .filter(|u| side.is_none_or(|s| s == u.side));
                match (shown, view.track, side) {
                    (Some(u), _, _) => {
                        ui.heading("Selected unit");
                        let lines = unit_lines(u, th, snap, side);
                        unit_panel(ui, u, &lines);
                        view.texts.extend(lines);
                        let k = u.index;
                        orders::panel(ui, &mut view, &run, k, &mut run_cmds);
                    }
                    (None, Some(tr), Some(s)) => {
                        ui.heading("Selected contact");
                        for l in track_lines(snap, s, tr) {
                            ui.label(&l);
                            view.texts.push(l);
                        }
                    }
                    _ => {
                        ui.heading("Selected unit");
                        ui.label("Click a symbol on the map; right-click the map to order the selected unit.");
                    }
                }
                if let Some(k) = view.chain_of {
                    ui.separator();
                    ui.heading("Why: detection -> report -> order -> fire");
                    let log = run.log_of(side);
                    for i in chain_of(log, &snap.units, k, side) {
                        let (_, _, text) = describe(&log[i].kind);
                        let l = format!("{}  {text}", clock_text(log[i].t));
                        ui.label(&l);
                        view.texts.push(l);
                    }
                    if ui.button("clear").clicked() {
                        view.chain_of = None;
                    }
                }
                if control {
                    orders::control_panel(ui, &mut view, &run, &mut run_cmds);
                }
                if run.ended {
                    ui.separator();
                    ui.heading("Outcome");
                    let lines = outcome_lines(&run, side);
                    egui::ScrollArea::vertical().id_salt("summary").max_height(260.0).show(ui, |ui| {
                        for l in &lines {
                            ui.label(l);
                        }
                    });
                    view.texts.extend(lines);
                }
            });
        },
    );
    // ---- right: strength over time, or the order of battle
    let mut show_right = view.show_right;
    egui::Panel::right("charts").default_size(240.0).size_range(200.0..=380.0).resizable(true).show_collapsible(
        &mut root,
        &mut show_right,
        |ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut view.right_tab, RightTab::Charts, egui::RichText::new("Strength").strong());
                ui.selectable_value(
                    &mut view.right_tab,
                    RightTab::Oob,
                    egui::RichText::new("Order of battle").strong(),
                );
            });
            ui.separator();
            match view.right_tab {
                RightTab::Charts => {
                    egui::ScrollArea::vertical().id_salt("charts").show(ui, |ui| {
                        ui.label(if side.is_some() {
                            "men in the fight, own side only (fog of war)"
                        } else {
                            "men in the fight"
                        });
                        strength_chart(ui, &run, th, true, side);
                        ui.label("by contingent");
                        strength_chart(ui, &run, th, false, side);
                        ui.separator();
                        summary_table(ui, snap, th, side);
                    });
                }
                RightTab::Oob => {
                    let rows = oob_rows(snap, th, side);
                    egui::ScrollArea::vertical().id_salt("oob").show(ui, |ui| oob_tree(ui, &mut view, snap, &rows));
                    view.texts.extend(rows.into_iter().map(|r| r.text));
                }
            }
        },
    );
    // dragging a panel's edge shut folds it away too
    if !author.editing {
        view.show_left = show_left;
    }
    view.show_right = show_right;
    // ---- bottom: the event log or the messages
    if author.editing || !author.rows.is_empty() || !author.status.is_empty() {
        egui::Panel::bottom("problems").resizable(false).show(&mut root, |ui| {
            author::problems(ui, &mut author, &mut view, &run);
        });
    }
    egui::Panel::bottom("log").default_size(150.0).resizable(true).show(&mut root, |ui| {
        let msgs = messages_of(&run, side);
        ui.horizontal(|ui| {
            if ui.selectable_label(!view.show_messages, egui::RichText::new("Event log").strong()).clicked() {
                view.show_messages = false;
            }
            if ui
                .selectable_label(
                    view.show_messages,
                    egui::RichText::new(format!("Messages ({})", msgs.iter().filter(|m| m.t <= t).count())).strong(),
                )
                .clicked()
            {
                view.show_messages = true;
            }
            ui.separator();
            ui.add(
                egui::TextEdit::singleline(&mut view.log_filter).desired_width(160.0).hint_text("filter (unit, word)"),
            );
            if !view.show_messages {
                for (k, tip) in LOG_KINDS {
                    let mut on = view.log_kinds.contains(k);
                    if ui.checkbox(&mut on, k).on_hover_text(tip).changed() {
                        if on {
                            view.log_kinds.insert(k);
                        } else {
                            view.log_kinds.remove(k);
                        }
                        view.scanned = 0;
                        view.filtered.clear();
                    }
                }
            }
        });
        let needle = view.log_filter.to_lowercase();
        if view.show_messages {
            let shown: Vec<&jets::sim::messages::Message> = msgs
                .iter()
                .copied()
                .filter(|m| m.t <= t && (needle.is_empty() || m.text.to_lowercase().contains(&needle)))
                .collect();
            let mut jump = None;
            egui::ScrollArea::vertical().id_salt("messages").stick_to_bottom(true).auto_shrink([false, false]).show(
                ui,
                |ui| {
                    for m in &shown {
                        let head = m.text.lines().next().unwrap_or("");
                        let r =
                            ui.selectable_label(false, format!("{}  {head}", clock_text(m.t))).on_hover_text(&m.text);
                        if r.clicked() {
                            jump = Some(m.t);
                        }
                        view.texts.push(m.text.clone());
                    }
                },
            );
            if let Some(tm) = jump
                && tm != t
                && !remote
            {
                cmds.write(RunCommand::JumpTo(tm));
            }
            return;
        }
        let log = run.log_of(side);
        // the filter is applied to new events only (and from scratch when it changes), so the
        // cost of a frame does not grow with the log
        let key = (format!("{}|{:?}", view.log_filter, view.side), view.log_kinds.len());
        if key != view.filter_key || log.len() < view.scanned {
            view.filter_key = key;
            view.scanned = 0;
            view.filtered.clear();
        }
        for (i, e) in log.iter().enumerate().skip(view.scanned) {
            let (kind, _, text) = describe(&e.kind);
            if view.log_kinds.contains(kind) && (needle.is_empty() || text.to_lowercase().contains(&needle)) {
                view.filtered.push(i);
            }
        }
        view.scanned = log.len();
        let row_h = 18.0;
        let n = view.filtered.len();
        let mut clicked = None;
        let mut rows = Vec::new();
        egui::ScrollArea::vertical().stick_to_bottom(true).auto_shrink([false, false]).show_rows(
            ui,
            row_h,
            n,
            |ui, range| {
                for r in range {
                    let i = view.filtered[r];
                    let e = &log[i];
                    let (_, _, text) = describe(&e.kind);
                    let line = format!("{}  {text}", clock_text(e.t));
                    let resp = ui.selectable_label(view.chain_of == Some(i), &line);
                    rows.push(line);
                    if resp.clicked() {
                        clicked = Some(i);
                    }
                }
            },
        );
        view.texts.extend(rows);
        if let Some(i) = clicked {
            let e = &log[i];
            let (_, unit, _) = describe(&e.kind);
            if let Some(u) = unit.and_then(|id| snap.units.iter().find(|u| u.id == id)) {
                view.selected = Some(u.index);
                view.track = None;
                view.centre = u.pos;
            }
            if matches!(e.kind, EventKind::Casualties { .. }) {
                view.chain_of = Some(i);
            }
            if e.t != t && !remote {
                cmds.write(RunCommand::JumpTo(e.t));
            }
        }
    });
    // ---- the map
    egui::CentralPanel::no_frame().show(&mut root, |ui| {
        map_canvas(ui, &mut view, &run, th, &mut author, &mut out, &mut run_cmds);
    });
    for c in out {
        edits.write(c);
    }
    for c in run_cmds {
        cmds.write(c);
    }
    Ok(())
}

/// The messages a view shows: every side's (the umpire's run), a side's own, or what a
/// connected seat received.
pub fn messages_of(run: &Run, side: Option<usize>) -> Vec<&jets::sim::messages::Message> {
    run.messages.iter().filter(|m| run.seat.is_some() || side.is_none_or(|s| m.side == s)).collect()
}

/// The lines of a unit's panel (a unit the view sees in full).
pub fn unit_lines(u: &UnitView, th: &Theatre, snap: &super::run::Snapshot, side: Option<usize>) -> Vec<String> {
    let ty = &th.types[u.ty];
    let p = &u.pers;
    let mut l = vec![
        u.name.clone(),
        format!("{} · {} · {}", u.id, ty.name, th.contingents[u.contingent].id),
        format!("strength {} of {}", p.active, p.start),
        format!("casualties {} killed, {} wounded, {} captured", p.killed, p.wounded, p.captured),
        format!("task {} ({})", u.task, u.phase),
        format!("posture {:?}, state {:?}", u.posture, u.status),
        format!("morale {:.2}, suppression {:.2}", u.morale, u.suppression),
    ];
    if u.hostages > 0 {
        l.push(format!("hostages {}", u.hostages));
    }
    for (w, a, _) in &u.ammo {
        l.push(format!("ammunition {w}: {a:.0}"));
    }
    let contacts = snap.picture(side.unwrap_or(u.side));
    l.push(format!("contacts its side's headquarters hold: {}", contacts.len()));
    for c in contacts.iter().take(12) {
        l.push(contact_text(c));
    }
    l
}

/// A contact as its side knows it.
pub fn contact_text(c: &ContactView) -> String {
    format!(
        "{}: {}est. {} ± {:.0} m, seen {} min ago",
        track_name(c.track),
        c.class.map(|k| format!("{k:?}, ")).unwrap_or_else(|| "unidentified, ".into()),
        c.strength,
        c.error_m,
        c.age_s / 60
    )
}

/// The lines of a selected track's panel.
pub fn track_lines(snap: &super::run::Snapshot, side: usize, track: u32) -> Vec<String> {
    match snap.pictures.get(side).and_then(|p| p.iter().find(|c| c.track == track)) {
        Some(c) => vec![
            track_name(c.track),
            format!("category: {}", c.class.map(|k| format!("{k:?}")).unwrap_or_else(|| "not identified".into())),
            format!("strength: about {}", c.strength),
            format!("position: {:.2} km E {:.2} km N, ± {:.0} m", c.est.0 / 1000.0, c.est.1 / 1000.0, c.error_m),
            format!("last seen {} min ago", c.age_s / 60),
        ],
        None => vec![format!("{}: no longer held", track_name(track))],
    }
}

/// The end-of-run lines: the umpire's whole summary, or a side's own totals.
pub fn outcome_lines(run: &Run, side: Option<usize>) -> Vec<String> {
    let flat = |prefix: &str, v: &serde_json::Value, out: &mut Vec<String>| {
        if let Some(m) = v.as_object() {
            for (k, x) in m {
                if x.is_number() || x.is_string() {
                    out.push(format!("{prefix}{k}: {}", x.to_string().trim_matches('"')));
                }
            }
        }
    };
    let mut out = Vec::new();
    match side {
        None => match &run.summary {
            Some((s, reason)) => {
                out.push(format!("{}: {reason}", s["outcome"].as_str().unwrap_or("?")));
                flat("", s, &mut out);
            }
            None => out.push("the run has ended".into()),
        },
        Some(si) => match run.side_totals.get(si).and_then(|x| x.as_ref()) {
            Some(v) => {
                out.push(format!("{}: own totals (the outcome is the umpire's to announce)", run.theatre.sides[si]));
                flat("", &v["personnel"], &mut out);
                if let Some(c) = v["contingents"].as_object() {
                    for (id, x) in c {
                        flat(&format!("{id} "), x, &mut out);
                    }
                }
            }
            None => out.push("the run has ended".into()),
        },
    }
    out
}

fn unit_panel(ui: &mut egui::Ui, u: &UnitView, lines: &[String]) {
    ui.strong(&u.name);
    for l in &lines[1..] {
        ui.label(l);
    }
    ui.add(egui::ProgressBar::new(u.morale as f32).text(format!("morale {:.2}", u.morale)));
}

/// Men in the fight over sim time, by side or by contingent (a side's view: its own only):
/// hours of sim time across, men up, a legend naming each line.
fn strength_chart(ui: &mut egui::Ui, run: &Run, th: &Theatre, sides: bool, only: Option<usize>) {
    use egui_plot::{AxisHints, Corner, Legend, Line, Plot, PlotPoints};
    let h = &run.history;
    let hours = |t: u64| t as f64 / 3600.0;
    let series: Vec<(String, Color32, Vec<[f64; 2]>)> = if sides {
        (0..th.sides.len())
            .filter(|s| only.is_none_or(|o| o == *s))
            .map(|s| {
                let col = if s == th.defender { Color32::from_rgb(0, 90, 200) } else { Color32::from_rgb(200, 30, 30) };
                (th.sides[s].clone(), col, h.iter().map(|x| [hours(x.t), x.sides[s] as f64]).collect())
            })
            .collect()
    } else {
        (0..th.contingents.len())
            .filter(|k| only.is_none_or(|o| o == th.contingents[*k].side))
            .map(|k| {
                // the black of a contingent's band would vanish on the dark chart
                let c = symbols::contingent_colour(k);
                let c = if c.r() as u32 + c.g() as u32 + c.b() as u32 <= 150 { Color32::from_gray(210) } else { c };
                (th.contingents[k].id.clone(), c, h.iter().map(|x| [hours(x.t), x.contingents[k] as f64]).collect())
            })
            .collect()
    };
    Plot::new(if sides { "strength_sides" } else { "strength_contingents" })
        .height(if sides { 130.0 } else { 150.0 })
        .legend(Legend::default().position(Corner::RightTop).background_alpha(0.6))
        // round steps of hours (1, 2, 3, 6, 12, 24...), labelled when at least 36 points apart
        .custom_x_axes(vec![AxisHints::new_x().label("hours of sim time").label_spacing(24.0..=36.0)])
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|g| {
            let per_h = 8.0 / g.base_step_size.max(1e-9); // points per hour
            let major = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 72.0, 168.0]
                .into_iter()
                .find(|h| h * per_h >= 36.0)
                .unwrap_or(168.0);
            let minor = if major >= 2.0 && major % 2.0 == 0.0 { major / 2.0 } else { major };
            [minor, major, major * 4.0]
        }))
        .y_axis_label("men")
        // the run so far, at least an hour, from zero men up
        .include_x(0.0)
        .include_x(hours(run.t().max(3600)))
        .include_y(0.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .label_formatter(|hp| match hp {
            egui_plot::HoverPosition::NearDataPoint { plot_name, position, .. } => Some(format!(
                "{plot_name}: {:.0} men at {}",
                position.y,
                clock_text((position.x * 3600.0).round().max(0.0) as u64)
            )),
            egui_plot::HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |pu| {
            for (name, col, pts) in series {
                pu.line(Line::new(name, PlotPoints::from(pts)).color(col).width(1.8));
            }
        });
}

/// One row of the order-of-battle tree: a side (depth 0), a contingent or the enemy heading
/// (1), a unit or a track (2).
#[derive(Clone, Debug, PartialEq)]
pub struct OobRow {
    pub depth: usize,
    pub text: String,
    /// The unit the row selects (its spawn index).
    pub unit: Option<usize>,
    /// The track the row selects (a side's view).
    pub track: Option<u32>,
}

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Fighting => "fighting",
        Status::Withdrawing => "withdrawing",
        Status::Broken => "broken",
        Status::Surrendered => "surrendered",
        Status::Out => "out",
    }
}

/// The order of battle a view shows: side → contingent → unit with its strength and state;
/// the umpire's has every side, a side's only its own, and then the enemy as its headquarters
/// hold it, track by track (never an enemy unit's name or id).
pub fn oob_rows(snap: &super::run::Snapshot, th: &Theatre, side: Option<usize>) -> Vec<OobRow> {
    let row = |depth, text| OobRow { depth, text, unit: None, track: None };
    let mut out = Vec::new();
    for s in (0..th.sides.len()).filter(|s| side.is_none_or(|v| v == *s)) {
        let mut units: Vec<&UnitView> = snap.units.iter().filter(|u| u.side == s).collect();
        units.sort_by_key(|u| u.index);
        let (active, start) = units.iter().fold((0, 0), |a, u| (a.0 + u.pers.active, a.1 + u.pers.start));
        out.push(row(0, format!("{} — {active} of {start} in the fight", th.sides[s])));
        for (k, c) in th.contingents.iter().enumerate().filter(|(_, c)| c.side == s) {
            let mine: Vec<&&UnitView> = units.iter().filter(|u| u.contingent == k).collect();
            let (active, start) = mine.iter().fold((0, 0), |a, u| (a.0 + u.pers.active, a.1 + u.pers.start));
            out.push(row(1, format!("{} ({:?}) — {active} of {start}", c.id, c.nation)));
            for u in mine {
                out.push(OobRow {
                    depth: 2,
                    text: format!(
                        "{} ({}) — {} of {}, {}",
                        u.name,
                        u.id,
                        u.pers.active,
                        u.pers.start,
                        status_text(u.status)
                    ),
                    unit: Some(u.index),
                    track: None,
                });
            }
        }
    }
    if let Some(s) = side {
        let mut pic: Vec<&ContactView> = snap.picture(s).iter().collect();
        pic.sort_by_key(|c| c.track);
        out.push(row(0, format!("The enemy: {} track(s) held", pic.len())));
        for c in pic {
            out.push(OobRow { depth: 2, text: contact_text(c), unit: None, track: Some(c.track) });
        }
    }
    out
}

/// The order-of-battle tree: sides and contingents fold; a unit or track row selects it and
/// moves the map there.
fn oob_tree(ui: &mut egui::Ui, view: &mut View, snap: &super::run::Snapshot, rows: &[OobRow]) {
    let mut k = 0;
    while k < rows.len() {
        let end = (k + 1..rows.len()).find(|&j| rows[j].depth == 0).unwrap_or(rows.len());
        egui::CollapsingHeader::new(egui::RichText::new(&rows[k].text).strong())
            .id_salt(("oob", k))
            .default_open(true)
            .show(ui, |ui| {
                let mut j = k + 1;
                while j < end {
                    if rows[j].depth == 1 {
                        let sub = (j + 1..end).find(|&i| rows[i].depth <= 1).unwrap_or(end);
                        egui::CollapsingHeader::new(&rows[j].text).id_salt(("oob", j)).default_open(true).show(
                            ui,
                            |ui| {
                                for r in &rows[j + 1..sub] {
                                    oob_leaf(ui, view, snap, r);
                                }
                            },
                        );
                        j = sub;
                    } else {
                        oob_leaf(ui, view, snap, &rows[j]);
                        j += 1;
                    }
                }
            });
        k = end;
    }
}

fn oob_leaf(ui: &mut egui::Ui, view: &mut View, snap: &super::run::Snapshot, r: &OobRow) {
    let selected = (r.unit.is_some() && r.unit == view.selected) || (r.track.is_some() && r.track == view.track);
    if ui.selectable_label(selected, egui::RichText::new(&r.text).small()).clicked() {
        if let Some(k) = r.unit {
            view.selected = Some(k);
            view.track = None;
            if let Some(u) = snap.units.iter().find(|u| u.index == k) {
                view.centre = u.pos;
                view.fitted = true;
            }
        } else if let Some(n) = r.track {
            view.track = Some(n);
            view.selected = None;
            if let Some(c) = view_side_picture(view, snap).iter().find(|c| c.track == n) {
                view.centre = c.est;
                view.fitted = true;
            }
        }
    }
}

fn view_side_picture<'a>(view: &View, snap: &'a super::run::Snapshot) -> &'a [ContactView] {
    match view.side {
        ViewSide::Side(s) => snap.picture(s),
        ViewSide::Umpire => &[],
    }
}

fn summary_table(ui: &mut egui::Ui, snap: &super::run::Snapshot, th: &Theatre, only: Option<usize>) {
    egui::Grid::new("sum").num_columns(5).striped(true).show(ui, |ui| {
        for h in ["side", "active", "killed", "wounded", "out"] {
            ui.strong(h);
        }
        ui.end_row();
        for (s, name) in th.sides.iter().enumerate().filter(|(s, _)| only.is_none_or(|o| o == *s)) {
            let mut a = [0u32; 4];
            for u in snap.units.iter().filter(|u| u.side == s) {
                a[0] += u.pers.active;
                a[1] += u.pers.killed;
                a[2] += u.pers.wounded;
                a[3] += u.pers.captured + u.pers.exfiltrated + u.pers.reached_objective;
            }
            ui.label(name);
            for v in a {
                ui.label(v.to_string());
            }
            ui.end_row();
        }
    });
}

fn line_style(k: LineKind) -> (Stroke, bool) {
    match k {
        LineKind::Road => (Stroke::new(2.5, Color32::from_rgb(200, 60, 40)), false),
        LineKind::Track => (Stroke::new(1.6, Color32::from_rgb(120, 70, 40)), false),
        LineKind::Trail => (Stroke::new(1.2, Color32::from_rgb(90, 60, 40)), true),
        LineKind::River => (Stroke::new(1.8, Color32::from_rgb(40, 110, 210)), false),
        LineKind::Border => (Stroke::new(2.0, Color32::from_rgb(150, 40, 160)), true),
    }
}

fn map_canvas(
    ui: &mut egui::Ui,
    view: &mut View,
    run: &Run,
    th: &Theatre,
    author: &mut Authoring,
    out: &mut Vec<EditCommand>,
    cmds: &mut Vec<RunCommand>,
) {
    let rect = ui.max_rect();
    view.map_rect = rect;
    let ter = &run.loaded.terrain;
    let (w, h) = (ter.width_m(), ter.height_m());
    // the whole map fits the area until the user pans or zooms
    if !view.fitted && rect.width() > 10.0 {
        match view.focus {
            Some((at, width_m)) => {
                view.centre = at;
                view.scale = width_m / rect.width() as f64;
            }
            None => {
                view.centre = (w / 2.0, h / 2.0);
                view.scale = (w / rect.width() as f64).max(h / rect.height() as f64) * 1.02;
            }
        }
    }
    let resp = ui.interact(rect, egui::Id::new("map"), egui::Sense::click_and_drag());
    if author.editing {
        author::press(&resp, view, rect, author, run);
    }
    // pan and zoom: drag, wheel or touchpad, arrow keys and +/-
    if resp.dragged() && author.drag.is_none() {
        view.fitted = true;
        let d = resp.drag_delta();
        view.centre.0 -= d.x as f64 * view.scale;
        view.centre.1 += d.y as f64 * view.scale;
    }
    let (scroll, zoom, keys) = ui.input(|i| {
        let k = (
            i.key_down(egui::Key::ArrowLeft) as i32 - i.key_down(egui::Key::ArrowRight) as i32,
            i.key_down(egui::Key::ArrowDown) as i32 - i.key_down(egui::Key::ArrowUp) as i32,
            i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals),
            i.key_pressed(egui::Key::Minus),
        );
        (i.smooth_scroll_delta, i.zoom_delta(), k)
    });
    if !ui.ctx().text_edit_focused() {
        if keys.0 != 0 || keys.1 != 0 {
            view.fitted = true;
        }
        view.centre.0 -= keys.0 as f64 * 8.0 * view.scale;
        view.centre.1 -= keys.1 as f64 * 8.0 * view.scale;
    }
    let mut factor = 1.0 / zoom as f64;
    if resp.hovered() {
        factor *= (-(scroll.y as f64) / 400.0).exp();
    }
    if keys.2 {
        factor *= 0.8;
    }
    if keys.3 {
        factor *= 1.25;
    }
    if (factor - 1.0).abs() > 1e-6 {
        view.fitted = true;
        let anchor = resp.hover_pos().unwrap_or(rect.center());
        let before = view.to_world(rect, anchor);
        view.scale = (view.scale * factor).clamp(2.0, 2000.0);
        let after = view.to_world(rect, anchor);
        view.centre.0 += before.0 - after.0;
        view.centre.1 += before.1 - after.1;
    }
    let p = ui.painter_at(rect);
    p.rect_filled(rect, 0.0, Color32::from_gray(60));
    // terrain picture
    if let Some(tex) = &view.texture {
        let a = view.to_screen(rect, (0.0, h));
        let b = view.to_screen(rect, (w, 0.0));
        p.image(
            tex.id(),
            egui::Rect::from_two_pos(a, b),
            egui::Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
    }
    // vector layers
    if let Some(v) = &view.vectors {
        for l in &v.lines {
            let (stroke, dashed) = line_style(l.kind);
            let pts: Vec<Pos2> = l.pts.iter().map(|&q| view.to_screen(rect, q)).collect();
            if dashed {
                p.extend(egui::Shape::dashed_line(&pts, stroke, 6.0, 4.0));
            } else {
                p.add(egui::Shape::line(pts, stroke));
            }
        }
        for (q, level) in &view.contour_labels {
            if view.scale < 250.0 {
                p.text(
                    view.to_screen(rect, *q),
                    egui::Align2::CENTER_CENTER,
                    format!("{level:.0}"),
                    egui::FontId::proportional(9.0),
                    Color32::from_rgb(90, 60, 30),
                );
            }
        }
        // the attackers' objectives are theirs and the umpire's to know
        let hide_objectives = matches!(view.side, ViewSide::Side(s) if s != th.attacker);
        for pl in v
            .places
            .iter()
            .filter(|pl| !(author.editing || (hide_objectives && matches!(pl.kind, PlaceKind::Objective))))
        {
            let s = view.to_screen(rect, pl.at);
            let ink = Color32::from_rgb(20, 20, 20);
            match pl.kind {
                PlaceKind::Village { .. } => {
                    p.circle_filled(s, 4.0, Color32::from_rgb(60, 60, 60));
                    label(&p, s + Vec2::new(6.0, -2.0), &pl.label, 12.0, ink);
                }
                PlaceKind::Pass { .. } => {
                    p.add(egui::Shape::convex_polygon(
                        vec![s + Vec2::new(-5.0, 4.0), s + Vec2::new(0.0, -5.0), s + Vec2::new(5.0, 4.0)],
                        Color32::from_rgb(140, 40, 40),
                        Stroke::new(1.0, Color32::WHITE),
                    ));
                    label(&p, s + Vec2::new(7.0, -2.0), &pl.label, 11.0, Color32::from_rgb(110, 20, 20));
                }
                PlaceKind::Airfield => {
                    // the runway symbol: a ring with a bar
                    p.circle_stroke(s, 6.0, Stroke::new(1.5, ink));
                    p.line_segment([s + Vec2::new(-8.0, 3.0), s + Vec2::new(8.0, -3.0)], Stroke::new(2.0, ink));
                    if view.scale < 150.0 {
                        label(&p, s + Vec2::new(8.0, 6.0), &pl.label, 10.0, ink);
                    }
                }
                PlaceKind::Objective => {
                    p.circle_stroke(s, 6.0, Stroke::new(2.0, Color32::from_rgb(200, 0, 0)));
                    if view.scale < 150.0 {
                        label(&p, s + Vec2::new(8.0, 6.0), &pl.label, 10.0, Color32::from_rgb(160, 0, 0));
                    }
                }
                _ => {
                    if view.scale < 80.0 {
                        p.circle_filled(s, 2.0, ink);
                        label(&p, s + Vec2::new(5.0, 4.0), &pl.label, 9.0, ink);
                    }
                }
            }
        }
    }
    view.stacks.clear();
    if author.editing {
        author::draw(&p, &resp, view, rect, author, run, out);
    } else {
        units_and_picking(ui, &p, &resp, view, rect, run, th, cmds);
    }
    // the cursor readout
    if let Some(q) = resp.hover_pos() {
        let wpt = view.to_world(rect, q);
        if ter.contains(wpt) {
            let g = ter.frame.to_geo(wpt.0, wpt.1);
            let txt = format!(
                "grid {:.2} km E {:.2} km N   {:.4}° N {:.4}° E   {:.0} m",
                wpt.0 / 1000.0,
                wpt.1 / 1000.0,
                g.lat,
                g.lon,
                ter.elevation_at(wpt)
            );
            let at = Pos2::new(rect.left() + 8.0, rect.bottom() - 8.0);
            let galley = p.layout_no_wrap(txt, egui::FontId::monospace(12.0), Color32::BLACK);
            p.rect_filled(
                egui::Rect::from_min_size(
                    at - Vec2::new(2.0, galley.size().y + 2.0),
                    galley.size() + Vec2::new(4.0, 4.0),
                ),
                2.0,
                Color32::from_white_alpha(220),
            );
            p.galley(at - Vec2::new(0.0, galley.size().y), galley, Color32::BLACK);
        }
    }
    scale_bar(&p, rect, view.scale);
    north_arrow(&p, rect);
}

/// The run's units (trails, the selection's rings and sight lines, the chain behind a
/// casualty, symbols and contacts), clicking to select (or to set a position of the order
/// being prepared), the context menu of quick orders, and the tooltip. In a side's view only
/// its own units are drawn from the truth; the enemy is its picture, track by track.
#[allow(clippy::too_many_arguments)]
fn units_and_picking(
    ui: &mut egui::Ui,
    p: &egui::Painter,
    resp: &egui::Response,
    view: &mut View,
    rect: egui::Rect,
    run: &Run,
    th: &Theatre,
    cmds: &mut Vec<RunCommand>,
) {
    let ter = &run.loaded.terrain;
    let side = match view.side {
        ViewSide::Umpire => None,
        ViewSide::Side(s) => Some(s),
    };
    let mine = |u: &UnitView| side.is_none_or(|s| s == u.side);
    // trails of own (or all) units
    for u in run.snapshot.units.iter().filter(|u| mine(u)) {
        if let Some(tr) = run.trails.get(&u.index) {
            let mut pts: Vec<Pos2> = tr.iter().map(|&q| view.to_screen(rect, q)).collect();
            pts.push(view.to_screen(rect, u.pos));
            if pts.len() > 1 {
                let col = if u.side == th.defender {
                    Color32::from_rgba_unmultiplied(0, 60, 200, 110)
                } else {
                    Color32::from_rgba_unmultiplied(200, 0, 0, 110)
                };
                p.add(egui::Shape::line(pts, Stroke::new(1.5, col)));
            }
        }
    }
    // the selection's range rings and lines of sight: to the enemy where it is (umpire), or
    // to the contacts its side holds (a side)
    let light = run.snapshot.light.unwrap_or(Light::Day);
    if let Some(sel) = view.selected.and_then(|k| run.snapshot.units.iter().find(|u| u.index == k)).filter(|u| mine(u))
    {
        let ty = &th.types[sel.ty];
        let c = view.to_screen(rect, sel.pos);
        let sensor = ty.sensors.iter().map(|s| jets::sim::sensing::sensor_range(s, light)).fold(0.0, f64::max);
        if sensor > 0.0 {
            p.circle_stroke(c, (sensor / view.scale) as f32, Stroke::new(1.2, Color32::from_rgb(0, 140, 0)));
        }
        for wpn in &ty.weapons {
            let col = if matches!(wpn.kind, WeaponKind::Mortar | WeaponKind::Howitzer | WeaponKind::RocketLauncher) {
                Color32::from_rgb(200, 100, 0)
            } else {
                Color32::from_rgb(200, 0, 0)
            };
            p.circle_stroke(c, (wpn.max_range_m / view.scale) as f32, Stroke::new(1.0, col));
        }
        let eye = ty.sensors.iter().map(|s| s.height_m).fold(1.8, f64::max);
        let targets: Vec<(f64, f64)> = match side {
            None => {
                run.snapshot.units.iter().filter(|u| u.side != sel.side && u.pers.active > 0).map(|u| u.pos).collect()
            }
            Some(s) => run.snapshot.picture(s).iter().map(|k| k.est).collect(),
        };
        for tp in targets {
            let d = ((tp.0 - sel.pos.0).powi(2) + (tp.1 - sel.pos.1).powi(2)).sqrt();
            if d > 2.0 * sensor.max(1000.0) {
                continue;
            }
            let seen = jets::terrain::los::visible(ter, sel.pos, eye, tp, 1.5);
            let col = if seen { Color32::from_rgb(0, 170, 0) } else { Color32::from_rgb(200, 0, 0) };
            let pts = [c, view.to_screen(rect, tp)];
            if seen {
                p.line_segment(pts, Stroke::new(1.5, col));
            } else {
                p.extend(egui::Shape::dashed_line(&pts, Stroke::new(1.2, col), 5.0, 4.0));
            }
        }
    }
    // the units and tracks in the chain behind a casualty (ringed below, by their stacks)
    let mut chain_names: Vec<String> = Vec::new();
    if let Some(k) = view.chain_of {
        let log = run.log_of(side);
        for i in chain_of(log, &run.snapshot.units, k, side) {
            match &log[i].kind {
                EventKind::Detected { observer, target, .. } => chain_names.extend([observer.clone(), target.clone()]),
                EventKind::Engaged { shooter, target, .. } => chain_names.extend([shooter.clone(), target.clone()]),
                EventKind::Order { to, .. } => chain_names.push(to.clone()),
                _ => {}
            }
        }
    }
    // units and contacts: what the view may draw (its own units, or all for the umpire, in
    // index order; then its side's tracks by number), stacked where they would overlap
    view.drawn.clear();
    view.stacks.clear();
    let defender = th.defender;
    struct Item {
        what: Drawn,
        at: Pos2,
        symbol: Symbol,
        name: String,
        strength: u32,
        approx: bool,
    }
    let mut items: Vec<Item> = Vec::new();
    let mut units: Vec<&UnitView> = run.snapshot.units.iter().collect();
    units.sort_by_key(|u| u.index);
    for u in units {
        let truth_ghost = !mine(u) && view.show_truth && run.seat.is_none();
        if !mine(u) && !truth_ghost {
            continue;
        }
        if u.pers.active == 0 && u.status == Status::Out && u.pers.killed + u.pers.wounded + u.pers.captured == 0 {
            continue; // left the map
        }
        let ty = &th.types[u.ty];
        let aff = affiliation_of(view.side, u.side, defender);
        let mut s = Symbol {
            affiliation: aff,
            category: Some(ty.category),
            echelon: Some(ty.echelon),
            band: Some(symbols::contingent_colour(u.contingent)),
            strength: None,
            state: state_of(u),
            selected: view.selected == Some(u.index),
            alpha: 1.0,
        };
        let at = view.to_screen(rect, u.pos);
        if truth_ghost {
            // the truth beside the belief: faint, apart from the view's own picture
            s.alpha = 0.35;
            s.strength = Some(u.pers.active.to_string());
            symbols::draw(p, at, &s);
            continue;
        }
        items.push(Item {
            what: Drawn::Unit(u.index),
            at,
            symbol: s,
            name: u.id.clone(),
            strength: u.pers.active,
            approx: false,
        });
    }
    let ink_track = Stroke::new(1.0, Color32::from_rgba_unmultiplied(180, 0, 0, 160));
    if let Some(sd) = side {
        let mut pic: Vec<&ContactView> = run.snapshot.picture(sd).iter().collect();
        pic.sort_by_key(|c| c.track);
        for c in pic {
            let at = view.to_screen(rect, c.est);
            // the circle of the position's error (one standard error) where the track is held
            p.circle_stroke(at, ((c.error_m / view.scale) as f32).max(3.0), ink_track);
            let age = if c.age_s >= 60 { format!(" {} min", c.age_s / 60) } else { String::new() };
            items.push(Item {
                what: Drawn::Track(c.track),
                at,
                symbol: Symbol {
                    affiliation: if c.class.is_some() { Affiliation::Hostile } else { Affiliation::Unknown },
                    category: c.class,
                    echelon: None,
                    band: None,
                    strength: None,
                    state: State::Fighting,
                    selected: view.track == Some(c.track),
                    // the symbol fades with the track's age
                    alpha: (1.0 - c.age_s as f32 / 3600.0).clamp(0.35, 1.0),
                },
                name: format!("{}{age}", track_name(c.track)),
                strength: c.strength,
                approx: true,
            });
        }
    }
    // own side (or the defender, for the umpire) and the enemy stack apart
    let keyed: Vec<(u8, Pos2)> =
        items.iter().map(|i| (u8::from(i.symbol.affiliation != Affiliation::Friendly), i.at)).collect();
    let stacks = symbols::stacks(&keyed);
    let (sel_unit, sel_track) = (view.selected, view.track);
    let is_selected = |d: Drawn| match d {
        Drawn::Unit(k) => sel_unit == Some(k),
        Drawn::Track(n) => sel_track == Some(n),
    };
    let mut hits: Vec<(usize, egui::Rect)> = Vec::new();
    let mut wanted: Vec<(egui::Rect, Vec2, bool)> = Vec::new();
    let mut galleys = Vec::new();
    let label_ink = Color32::from_rgb(20, 20, 20);
    for (si, st) in stacks.iter().enumerate() {
        // on top: the selection, else the first still in play
        let top = st
            .members
            .iter()
            .copied()
            .find(|&m| is_selected(items[m].what))
            .or_else(|| st.members.iter().copied().find(|&m| items[m].symbol.state != State::Out))
            .unwrap_or(st.members[0]);
        let n = st.members.len();
        let r = symbols::draw_stack(p, st.at, &items[top].symbol, n);
        hits.push((si, r));
        for &m in &st.members {
            view.drawn.push((items[m].what, st.at, symbols::fill(items[m].symbol.affiliation)));
        }
        let it = &items[top];
        let approx = if it.approx { "~" } else { "" };
        let text = if n == 1 {
            format!("{} {approx}{}", it.name, it.strength)
        } else {
            let sum: u32 = st.members.iter().map(|&m| items[m].strength).sum();
            format!("{} +{} · {approx}{sum}", it.name, n - 1)
        };
        let g = p.layout_no_wrap(text.clone(), egui::FontId::proportional(10.0), label_ink);
        wanted.push((r, g.size() + Vec2::new(2.0, 0.0), is_selected(it.what)));
        galleys.push((text, g));
        view.stacks.push(DrawnStack {
            at: st.at,
            rect: r,
            members: st.members.iter().map(|&m| (items[m].what, items[m].at)).collect(),
            top: it.what,
            label: None,
        });
    }
    // the chain behind a casualty, highlighted: each stack holding a unit of it (where the
    // view draws it) or a track of it (where the side believes it)
    if !chain_names.is_empty() {
        let ring = Stroke::new(3.0, Color32::from_rgb(255, 120, 0));
        let in_chain = |d: Drawn| match d {
            Drawn::Unit(k) => run.snapshot.units.iter().any(|u| u.index == k && chain_names.contains(&u.id)),
            Drawn::Track(n) => chain_names.contains(&track_name(n)),
        };
        for st in &view.stacks {
            if st.members.iter().any(|(d, _)| in_chain(*d)) {
                p.circle_stroke(st.at, 22.0 + 2.0 * (st.members.len().min(3) - 1) as f32, ring);
            }
        }
    }
    // labels: beside their symbol where there is room, clear of every symbol, of each other
    // and of the scale bar and north arrow; the selection's always
    let mut obstacles: Vec<egui::Rect> = hits.iter().map(|h| h.1).collect();
    obstacles.push(scale_bar_rect(rect, view.scale));
    obstacles.push(north_arrow_rect(rect));
    let placed = symbols::place_labels(&obstacles, &wanted, rect.shrink(2.0));
    for ((si, (text, g)), at) in galleys.into_iter().enumerate().zip(placed) {
        if let Some(lr) = at {
            p.rect_filled(lr.expand(1.0), 2.0, Color32::from_white_alpha(170));
            p.galley(lr.min + Vec2::new(1.0, 0.0), g, label_ink);
            view.stacks[si].label = Some((text, lr));
        }
    }
    // clicking: a position for the order being prepared, else a selection (a stack's next
    // member with each click)
    let pointer = resp.hover_pos();
    let under = |q: Pos2| hits.iter().rev().find(|(_, r)| r.contains(q)).map(|(k, _)| *k);
    if resp.clicked()
        && let Some(q) = resp.interact_pointer_pos()
    {
        let at = view.to_world(rect, q);
        if !orders::take_click(view, at) {
            let pick = under(q).map(|si| {
                let m = &view.stacks[si].members;
                let cur = m.iter().position(|(d, _)| is_selected(*d));
                m[cur.map_or(0, |c| (c + 1) % m.len())].0
            });
            match pick {
                Some(Drawn::Unit(k)) => {
                    view.selected = Some(k);
                    view.track = None;
                }
                Some(Drawn::Track(n)) => {
                    view.track = Some(n);
                    view.selected = None;
                }
                None => {
                    view.selected = None;
                    view.track = None;
                }
            }
        }
    }
    // right-click: quick orders for the selected unit at that point
    if let Some(q) = resp.interact_pointer_pos().filter(|_| resp.secondary_clicked()) {
        view.order.picking = None;
        ui.ctx().data_mut(|d| d.insert_temp(egui::Id::new("order_at"), view.to_world(rect, q)));
    }
    let at: Option<(f64, f64)> = ui.ctx().data(|d| d.get_temp(egui::Id::new("order_at")));
    resp.context_menu(|ui| {
        if let Some(at) = at {
            orders::quick(ui, view, run, at, cmds);
        }
    });
    // the tooltip: a unit as the view sees it, a track as its side holds it; a stack lists
    // its members (a click selects the next)
    if let Some(q) = pointer
        && let Some(si) = under(q)
    {
        let line = |k: Drawn| match k {
            Drawn::Unit(i) => run
                .snapshot
                .units
                .iter()
                .find(|u| u.index == i)
                .map(|u| {
                    format!("{} — {}, {} of {}, {}", u.name, th.types[u.ty].name, u.pers.active, u.pers.start, u.task)
                })
                .unwrap_or_default(),
            Drawn::Track(n) => side
                .and_then(|s| run.snapshot.picture(s).iter().find(|c| c.track == n))
                .map(contact_text)
                .unwrap_or_default(),
        };
        let members = &view.stacks[si].members;
        let mut lines: Vec<String> = members.iter().map(|(d, _)| line(*d)).collect();
        if lines.len() > 1 {
            lines.insert(0, format!("{} here (click to select each in turn):", lines.len()));
        }
        view.texts.extend(lines.iter().cloned());
        egui::Tooltip::always_open(
            ui.ctx().clone(),
            ui.layer_id(),
            egui::Id::new("unit_tip"),
            egui::PopupAnchor::Pointer,
        )
        .show(|ui| {
            for l in &lines {
                ui.label(l);
            }
        });
    }
}

fn label(p: &egui::Painter, at: Pos2, text: &str, size: f32, col: Color32) {
    // a white halo keeps names readable on the relief
    for (dx, dy) in [(-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0)] {
        p.text(
            at + Vec2::new(dx, dy),
            egui::Align2::LEFT_CENTER,
            text,
            egui::FontId::proportional(size),
            Color32::from_white_alpha(200),
        );
    }
    p.text(at, egui::Align2::LEFT_CENTER, text, egui::FontId::proportional(size), col);
}

/// The scale bar's length: a round number of metres about 120 points long, and its length
/// in points.
fn scale_bar_len(scale: f64) -> (f64, f32) {
    let target = 120.0 * scale;
    let mag = 10f64.powf(target.log10().floor());
    let len = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).rfind(|&l| l <= target).unwrap_or(mag);
    (len, (len / scale) as f32)
}

/// Where the scale bar is drawn (its white box).
fn scale_bar_rect(rect: egui::Rect, scale: f64) -> egui::Rect {
    let px = scale_bar_len(scale).1;
    let a = Pos2::new(rect.right() - px - 20.0, rect.bottom() - 24.0);
    egui::Rect::from_min_size(a - Vec2::new(6.0, 16.0), Vec2::new(px + 12.0, 26.0))
}

/// Where the north arrow is drawn.
fn north_arrow_rect(rect: egui::Rect) -> egui::Rect {
    let c = Pos2::new(rect.right() - 30.0, rect.top() + 40.0);
    egui::Rect::from_min_max(c - Vec2::new(18.0, 32.0), c + Vec2::new(18.0, 18.0))
}

fn scale_bar(p: &egui::Painter, rect: egui::Rect, scale: f64) {
    let (len, px) = scale_bar_len(scale);
    let a = Pos2::new(rect.right() - px - 20.0, rect.bottom() - 24.0);
    p.rect_filled(scale_bar_rect(rect, scale), 2.0, Color32::from_white_alpha(200));
    p.line_segment([a, a + Vec2::new(px, 0.0)], Stroke::new(3.0, Color32::BLACK));
    p.line_segment([a + Vec2::new(0.0, -4.0), a + Vec2::new(0.0, 4.0)], Stroke::new(1.5, Color32::BLACK));
    p.line_segment([a + Vec2::new(px, -4.0), a + Vec2::new(px, 4.0)], Stroke::new(1.5, Color32::BLACK));
    let txt = if len >= 1000.0 { format!("{:.0} km", len / 1000.0) } else { format!("{len:.0} m") };
    p.text(
        a + Vec2::new(px / 2.0, -8.0),
        egui::Align2::CENTER_CENTER,
        txt,
        egui::FontId::proportional(11.0),
        Color32::BLACK,
    );
}

fn north_arrow(p: &egui::Painter, rect: egui::Rect) {
    let c = Pos2::new(rect.right() - 30.0, rect.top() + 40.0);
    p.circle_filled(c, 18.0, Color32::from_white_alpha(200));
    p.add(egui::Shape::convex_polygon(
        vec![c + Vec2::new(0.0, -14.0), c + Vec2::new(6.0, 8.0), c + Vec2::new(0.0, 4.0), c + Vec2::new(-6.0, 8.0)],
        Color32::BLACK,
        Stroke::NONE,
    ));
    p.text(
        c + Vec2::new(0.0, -24.0),
        egui::Align2::CENTER_CENTER,
        "N",
        egui::FontId::proportional(12.0),
        Color32::BLACK,
    );
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::desktop::run::Run;

    /// Every line a side's view can show — its log, the chain behind each of its casualties,
    /// its contacts' tooltips and panels, its units' panels, its messages, its end-of-run
    /// totals — names no enemy unit and no enemy unit's name.
    #[test]
    fn a_sides_view_names_no_enemy_unit() {
        let loaded = Arc::new(jets::scenario::load_default().unwrap());
        for at in [12 * 3600, loaded.duration_s] {
            let run = Run::start(loaded.clone(), 2000, at, false);
            let th = run.theatre.clone();
            for s in 0..th.sides.len() {
                let mut lines: Vec<String> = Vec::new();
                let log = run.log_of(Some(s));
                assert!(!log.is_empty(), "side {s} has a log");
                for (k, e) in log.iter().enumerate() {
                    lines.push(describe(&e.kind).2);
                    if matches!(e.kind, EventKind::Casualties { .. }) {
                        for i in chain_of(log, &run.snapshot.units, k, Some(s)) {
                            lines.push(describe(&log[i].kind).2);
                        }
                    }
                }
                for c in run.snapshot.picture(s) {
                    lines.push(contact_text(c));
                    lines.extend(track_lines(&run.snapshot, s, c.track));
                }
                for u in run.snapshot.units.iter().filter(|u| u.side == s) {
                    lines.extend(unit_lines(u, &th, &run.snapshot, Some(s)));
                }
                lines.extend(messages_of(&run, Some(s)).iter().map(|m| m.text.clone()));
                // the order-of-battle tree: its own units and the enemy's tracks
                let oob = oob_rows(&run.snapshot, &th, Some(s));
                assert!(
                    oob.iter().all(|r| r.unit.is_none_or(|k| run
                        .snapshot
                        .units
                        .iter()
                        .any(|u| u.index == k && u.side == s))),
                    "only its own units"
                );
                lines.extend(oob.into_iter().map(|r| r.text));
                if at == loaded.duration_s {
                    assert!(run.ended);
                    let out = outcome_lines(&run, Some(s));
                    assert!(out.len() > 3, "{out:?}");
                    let verdicts = ["interdicted", "incursion_succeeded", "contested"];
                    assert!(
                        !out.iter().any(|l| verdicts.iter().any(|v| l.contains(v))),
                        "the umpire's outcome: {out:?}"
                    );
                    let enemy = &th.sides[1 - s];
                    assert!(!out.iter().any(|l| l.contains(enemy.as_str())), "the enemy's totals: {out:?}");
                    lines.extend(out);
                }
                assert!(lines.len() > 20, "side {s} shows {} lines", lines.len());
                for u in loaded.scenario.units.iter().filter(|u| u.side != th.sides[s]) {
                    for l in &lines {
                        assert!(
                            !l.contains(&u.id) && !l.contains(&format!("{} ", u.name)) && !l.ends_with(&u.name),
                            "side {} shows `{l}`: it names enemy {} ({})",
                            th.sides[s],
                            u.id,
                            u.name
                        );
                    }
                }
            }
        }
    }

    /// The order of battle: the umpire's lists every unit once, under its side and contingent,
    /// in index order; a side's lists its own units and then exactly the tracks it holds.
    #[test]
    fn the_order_of_battle_lists_each_unit_under_its_contingent() {
        let loaded = Arc::new(jets::scenario::load_default().unwrap());
        let run = Run::start(loaded.clone(), 2000, 12 * 3600, false);
        let (th, snap) = (run.theatre.clone(), &run.snapshot);
        let rows = oob_rows(snap, &th, None);
        let units: Vec<usize> = rows.iter().filter_map(|r| r.unit).collect();
        assert_eq!(units.len(), th.unit_ids.len(), "every unit once");
        let mut side = None;
        let mut contingent = None;
        for r in &rows {
            match r.depth {
                0 => side = th.sides.iter().position(|s| r.text.starts_with(&format!("{s} — "))),
                1 => contingent = th.contingents.iter().position(|c| r.text.starts_with(&format!("{} (", c.id))),
                _ => {
                    let k = r.unit.expect("a unit row");
                    let u = snap.units.iter().find(|u| u.index == k).unwrap();
                    assert_eq!(Some(u.side), side, "{}", r.text);
                    assert_eq!(Some(u.contingent), contingent, "{}", r.text);
                    assert!(
                        r.text.contains(&u.id) && r.text.contains(&format!("{} of {}", u.pers.active, u.pers.start))
                    );
                }
            }
        }
        // totals add up: the side's row is the sum of its units
        let active: u32 = snap.units.iter().filter(|u| u.side == 0).map(|u| u.pers.active).sum();
        assert!(rows[0].text.contains(&format!("{active} of ")), "{}", rows[0].text);
        for s in 0..th.sides.len() {
            let rows = oob_rows(snap, &th, Some(s));
            let own = snap.units.iter().filter(|u| u.side == s).count();
            assert_eq!(rows.iter().filter(|r| r.unit.is_some()).count(), own);
            let tracks: Vec<u32> = rows.iter().filter_map(|r| r.track).collect();
            let mut held: Vec<u32> = snap.picture(s).iter().map(|c| c.track).collect();
            held.sort_unstable();
            assert_eq!(tracks, held, "side {s}: the tracks it holds, in order");
            assert!(rows.iter().any(|r| r.depth == 0 && r.text.starts_with("The enemy: ")));
        }
    }

    /// The time scale of the timeline: labelled ticks on round hours, far enough apart.
    #[test]
    fn the_time_scale_ticks_on_round_hours() {
        let ticks = time_ticks(72 * 3600, 800.0);
        let major: Vec<u64> = ticks.iter().filter(|t| t.1).map(|t| t.0).collect();
        assert_eq!(major.first(), Some(&0));
        let step = major[1] - major[0];
        assert_eq!(step, 12 * 3600, "72 h over 800 points: every 12 h");
        assert!(major.windows(2).all(|w| w[1] - w[0] == step));
        assert!(ticks.len() > major.len(), "minor ticks between");
        assert!(ticks.iter().all(|t| t.0 % 3600 == 0 && t.0 <= 72 * 3600));
        assert_eq!(clock_text(major[3]), "D+1 12:00");
        // a short run on a wide bar: every hour
        assert_eq!(time_ticks(6 * 3600, 1000.0).iter().filter(|t| t.1).count(), 7);
    }

    /// The umpire's view is the truth: its log and chain name the units.
    #[test]
    fn the_umpires_view_is_the_truth() {
        let loaded = Arc::new(jets::scenario::load_default().unwrap());
        let run = Run::start(loaded.clone(), 2000, 12 * 3600, false);
        let text: String = run.log_of(None).iter().map(|e| describe(&e.kind).2 + "\n").collect();
        assert!(text.contains("irg_band_") && text.contains("kg_"), "both sides' units by name");
    }
}
