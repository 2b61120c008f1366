//! Orders during play and the control's actions: the order form of a selected unit (any task
//! the scenario format has, its positions picked on the map), the quick orders of the map's
//! context menu, the triggers panel (fire now, hold, release) and the inject form.
//!
//! Owns: [`OrderForm`] and what it sends. Must not: change the run but by writing
//! `RunCommand::Input`s (checked by the engine, or by the server for a connected seat, exactly
//! as a trigger's orders are).

use bevy_egui::egui;
use jets::exercise::view::Role;
use jets::format::schema::{Condition, Loc, Order, PlaceKind, Task, TaskKind, Trigger};
use jets::sim::input::Input;

use super::run::{Run, RunCommand};
use super::ui::{View, ViewSide};

/// The order being prepared for the selected unit.
#[derive(Default, Clone, Debug)]
pub struct OrderForm {
    /// The unit (spawn index) the form is for.
    pub unit: Option<usize>,
    /// Task kind.
    pub kind: TaskKind,
    /// The position the task needs (clicked on the map).
    pub point: Option<(f64, f64)>,
    /// A second, optional position (a blocking or firing position).
    pub own_point: Option<(f64, f64)>,
    /// Patrol waypoints.
    pub route: Vec<(f64, f64)>,
    pub repeat: bool,
    /// A place, a lift or a target chosen from a list.
    pub choice: String,
    pub radius_m: f64,
    /// Which position the next map click sets: 0 the task's, 1 the own position, 2 a waypoint.
    pub picking: Option<u8>,
    /// The inject being prepared (the control).
    pub inject_id: String,
    pub inject_at: String,
}

impl OrderForm {
    fn reset(&mut self, unit: usize) {
        *self = OrderForm { unit: Some(unit), radius_m: 3000.0, repeat: true, ..Default::default() };
    }
}

/// Who gives orders in this view: the connected seat, the control in the umpire's view, or
/// the side whose view is shown.
pub fn seat_of(run: &Run, view: &View) -> Option<(String, Role)> {
    if let Some(s) = &run.seat {
        return Some(s.clone());
    }
    Some(match view.side {
        ViewSide::Umpire => ("control".to_string(), Role::Control),
        ViewSide::Side(s) => (run.theatre.sides[s].clone(), Role::Side(s)),
    })
}

fn xy(p: (f64, f64)) -> Loc {
    Loc::Xy { x: p.0.round(), y: p.1.round() }
}

/// The task the form describes, or what it still lacks.
fn task(f: &OrderForm) -> Result<Task, &'static str> {
    let point = || f.point.map(xy).ok_or("pick the position on the map");
    let own = f.own_point.map(xy);
    let chosen = || if f.choice.is_empty() { Err("choose from the list") } else { Ok(f.choice.clone()) };
    Ok(match f.kind {
        TaskKind::Move => Task::Move { to: point()? },
        TaskKind::Defend => Task::Defend { at: point()? },
        TaskKind::Observe => Task::Observe { at: point()? },
        TaskKind::Block => Task::Block { pass: chosen()?, at: own },
        TaskKind::Patrol => {
            if f.route.len() < 2 {
                return Err("click at least two waypoints on the map");
            }
            Task::Patrol { route: f.route.iter().map(|p| xy(*p)).collect(), repeat: f.repeat }
        }
        TaskKind::Reserve => Task::Reserve { at: own },
        TaskKind::Infiltrate => {
            Task::Infiltrate { objective: chosen()?, via: Vec::new(), delay: None, rally: None, rally_wait: None }
        }
        TaskKind::Attack => Task::Attack { at: point()?, radius_m: f.radius_m },
        TaskKind::Pursue => Task::Pursue { unit: chosen()? },
        TaskKind::CordonSearch => Task::CordonSearch { village: chosen()?, hours: None },
        TaskKind::AirAssault => Task::AirAssault { lift: chosen()?, lz: point()? },
        TaskKind::FireSupport => Task::FireSupport { at: own, zone: point()?, radius_m: f.radius_m },
        TaskKind::Ambush => Task::Ambush { at: point()?, wait: None },
        TaskKind::Withdraw => Task::Withdraw { to: own },
    })
}

