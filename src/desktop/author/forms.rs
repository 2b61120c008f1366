//! The editor's panels: file and history, tools and palette, the selected unit's, place's and
//! trigger's forms, the time, weather and command form, and the problems list. Forms only
//! write [`EditCommand`]s; they never change the scenario themselves.

use std::path::PathBuf;

use bevy_egui::egui::{self, Color32};
use jets::format::schema::{
    Condition, ConditionKind, Loc, Order, Place, PlaceKind, PlaceType, Posture, Scenario, Task, TaskKind, Trigger, Unit,
};
use jets::scenario::edit::{Edit, task_points};
use jets::scenario::{Loaded, limits};

use super::canvas::fresh_id;
use super::{Authoring, EditCommand, Sel, Tool, xy};
use crate::desktop::run::Run;
use crate::desktop::ui::View;

/// The problems list: each row takes the map to the thing it concerns.
pub fn problems(ui: &mut egui::Ui, a: &mut Authoring, view: &mut View, run: &Run) {
    let errors = a.rows.iter().filter(|r| r.error).count();
    ui.horizontal(|ui| {
        ui.strong(format!("Problems: {errors} error(s), {} warning(s)", a.rows.len() - errors));
        if !a.status.is_empty() {
            ui.separator();
            ui.label(&a.status);
        }
    });
    egui::ScrollArea::vertical().id_salt("problems").max_height(120.0).show(ui, |ui| {
        for r in &a.rows {
            let col = if r.error { Color32::from_rgb(200, 30, 30) } else { Color32::from_rgb(180, 120, 0) };
            let text = match &r.hint {
                Some(h) => format!("{}  — hint: {h}", r.text),
                None => r.text.clone(),
            };
            let resp = ui.add(egui::Label::new(egui::RichText::new(text).color(col)).sense(egui::Sense::click()));
            if resp.clicked() && r.target != Sel::None {
                a.sel = r.target.clone();
                if !a.editing {
                    a.editing = true;
                }
                let scn = &a.editor.scenario;
                let loc = match &r.target {
                    Sel::Unit(id) => scn.units.iter().find(|u| &u.id == id).map(|u| u.at.clone()),
                    Sel::Place(id) => scn.places.iter().find(|p| &p.id == id).map(|p| p.at.clone()),
                    _ => None,
                };
                if let Some(w) = loc.and_then(|l| xy(scn, &run.loaded, &l)) {
                    view.centre = w;
                }
            }
        }
    });
}

/// The editor's left panel: file and history, tools and palette, the selection's attributes,
/// triggers.
pub fn panel(ui: &mut egui::Ui, a: &mut Authoring, run: &Run, out: &mut Vec<EditCommand>) {
    let loaded = run.loaded.clone();
    ui.heading("Edit scenario");
    ui.label(match &a.file {
        Some(f) => format!("{}{}", f.display(), if a.editor.dirty() { " (edited)" } else { "" }),
        None => "built-in scenario (save as a file)".into(),
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(a.editor.can_undo().is_some(), egui::Button::new("Undo"))
            .on_hover_text(a.editor.can_undo().unwrap_or(""))
            .clicked()
        {
            out.push(EditCommand::Undo);
        }
        if ui
            .add_enabled(a.editor.can_redo().is_some(), egui::Button::new("Redo"))
            .on_hover_text(a.editor.can_redo().unwrap_or(""))
            .clicked()
        {
            out.push(EditCommand::Redo);
        }
        if ui.add_enabled(a.file.is_some(), egui::Button::new("Save")).clicked() {
            out.push(EditCommand::Save(None));
        }
        if ui.button("Test run").on_hover_text("run the edited scenario from its start without saving").clicked() {
            out.push(EditCommand::TestRun);
        }
    });
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut a.save_as).desired_width(150.0));
        if ui.button("Save as").clicked() {
            out.push(EditCommand::Save(Some(PathBuf::from(a.save_as.trim()))));
        }
    });
    if let Some((path, s)) = &a.pending {
        ui.colored_label(Color32::from_rgb(200, 80, 0), format!("{} comment(s) would be lost:", s.dropped.len()));
        for d in s.dropped.iter().take(5) {
            ui.label(egui::RichText::new(d).monospace().small());
        }
        let path = path.clone();
        ui.horizontal(|ui| {
            if ui.button(format!("Save {} anyway", path.display())).clicked() {
                out.push(EditCommand::SaveAnyway);
            }
            if ui.button("Cancel").clicked() {
                a.pending = None;
            }
        });
    }
    if a.disk_changed && ui.button("Reload from disk (drops edits)").clicked() {
        out.push(EditCommand::Reload);
    }
    ui.separator();
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut a.tool, Tool::Select, "Select / move");
        ui.selectable_value(&mut a.tool, Tool::AddUnit, "Add unit");
        for kind in PlaceType::ALL {
            ui.selectable_value(&mut a.tool, Tool::AddPlace(kind), format!("+{}", kind.name()));
        }
    });
    let scn = a.editor.scenario.clone();
    if a.tool == Tool::AddUnit {
        ui.label("Palette: choose, then click the map.");
        combo(
            ui,
            "pal_side",
            "side",
            &mut a.palette_side,
            &scn.sides.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
        );
        if let Some(side) = scn.sides.get(a.palette_side) {
            combo(
                ui,
                "pal_cont",
                "contingent",
                &mut a.palette_contingent,
                &side.contingents.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            );
        }
        egui::ScrollArea::vertical().id_salt("palette").max_height(160.0).show(ui, |ui| {
            for (id, t) in &loaded.types {
                ui.selectable_value(
                    &mut a.palette_type,
                    id.clone(),
                    format!("{} ({}, {})", t.name, id, t.strength.nominal),
                );
            }
        });
    }
    ui.separator();
    match a.sel.clone() {
        Sel::Unit(id) => {
            if let Some(u) = scn.units.iter().find(|u| u.id == id) {
                unit_form(ui, a, &scn, &loaded, u, out);
            }
        }
        Sel::Place(id) => {
            if let Some(p) = scn.places.iter().find(|p| p.id == id) {
                place_form(ui, a, p, out);
            }
        }
        _ => {
            ui.label("Click a unit or place on the map, or drag it to move it. Delete removes it; Ctrl+Z / Ctrl+Y undo and redo.");
        }
    }
    ui.separator();
    triggers_form(ui, a, &scn, &loaded, out);
    settings_form(ui, a, &scn, out);
}