/// The order form of a unit the viewer may command.
pub fn panel(ui: &mut egui::Ui, view: &mut View, run: &Run, unit: usize, cmds: &mut Vec<RunCommand>) {
    let Some(u) = run.snapshot.units.iter().find(|u| u.index == unit) else { return };
    let Some((seat, role)) = seat_of(run, view) else { return };
    let th = &run.theatre;
    if role != Role::Control && !role.commands(u.side, u.contingent, th) {
        return;
    }
    if view.order.unit != Some(unit) {
        view.order.reset(unit);
    }
    ui.separator();
    ui.heading(format!("Order to {}", u.id));
    let f = &mut view.order;
    let before = f.kind;
    egui::ComboBox::from_id_salt("order_kind").selected_text(f.kind.name()).show_ui(ui, |ui| {
        for k in TaskKind::ALL {
            ui.selectable_value(&mut f.kind, k, k.name());
        }
    });
    if f.kind != before {
        f.choice.clear();
        f.point = None;
        f.own_point = None;
        f.route.clear();
        f.picking = None;
    }
    let scn = &run.loaded.scenario;
    let places = |k: &dyn Fn(&PlaceKind) -> bool| -> Vec<String> {
        scn.places.iter().filter(|p| k(&p.kind)).map(|p| p.id.clone()).collect()
    };
    let list: Vec<String> = match f.kind {
        TaskKind::Block => places(&|k| matches!(k, PlaceKind::Pass { .. })),
        TaskKind::Infiltrate => scn.places.iter().map(|p| p.id.clone()).collect(),
        TaskKind::CordonSearch => places(&|k| matches!(k, PlaceKind::Village { .. })),
        TaskKind::AirAssault => run
            .snapshot
            .units
            .iter()
            .filter(|x| x.side == u.side && th.types[x.ty].capacity.troops > 0 && x.index != u.index)
            .map(|x| x.id.clone())
            .collect(),
        // a side pursues what its picture holds: a track
        TaskKind::Pursue => match role {
            Role::Control => run.snapshot.units.iter().filter(|x| x.side != u.side).map(|x| x.id.clone()).collect(),
            _ => run.snapshot.picture(u.side).iter().map(|c| jets::sim::messages::track_name(c.track)).collect(),
        },
        TaskKind::Move
        | TaskKind::Defend
        | TaskKind::Patrol
        | TaskKind::Reserve
        | TaskKind::Observe
        | TaskKind::Attack
        | TaskKind::FireSupport
        | TaskKind::Ambush
        | TaskKind::Withdraw => Vec::new(),
    };
    if !list.is_empty() || matches!(f.kind, TaskKind::Pursue | TaskKind::AirAssault) {
        egui::ComboBox::from_id_salt("order_choice").selected_text(f.choice.clone()).show_ui(ui, |ui| {
            for o in &list {
                ui.selectable_value(&mut f.choice, o.clone(), o);
            }
        });
    }
    let needs_point = matches!(
        f.kind,
        TaskKind::Move
            | TaskKind::Defend
            | TaskKind::Observe
            | TaskKind::Attack
            | TaskKind::AirAssault
            | TaskKind::FireSupport
            | TaskKind::Ambush
    );
    let own_point = matches!(f.kind, TaskKind::Block | TaskKind::Reserve | TaskKind::FireSupport | TaskKind::Withdraw);
    if needs_point {
        ui.horizontal(|ui| {
            let label = match f.point {
                Some(p) => format!("position {:.1} km E {:.1} km N", p.0 / 1000.0, p.1 / 1000.0),
                None => "no position yet".into(),
            };
            ui.label(label);
            if ui.selectable_label(f.picking == Some(0), "pick on map").clicked() {
                f.picking = if f.picking == Some(0) { None } else { Some(0) };
            }
        });
    }
    if own_point {
        ui.horizontal(|ui| {
            let label = match f.own_point {
                Some(p) => format!("own position {:.1} km E {:.1} km N", p.0 / 1000.0, p.1 / 1000.0),
                None => "own position: default".into(),
            };
            ui.label(label);
            if ui.selectable_label(f.picking == Some(1), "pick").clicked() {
                f.picking = if f.picking == Some(1) { None } else { Some(1) };
            }
            if f.own_point.is_some() && ui.small_button("clear").clicked() {
                f.own_point = None;
            }
        });
    }
    if f.kind == TaskKind::Patrol {
        ui.horizontal(|ui| {
            ui.label(format!("{} waypoint(s)", f.route.len()));
            if ui.selectable_label(f.picking == Some(2), "add by clicking the map").clicked() {
                f.picking = if f.picking == Some(2) { None } else { Some(2) };
            }
            if ui.small_button("clear").clicked() {
                f.route.clear();
            }
        });
        ui.checkbox(&mut f.repeat, "repeat the loop");
    }
    if matches!(f.kind, TaskKind::Attack | TaskKind::FireSupport) {
        ui.add(
            egui::DragValue::new(&mut f.radius_m)
                .range(jets::scenario::limits::TASK_RADIUS_M)
                .prefix("radius ")
                .suffix(" m"),
        );
    }
    match task(f) {
        Ok(t) => {
            if ui.button("Send order").on_hover_text("goes down the chain of command with its delays").clicked() {
                cmds.push(RunCommand::Input { seat, input: Input::Order { unit: u.id.clone(), task: t } });
                f.picking = None;
            }
        }
        Err(why) => {
            ui.label(egui::RichText::new(why).italics());
        }
    }
}