/// The scenario's timing, its weather, and each side's reporting and order delays and its
/// contingents' readiness, with the validator's limits.
fn settings_form(ui: &mut egui::Ui, a: &mut Authoring, scn: &Scenario, out: &mut Vec<EditCommand>) {
    egui::CollapsingHeader::new("Time, weather and command").id_salt("settings").show(ui, |ui| {
        let mut meta = scn.meta.clone();
        if let Some(v) = text_field(ui, a, "m.name", "name", &meta.name) {
            meta.name = v;
        }
        if let Some(v) = text_field(ui, a, "m.start", "start", &meta.start) {
            meta.start = v.trim().to_string();
        }
        if let Some(v) = text_field(ui, a, "m.duration", "duration", &meta.duration) {
            meta.duration = v.trim().to_string();
        }
        ui.horizontal(|ui| {
            ui.label("tick");
            ui.add(egui::DragValue::new(&mut meta.tick_s).range(limits::TICK_S).suffix(" s"));
            ui.label("seed");
            ui.add(egui::DragValue::new(&mut meta.seed));
        });
        if meta != scn.meta {
            out.push(EditCommand::Apply(Edit::SetMeta(meta)));
        }
        ui.separator();
        let mut env = scn.environment.clone();
        use jets::format::schema::Season;
        choice(
            ui,
            "season",
            "season",
            &mut env.season,
            &[
                (Season::Winter, "Winter"),
                (Season::Spring, "Spring"),
                (Season::Summer, "Summer"),
                (Season::Autumn, "Autumn"),
            ],
        );
        ui.add(egui::DragValue::new(&mut env.snow_line_m).range(limits::ELEVATION_M).prefix("snow line ").suffix(" m"));
        ui.add(
            egui::DragValue::new(&mut env.visibility_m).range(limits::VISIBILITY_M).prefix("visibility ").suffix(" m"),
        );
        optional(ui, "passes closed above", &mut env.passes_closed_above_m, 3300.0, limits::ELEVATION_M);
        optional(ui, "cloud base", &mut env.cloud_base_m, 3000.0, limits::CLOUD_BASE_M);
        optional(ui, "mud below", &mut env.mud_below_m, 1500.0, limits::ELEVATION_M);
        ui.add(egui::Slider::new(&mut env.mud_factor, 0.05..=1.0).text("off-road speed in mud"));
        if env != scn.environment {
            out.push(EditCommand::Apply(Edit::SetEnvironment(env)));
        }
        for side in &scn.sides {
            ui.separator();
            ui.strong(format!("{} ({})", side.name, side.id));
            let mut s = side.clone();
            let r = &mut s.rules;
            for (label, v, range) in [
                ("report to contingent HQ", &mut r.report_delay_min, limits::REPORT_DELAY_MIN),
                ("report to joint HQ", &mut r.joint_report_delay_min, limits::REPORT_DELAY_MIN),
                ("order", &mut r.order_delay_min, limits::ORDER_DELAY_MIN),
                ("liaison (default)", &mut r.liaison_min, limits::ORDER_DELAY_MIN),
                ("contact kept", &mut r.contact_timeout_min, limits::CONTACT_TIMEOUT_MIN),
            ] {
                ui.add(egui::DragValue::new(v).range(range).prefix(format!("{label} ")).suffix(" min"));
            }
            ui.checkbox(&mut r.fire_near_villages, "indirect fire and strikes near villages");
            for c in s.contingents.iter_mut() {
                ui.horizontal(|ui| {
                    ui.label(&c.name);
                    ui.add(
                        egui::DragValue::new(&mut c.readiness_min)
                            .range(limits::ORDER_DELAY_MIN)
                            .prefix("readiness ")
                            .suffix(" min"),
                    );
                });
            }
            if s != *side {
                out.push(EditCommand::Apply(Edit::SetSide { id: side.id.clone(), side: s }));
            }
        }
    });
}

/// An optional number: a checkbox and, when set, its value.
fn optional(ui: &mut egui::Ui, label: &str, v: &mut Option<f64>, default: f64, range: std::ops::RangeInclusive<f64>) {
    ui.horizontal(|ui| {
        let mut on = v.is_some();
        ui.checkbox(&mut on, label);
        match (on, v.as_mut()) {
            (true, Some(x)) => {
                ui.add(egui::DragValue::new(x).range(range).suffix(" m"));
            }
            (true, None) => *v = Some(default),
            (false, _) => *v = None,
        }
    });
}

fn combo(ui: &mut egui::Ui, salt: &str, label: &str, k: &mut usize, names: &[String]) -> bool {
    let before = *k;
    ui.horizontal(|ui| {
        ui.label(label);
        egui::ComboBox::from_id_salt(salt).selected_text(names.get(*k).cloned().unwrap_or_default()).show_ui(
            ui,
            |ui| {
                for (i, n) in names.iter().enumerate() {
                    ui.selectable_value(k, i, n);
                }
            },
        );
    });
    *k != before
}

/// A list to choose an id from; true when the choice changed. A value not in the list (a
/// reference the validator reports) stays until another is chosen.
fn pick_id(ui: &mut egui::Ui, salt: &str, label: &str, v: &mut String, opts: &[String]) -> bool {
    let mut i = opts.iter().position(|o| o == v).unwrap_or(usize::MAX);
    let before = i;
    ui.horizontal(|ui| {
        ui.label(label);
        egui::ComboBox::from_id_salt(salt).selected_text(v.clone()).show_ui(ui, |ui| {
            for (j, o) in opts.iter().enumerate() {
                ui.selectable_value(&mut i, j, o);
            }
        });
    });
    match opts.get(i) {
        Some(o) if i != before => {
            *v = o.clone();
            true
        }
        _ => false,
    }
}