/// A map click while the form waits for a position: true when the click was taken.
pub fn take_click(view: &mut View, at: (f64, f64)) -> bool {
    let f = &mut view.order;
    match f.picking {
        Some(0) => {
            f.point = Some(at);
            f.picking = None;
        }
        Some(1) => {
            f.own_point = Some(at);
            f.picking = None;
        }
        Some(2) => f.route.push(at),
        _ => return false,
    }
    true
}

/// Quick orders from the map's context menu for the selected unit, at the clicked point.
pub fn quick(ui: &mut egui::Ui, view: &View, run: &Run, at: (f64, f64), cmds: &mut Vec<RunCommand>) {
    let Some(u) = view.selected.and_then(|k| run.snapshot.units.iter().find(|u| u.index == k)) else {
        ui.label("select one of your units first");
        return;
    };
    let Some((seat, role)) = seat_of(run, view) else { return };
    if role != Role::Control && !role.commands(u.side, u.contingent, &run.theatre) {
        ui.label(format!("{} is not yours to command", u.id));
        return;
    }
    ui.label(format!("{} to {:.1} km E {:.1} km N", u.id, at.0 / 1000.0, at.1 / 1000.0));
    let here = xy(at);
    for (label, task) in [
        ("Move here", Task::Move { to: here.clone() }),
        ("Defend here", Task::Defend { at: here.clone() }),
        ("Observe from here", Task::Observe { at: here.clone() }),
        ("Attack here (3 km)", Task::Attack { at: here.clone(), radius_m: 3000.0 }),
        ("Ambush here", Task::Ambush { at: here, wait: None }),
        ("Withdraw home", Task::Withdraw { to: None }),
    ] {
        if ui.button(label).clicked() {
            cmds.push(RunCommand::Input { seat: seat.clone(), input: Input::Order { unit: u.id.clone(), task } });
            ui.close();
        }
    }
}

/// The control's panel: every trigger with its state and the actions on it, and a new timed
/// inject from the prepared order.
pub fn control_panel(ui: &mut egui::Ui, view: &mut View, run: &Run, cmds: &mut Vec<RunCommand>) {
    let Some((seat, Role::Control)) = seat_of(run, view) else { return };
    ui.separator();
    ui.heading("Control: triggers and injects");
    egui::ScrollArea::vertical().id_salt("triggers").max_height(180.0).show(ui, |ui| {
        for tr in &run.snapshot.triggers {
            ui.horizontal_wrapped(|ui| {
                let state = if tr.fired {
                    "fired"
                } else if tr.held {
                    "held"
                } else {
                    "waiting"
                };
                ui.label(format!("{}{} — {state}", tr.id, if tr.injected { " (inject)" } else { "" }))
                    .on_hover_text(format!("{}; {} order(s)", tr.condition, tr.orders));
                if !tr.fired {
                    if ui.small_button("fire now").clicked() {
                        cmds.push(RunCommand::Input { seat: seat.clone(), input: Input::FireTrigger(tr.id.clone()) });
                    }
                    let (label, input) = if tr.held {
                        ("release", Input::ReleaseTrigger(tr.id.clone()))
                    } else {
                        ("hold", Input::HoldTrigger(tr.id.clone()))
                    };
                    if ui.small_button(label).clicked() {
                        cmds.push(RunCommand::Input { seat: seat.clone(), input });
                    }
                }
            });
        }
    });
    // a new inject: the order prepared in the form, at a time
    let f = &mut view.order;
    ui.horizontal(|ui| {
        ui.label("inject id");
        ui.add(egui::TextEdit::singleline(&mut f.inject_id).desired_width(90.0).hint_text("inject_1"));
        ui.label("at");
        ui.add(egui::TextEdit::singleline(&mut f.inject_at).desired_width(50.0).hint_text("12h"));
    });
    let unit = f.unit.and_then(|k| run.snapshot.units.iter().find(|u| u.index == k)).map(|u| u.id.clone());
    match (unit, task(f)) {
        (Some(unit), Ok(t)) if !f.inject_id.trim().is_empty() => {
            if ui.button(format!("Add inject: {unit} {}", f.kind.name())).clicked() {
                let at = if f.inject_at.trim().is_empty() { "0s".to_string() } else { f.inject_at.trim().to_string() };
                let inject = Trigger {
                    id: f.inject_id.trim().to_string(),
                    when: Condition::At(at),
                    delay: None,
                    after: None,
                    orders: vec![Order { unit, task: t }],
                };
                cmds.push(RunCommand::Input { seat, input: Input::Inject(inject) });
            }
        }
        _ => {
            ui.label(egui::RichText::new("select a unit, prepare its order above, name the inject").small());
        }
    }
}