/// A list to choose one of a few values (an enum) from, by their names.
fn choice<T: Copy + PartialEq>(ui: &mut egui::Ui, salt: &str, label: &str, v: &mut T, options: &[(T, &str)]) {
    let mut k = options.iter().position(|(o, _)| o == v).unwrap_or(0);
    let names: Vec<String> = options.iter().map(|(_, n)| n.to_string()).collect();
    if combo(ui, salt, label, &mut k, &names) {
        *v = options[k].0;
    }
}

/// An optional position of a task: a checkbox; set, it starts where the unit stands (then
/// moved on the map).
fn optional_loc(ui: &mut egui::Ui, label: &str, at: &mut Option<Loc>, here: &Loc) {
    let mut own = at.is_some();
    ui.checkbox(&mut own, label);
    if own && at.is_none() {
        *at = Some(here.clone());
    } else if !own {
        *at = None;
    }
}

/// A one-line text field committed on Enter or when it loses focus.
fn text_field(ui: &mut egui::Ui, a: &mut Authoring, key: &str, label: &str, value: &str) -> Option<String> {
    let mut out = None;
    ui.horizontal(|ui| {
        ui.label(label);
        let buf = a.buf.entry(key.to_string()).or_insert_with(|| value.to_string());
        let r = ui.add(egui::TextEdit::singleline(buf).desired_width(150.0));
        if r.lost_focus() {
            if buf != value {
                out = Some(buf.clone());
            }
            a.buf.remove(key);
        } else if !r.has_focus() && buf != value {
            *buf = value.to_string();
        }
    });
    out
}

fn loc_text(l: &Loc) -> String {
    match l {
        Loc::Xy { x, y } => format!("x {x:.0} m, y {y:.0} m"),
        Loc::Geo { lat, lon } => format!("{lat:.5}° N {lon:.5}° E"),
        Loc::Place(p) => format!("at {p}"),
    }
}

fn unit_form(
    ui: &mut egui::Ui,
    a: &mut Authoring,
    scn: &Scenario,
    loaded: &Loaded,
    u: &Unit,
    out: &mut Vec<EditCommand>,
) {
    ui.heading(format!("Unit {}", u.id));
    let mut next = u.clone();
    if let Some(v) = text_field(ui, a, &format!("u.id.{}", u.id), "id", &u.id) {
        next.id = v.trim().to_string();
        a.sel = Sel::Unit(next.id.clone());
    }
    if let Some(v) = text_field(ui, a, &format!("u.name.{}", u.id), "name", &u.name) {
        next.name = v;
    }
    // side and contingent
    let sides: Vec<String> = scn.sides.iter().map(|s| s.id.clone()).collect();
    let side = |id: &str| scn.sides.iter().find(|s| s.id == id);
    if pick_id(ui, "u_side", "side", &mut next.side, &sides) {
        next.contingent =
            side(&next.side).and_then(|s| s.contingents.first()).map(|c| c.id.clone()).unwrap_or_default();
    }
    if let Some(s) = side(&next.side) {
        let cs: Vec<String> = s.contingents.iter().map(|c| c.id.clone()).collect();
        pick_id(ui, "u_cont", "contingent", &mut next.contingent, &cs);
    }
    let types: Vec<String> = loaded.types.keys().cloned().collect();
    if pick_id(ui, "u_type", "type", &mut next.unit_type, &types)
        && let Some(t) = loaded.types.get(&next.unit_type)
    {
        next.strength = next.strength.clamp(t.strength.min, t.strength.max);
    }
    // strength within the type's limits, as the validator demands
    if let Some(t) = loaded.types.get(&next.unit_type) {
        ui.horizontal(|ui| {
            ui.label("strength");
            ui.add(egui::DragValue::new(&mut next.strength).range(t.strength.range()));
            ui.label(format!("({}..{}, full {})", t.strength.min, t.strength.max, t.strength.nominal));
        });
    }
    choice(
        ui,
        "u_post",
        "posture",
        &mut next.posture,
        &[
            (Posture::Moving, "Moving"),
            (Posture::Halted, "Halted"),
            (Posture::DugIn, "DugIn"),
            (Posture::Concealed, "Concealed"),
        ],
    );
    ui.horizontal(|ui| {
        ui.label("facing");
        let mut on = u.facing_deg.is_some();
        ui.checkbox(&mut on, "");
        let mut f = u.facing_deg.unwrap_or(0.0);
        if on {
            ui.add(egui::Slider::new(&mut f, 0.0..=359.0).suffix("°"));
        }
        let want = on.then_some(f);
        if want != u.facing_deg {
            out.push(EditCommand::Apply(Edit::RotateUnit { id: u.id.clone(), facing_deg: want }));
        }
    });
    ui.label(format!("start: {}", loc_text(&u.at)));
    ui.horizontal(|ui| {
        ui.label(format!("home: {}", u.home.as_ref().map(loc_text).unwrap_or("its start".into())));
        if ui.small_button("pick").clicked() {
            a.tool = Tool::PickHome;
        }
        if u.home.is_some() && ui.small_button("clear").clicked() {
            next.home = None;
        }
    });
    if next != *u {
        out.push(EditCommand::Apply(Edit::SetUnit { id: u.id.clone(), unit: next }));
    }
    ui.separator();
    ui.strong("Task at the start");
    if let Some(t) = task_form(ui, a, "u_task", scn, loaded, &u.task, u, true) {
        out.push(EditCommand::Apply(Edit::SetTask { id: u.id.clone(), task: t }));
    }
    if ui.button("Delete unit").clicked() {
        out.push(EditCommand::Apply(Edit::DeleteUnit(u.id.clone())));
        a.sel = Sel::None;
    }
}

/// A new task of a kind, with sensible defaults from the scenario (the first pass, village,
/// objective, enemy unit, helicopters of the side) and the unit's position.
fn default_task(kind: TaskKind, scn: &Scenario, loaded: &Loaded, u: &Unit) -> Task {
    let first = |f: &dyn Fn(&PlaceKind) -> bool| {
        scn.places.iter().find(|p| f(&p.kind)).map(|p| p.id.clone()).unwrap_or_default()
    };
    let here = u.at.clone();
    match kind {
        TaskKind::Move => Task::Move { to: here },
        TaskKind::Defend => Task::Defend { at: here },
        TaskKind::Block => Task::Block { pass: first(&|k| matches!(k, PlaceKind::Pass { .. })), at: None },
        TaskKind::Patrol => Task::Patrol { route: vec![here.clone(), here], repeat: true },
        TaskKind::Observe => Task::Observe { at: here },
        TaskKind::Infiltrate => Task::Infiltrate {
            objective: first(&|k| matches!(k, PlaceKind::Objective)),
            via: Vec::new(),
            delay: None,
            rally: None,
            rally_wait: None,
        },
        TaskKind::Attack => Task::Attack { at: here, radius_m: 3000.0 },
        TaskKind::Pursue => {
            Task::Pursue { unit: scn.units.iter().find(|x| x.side != u.side).map(|x| x.id.clone()).unwrap_or_default() }
        }
        TaskKind::CordonSearch => {
            Task::CordonSearch { village: first(&|k| matches!(k, PlaceKind::Village { .. })), hours: None }
        }
        TaskKind::AirAssault => Task::AirAssault {
            lift: scn
                .units
                .iter()
                .find(|x| x.side == u.side && loaded.types.get(&x.unit_type).is_some_and(|t| t.capacity.troops > 0))
                .map(|x| x.id.clone())
                .unwrap_or_default(),
            lz: here,
        },
        TaskKind::FireSupport => Task::FireSupport { at: None, zone: here, radius_m: 3000.0 },
        TaskKind::Ambush => Task::Ambush { at: here, wait: None },
        TaskKind::Withdraw => Task::Withdraw { to: None },
        TaskKind::Reserve => Task::Reserve { at: None },
    }
}

/// The form of a task; returns the changed task.
#[allow(clippy::too_many_arguments)]
fn task_form(
    ui: &mut egui::Ui,
    a: &mut Authoring,
    salt: &str,
    scn: &Scenario,
    loaded: &Loaded,
    task: &Task,
    u: &Unit,
    on_map: bool,
) -> Option<Task> {
    let mut k = TaskKind::ALL.iter().position(|n| *n == task.kind()).unwrap_or(0);
    if combo(ui, &format!("{salt}_kind"), "task", &mut k, &TaskKind::ALL.map(|n| n.name().to_string())) {
        return Some(default_task(TaskKind::ALL[k], scn, loaded, u));
    }
    let mut t = task.clone();
    let ids = |f: &dyn Fn(&PlaceKind) -> bool| -> Vec<String> {
        scn.places.iter().filter(|p| f(&p.kind)).map(|p| p.id.clone()).collect()
    };
    match &mut t {
        Task::Block { pass, at } => {
            pick_id(ui, &format!("{salt}_pass"), "pass", pass, &ids(&|k| matches!(k, PlaceKind::Pass { .. })));
            optional_loc(ui, "own blocking position (else the pass itself)", at, &u.at);
        }
        Task::Patrol { repeat, .. } => {
            ui.checkbox(repeat, "repeat the loop");
            if on_map && ui.selectable_label(a.tool == Tool::AddWaypoint, "add waypoints by clicking the map").clicked()
            {
                a.tool = if a.tool == Tool::AddWaypoint { Tool::Select } else { Tool::AddWaypoint };
            }
        }
        Task::Reserve { at } | Task::Withdraw { to: at } => {
            optional_loc(ui, "own position (else where the unit is / its home)", at, &u.at);
        }
        Task::Infiltrate { objective, .. } => {
            let all: Vec<String> = scn.places.iter().map(|p| p.id.clone()).collect();
            pick_id(ui, &format!("{salt}_obj"), "objective", objective, &all);
        }
        Task::Attack { radius_m, .. } => {
            ui.add(egui::DragValue::new(radius_m).range(limits::TASK_RADIUS_M).prefix("radius ").suffix(" m"));
        }
        Task::FireSupport { radius_m, at, .. } => {
            ui.add(egui::DragValue::new(radius_m).range(limits::TASK_RADIUS_M).prefix("zone radius ").suffix(" m"));
            optional_loc(ui, "move to a firing position", at, &u.at);
        }
        Task::Pursue { unit } => {
            let enemies: Vec<String> = scn.units.iter().filter(|x| x.side != u.side).map(|x| x.id.clone()).collect();
            pick_id(ui, &format!("{salt}_enemy"), "enemy", unit, &enemies);
        }
        Task::CordonSearch { village, .. } => {
            pick_id(ui, &format!("{salt}_vil"), "village", village, &ids(&|k| matches!(k, PlaceKind::Village { .. })));
        }
        Task::AirAssault { lift, .. } => {
            let own: Vec<String> =
                scn.units.iter().filter(|x| x.side == u.side && x.id != u.id).map(|x| x.id.clone()).collect();
            pick_id(ui, &format!("{salt}_lift"), "lift", lift, &own);
        }
        _ => {}
    }
    for (i, l) in task_points(&t).iter().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("point {}: {}", i + 1, loc_text(l)));
            if on_map && ui.small_button("pick").on_hover_text("then click the map").clicked() {
                a.tool = Tool::PickPoint(i);
            }
        });
    }
    if on_map && !task_points(&t).is_empty() {
        let more = if matches!(t, Task::Patrol { .. }) { "; right-click a waypoint to remove it" } else { "" };
        ui.label(egui::RichText::new(format!("drag the numbered squares on the map to move them{more}")).small());
    }
    (t != *task).then_some(t)
}

fn place_form(ui: &mut egui::Ui, a: &mut Authoring, p: &Place, out: &mut Vec<EditCommand>) {
    ui.heading(format!("Place {}", p.id));
    let mut next = p.clone();
    if let Some(v) = text_field(ui, a, &format!("p.id.{}", p.id), "id", &p.id) {
        next.id = v.trim().to_string();
        a.sel = Sel::Place(next.id.clone());
    }
    if let Some(v) = text_field(ui, a, &format!("p.name.{}", p.id), "name", &p.name) {
        next.name = v;
    }
    match &mut next.kind {
        PlaceKind::Village { population } => {
            ui.add(egui::DragValue::new(population).range(0..=limits::MAX_POPULATION).prefix("population "));
        }
        PlaceKind::Pass { elevation_m } => {
            ui.add(egui::DragValue::new(elevation_m).range(limits::ELEVATION_M).prefix("elevation ").suffix(" m"));
        }
        _ => {
            ui.label(format!("{:?}", p.kind));
        }
    }
    ui.add(egui::DragValue::new(&mut next.radius_m).range(limits::PLACE_RADIUS_M).prefix("radius ").suffix(" m"));
    ui.label(loc_text(&p.at));
    if next != *p {
        out.push(EditCommand::Apply(Edit::SetPlace { id: p.id.clone(), place: next }));
    }
    if ui.button("Delete place").clicked() {
        out.push(EditCommand::Apply(Edit::DeletePlace(p.id.clone())));
        a.sel = Sel::None;
    }
}

fn triggers_form(ui: &mut egui::Ui, a: &mut Authoring, scn: &Scenario, loaded: &Loaded, out: &mut Vec<EditCommand>) {
    egui::CollapsingHeader::new(format!("Triggers ({})", scn.triggers.len()))
        .id_salt("triggers")
        .default_open(matches!(a.sel, Sel::Trigger(_)))
        .show(ui, |ui| {
            for t in &scn.triggers {
                let on = a.sel == Sel::Trigger(t.id.clone());
                if ui.selectable_label(on, format!("{} — {} order(s)", t.id, t.orders.len())).clicked() {
                    a.sel = Sel::Trigger(t.id.clone());
                }
            }
            if ui.button("New trigger").clicked() {
                let id = fresh_id("trigger", |id| scn.triggers.iter().any(|t| t.id == id));
                out.push(EditCommand::Apply(Edit::AddTrigger(Trigger {
                    id: id.clone(),
                    when: Condition::At("6h".into()),
                    delay: None,
                    after: None,
                    orders: Vec::new(),
                })));
                a.sel = Sel::Trigger(id);
            }
            let Sel::Trigger(id) = a.sel.clone() else { return };
            let Some(t) = scn.triggers.iter().find(|t| t.id == id) else { return };
            ui.separator();
            let mut next = t.clone();
            if let Some(v) = text_field(ui, a, &format!("t.id.{id}"), "id", &t.id) {
                next.id = v.trim().to_string();
                a.sel = Sel::Trigger(next.id.clone());
            }
            let mut k = ConditionKind::ALL.iter().position(|n| *n == t.when.kind()).unwrap_or(0);
            let side0 = scn.sides.first().map(|s| s.id.clone()).unwrap_or_default();
            let names = ConditionKind::ALL.map(|n| n.name().to_string());
            if combo(ui, "t_when", "when", &mut k, &names) {
                next.when = match ConditionKind::ALL[k] {
                    ConditionKind::At => Condition::At("6h".into()),
                    ConditionKind::Contact => Condition::Contact {
                        side: side0.clone(),
                        at: scn.units.first().map(|u| u.at.clone()).unwrap_or(Loc::Xy { x: 0.0, y: 0.0 }),
                        radius_m: 5000.0,
                    },
                    ConditionKind::StrengthBelow => Condition::StrengthBelow { side: side0.clone(), fraction: 0.5 },
                    ConditionKind::UnitBroken => {
                        Condition::UnitBroken(scn.units.first().map(|u| u.id.clone()).unwrap_or_default())
                    }
                    ConditionKind::HostagesTaken => Condition::HostagesTaken { count: 1 },
                    ConditionKind::PassCrossed => Condition::PassCrossed {
                        pass: scn
                            .places
                            .iter()
                            .find(|p| matches!(p.kind, PlaceKind::Pass { .. }))
                            .map(|p| p.id.clone())
                            .unwrap_or_default(),
                        side: side0.clone(),
                    },
                };
            }
            let sides: Vec<String> = scn.sides.iter().map(|s| s.id.clone()).collect();
            match &mut next.when {
                Condition::At(d) => {
                    if let Some(v) = text_field(ui, a, &format!("t.at.{id}"), "time after start", d) {
                        *d = v.trim().to_string();
                    }
                }
                Condition::Contact { side, radius_m, .. } => {
                    pick_id(ui, "t_cside", "side", side, &sides);
                    ui.add(
                        egui::DragValue::new(radius_m).range(limits::CONTACT_RADIUS_M).prefix("radius ").suffix(" m"),
                    );
                }
                Condition::StrengthBelow { side, fraction } => {
                    pick_id(ui, "t_sside", "side", side, &sides);
                    ui.add(egui::Slider::new(fraction, 0.0..=1.0).text("fraction"));
                }
                Condition::UnitBroken(u) => {
                    let us: Vec<String> = scn.units.iter().map(|u| u.id.clone()).collect();
                    pick_id(ui, "t_ub", "unit", u, &us);
                }
                Condition::HostagesTaken { count } => {
                    ui.add(egui::DragValue::new(count).range(limits::HOSTAGE_COUNT).prefix("at least "));
                }
                Condition::PassCrossed { pass, side } => {
                    let ps: Vec<String> = scn
                        .places
                        .iter()
                        .filter(|p| matches!(p.kind, PlaceKind::Pass { .. }))
                        .map(|p| p.id.clone())
                        .collect();
                    pick_id(ui, "t_pp", "pass", pass, &ps);
                    pick_id(ui, "t_ps", "side", side, &sides);
                }
            }
            let delay = t.delay.clone().unwrap_or_default();
            if let Some(v) = text_field(ui, a, &format!("t.delay.{id}"), "delay", &delay) {
                next.delay = (!v.trim().is_empty()).then(|| v.trim().to_string());
            }
            ui.strong("Orders");
            let units: Vec<String> = scn.units.iter().map(|u| u.id.clone()).collect();
            let mut remove = None;
            for (k, o) in t.orders.iter().enumerate() {
                ui.push_id(("order", k), |ui| {
                    ui.horizontal(|ui| {
                        pick_id(ui, "o_unit", "unit", &mut next.orders[k].unit, &units);
                        if ui.small_button("remove").clicked() {
                            remove = Some(k);
                        }
                    });
                    if let Some(u) = scn.units.iter().find(|u| u.id == o.unit)
                        && let Some(task) = task_form(ui, a, &format!("o_task{k}"), scn, loaded, &o.task, u, false)
                    {
                        next.orders[k].task = task;
                    }
                });
            }
            if let Some(k) = remove {
                next.orders.remove(k);
            }
            if ui.button("Add order").clicked()
                && let Some(u) = scn.units.first()
            {
                next.orders.push(Order { unit: u.id.clone(), task: Task::Reserve { at: None } });
            }
            if next != *t {
                out.push(EditCommand::Apply(Edit::SetTrigger { id: id.clone(), trigger: next }));
            }
            if ui.button("Delete trigger").clicked() {
                out.push(EditCommand::Apply(Edit::DeleteTrigger(id)));
                a.sel = Sel::None;
            }
        });
}
