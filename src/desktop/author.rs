//! Scenario authoring in the app: live reload of the file on disk, the edit mode (palette,
//! moving and deleting units and places, task points and patrol routes, attribute and trigger
//! forms, undo and redo), live validation with clickable problems, save (atomic, comments kept)
//! and a test run of the edited scenario without saving.
//!
//! Every change goes through one closed message, [`EditCommand`]: the panels and the map
//! write it, an edit script (`jets view --script`) writes it, and [`commands`] alone applies
//! it with the plain functions of `jets::scenario::edit`. So a scripted test exercises the
//! same path as a user's clicks.
//!
//! Must not: change a scenario any other way, or write a file except through `save::write_atomic`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, Pos2, Stroke, Vec2};
use jets::scenario::edit::{self, Edit, Editor, task_points};
use jets::scenario::schema::{Condition, Loc, Order, Place, PlaceKind, Posture, Scenario, Task, Trigger, Unit};
use jets::scenario::{self, Loaded, Origin, Problems, Severity, save};
use serde::Deserialize;

use super::run::Run;
use super::symbols::{self, Affiliation, State, Symbol};
use super::ui::View;

/// Everything that changes the scenario being edited, saved or run.
// A handful of these a frame at most: the size of `Apply` does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Message, Debug, Clone, PartialEq, Deserialize)]
pub enum EditCommand {
    /// Apply an edit.
    Apply(Edit),
    Undo,
    Redo,
    /// Save to the file (`None`: the file it came from). Asks first when comments would be lost.
    Save(Option<PathBuf>),
    /// Save although some comments cannot be kept (they belonged to deleted things).
    SaveAnyway,
    /// Run the edited scenario from its start, without saving.
    TestRun,
    /// Switch the edit mode on or off.
    Editing(bool),
    /// Read the file again, dropping unsaved edits.
    Reload,
    /// Select a unit, place or trigger by id (as a click does).
    Select(String),
    /// Scripts only: wait this many seconds (wall clock) before the next command.
    Wait(f64),
}

/// What is selected in the editor.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Sel {
    #[default]
    None,
    Unit(String),
    Place(String),
    Trigger(String),
}

/// What a click on the map does.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Tool {
    #[default]
    Select,
    /// Place a unit of the palette's type.
    AddUnit,
    /// Place a place of this kind (index into [`PLACE_KINDS`]).
    AddPlace(usize),
    /// Append a waypoint to the selected unit's patrol.
    AddWaypoint,
    /// Set this point of the selected unit's task.
    PickPoint(usize),
    /// Set the selected unit's home.
    PickHome,
}

/// The kinds of place the palette offers.
pub const PLACE_KINDS: [&str; 6] = ["Village", "Pass", "Objective", "Airfield", "Post", "Landmark"];

/// A problem as the panel lists it.
pub struct Row {
    pub error: bool,
    pub text: String,
    pub hint: Option<String>,
    pub target: Sel,
}

/// A drag in progress on the map.
#[derive(Clone, Debug)]
pub enum Drag {
    Unit(String),
    Place(String),
    Point(String, usize),
}

/// The authoring state (a `Resource`).
#[derive(Resource)]
pub struct Authoring {
    /// The scenario file on disk (`None`: the embedded default, saved only with "save as").
    pub file: Option<PathBuf>,
    origin: Origin,
    /// The text last read from or written to disk (its comments are carried over on save).
    original: Arc<str>,
    pub editor: Editor,
    pub editing: bool,
    pub tool: Tool,
    pub sel: Sel,
    pub rows: Vec<Row>,
    /// The edited scenario, validated, when it has no errors (at the start: as loaded).
    pub valid: Option<Arc<Loaded>>,
    pub status: String,
    stamp: Option<SystemTime>,
    last_poll: f64,
    /// The file changed on disk while there were unsaved edits.
    pub disk_changed: bool,
    pub save_as: String,
    /// A save waiting for the user to accept losing some comments.
    pub pending: Option<(PathBuf, save::Saved)>,
    pub palette_side: usize,
    pub palette_contingent: usize,
    pub palette_type: String,
    pub drag: Option<Drag>,
    /// Scripted commands still to send, one a frame; `Some(true)` once all went out.
    pub script: Vec<EditCommand>,
    pub script_done: Option<bool>,
    /// Where the map was clicked last (world), for the panels.
    pub seed: u64,
    /// Text fields being typed into (committed on Enter or leaving the field).
    buf: std::collections::BTreeMap<String, String>,
    /// The window asked to close while there were unsaved edits: the question is shown.
    pub confirm_close: Option<Entity>,
    /// Close once the edits are saved ("Save, then close"), or at once ("Close without saving").
    pub close_when_saved: bool,
    pub close_now: bool,
}

impl Authoring {
    /// Authoring for a loaded scenario and the text it came from.
    pub fn new(loaded: &Loaded, file: Option<PathBuf>, text: Arc<str>, seed: u64) -> Authoring {
        let origin = match &file {
            Some(p) => Origin::Disk(p.clone()),
            None => Origin::Embedded(scenario::DEFAULT_SCENARIO.to_string()),
        };
        let stamp = file.as_ref().and_then(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        let mut a = Authoring {
            save_as: file.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "my_scenario.ron".into()),
            file,
            origin,
            original: text,
            editor: Editor::new(loaded.scenario.clone()),
            editing: false,
            tool: Tool::Select,
            sel: Sel::None,
            rows: Vec::new(),
            valid: None,
            status: String::new(),
            stamp,
            last_poll: 0.0,
            disk_changed: false,
            pending: None,
            palette_side: loaded
                .scenario
                .sides
                .iter()
                .position(|s| s.id == loaded.scenario.victory.defender)
                .unwrap_or(0),
            palette_contingent: 0,
            palette_type: loaded.types.keys().next().cloned().unwrap_or_default(),
            drag: None,
            script: Vec::new(),
            script_done: None,
            seed,
            buf: Default::default(),
            confirm_close: None,
            close_when_saved: false,
            close_now: false,
        };
        a.rows = rows(&loaded.warnings, &loaded.scenario, true);
        a
    }

    /// Validates the edited scenario as `jets validate` would, and lists its problems.
    fn revalidate(&mut self) {
        let text = match save::to_ron(&self.editor.scenario, None) {
            Ok(s) => s.text,
            Err(e) => {
                self.rows = vec![Row { error: true, text: e, hint: None, target: Sel::None }];
                self.valid = None;
                return;
            }
        };
        match scenario::load_text(self.origin.clone(), Arc::from(text.as_str())) {
            Ok(l) => {
                self.rows = rows(&l.warnings, &self.editor.scenario, false);
                self.valid = Some(Arc::new(l));
            }
            Err(p) => {
                self.rows = rows(&p, &self.editor.scenario, false);
                self.valid = None;
            }
        }
    }
}

/// Problems as rows, each pointing at the unit, place or trigger it concerns. File positions
/// are shown for problems in the file on disk (not for the edited state, which has no text yet).
fn rows(p: &Problems, scn: &Scenario, with_place: bool) -> Vec<Row> {
    p.items
        .iter()
        .map(|it| {
            let target = it.path.as_deref().map(|path| target_of(path, scn)).unwrap_or_default();
            let place = if with_place { p.place(it).map(|(f, l, c)| format!("{f}:{l}:{c}: ")) } else { None };
            Row {
                error: it.severity == Severity::Error,
                text: format!("{}{}", place.unwrap_or_default(), it.message),
                hint: it.hint.clone(),
                target,
            }
        })
        .collect()
}

/// The thing a validator path (`units[3].task`) concerns.
fn target_of(path: &str, scn: &Scenario) -> Sel {
    let index = |prefix: &str| -> Option<usize> { path.strip_prefix(prefix)?.split(']').next()?.parse().ok() };
    if let Some(k) = index("units[") {
        return scn.units.get(k).map(|u| Sel::Unit(u.id.clone())).unwrap_or_default();
    }
    if let Some(k) = index("places[") {
        return scn.places.get(k).map(|p| Sel::Place(p.id.clone())).unwrap_or_default();
    }
    if let Some(k) = index("triggers[") {
        return scn.triggers.get(k).map(|t| Sel::Trigger(t.id.clone())).unwrap_or_default();
    }
    Sel::None
}

/// A position in the local frame, resolving places through the edited scenario.
pub fn xy(scn: &Scenario, loaded: &Loaded, loc: &Loc) -> Option<(f64, f64)> {
    match loc {
        Loc::Xy { x, y } => Some((*x, *y)),
        Loc::Geo { lat, lon } => Some(loaded.terrain.frame.to_local(*lat, *lon)),
        Loc::Place(id) => scn.places.iter().find(|p| &p.id == id).and_then(|p| match &p.at {
            Loc::Place(_) => None,
            other => xy(scn, loaded, other),
        }),
    }
}

/// A map point as a position written into the file: latitude and longitude to 1e-5° (~1 m).
pub fn geo(loaded: &Loaded, p: (f64, f64)) -> Loc {
    let g = loaded.terrain.frame.to_geo(p.0, p.1);
    Loc::Geo { lat: (g.lat * 1e5).round() / 1e5, lon: (g.lon * 1e5).round() / 1e5 }
}

/// Applies the edit commands (from the panels, the map and scripts), revalidates, saves and
/// starts test runs.
pub fn commands(
    mut author: ResMut<Authoring>,
    mut cmds: MessageReader<EditCommand>,
    mut run: ResMut<Run>,
    mut view: ResMut<View>,
) {
    let mut changed = false;
    for c in cmds.read() {
        match c {
            EditCommand::Apply(e) => match author.editor.apply(e) {
                Ok(()) => {
                    author.status = format!("{} — {} edit(s) not saved", e.label(), author.editor.changes);
                    changed = true;
                }
                Err(msg) => author.status = format!("cannot {}: {msg}", e.label()),
            },
            EditCommand::Undo => {
                if let Some(l) = author.editor.undo() {
                    author.status = format!("undid: {l}");
                    changed = true;
                }
            }
            EditCommand::Redo => {
                if let Some(l) = author.editor.redo() {
                    author.status = format!("redid: {l}");
                    changed = true;
                }
            }
            EditCommand::Save(to) => {
                let Some(path) = to.clone().or_else(|| author.file.clone()) else {
                    author.status = "this scenario is built into jets: give a file name to save as".into();
                    continue;
                };
                // saved elsewhere: library and DEM paths must still find their files
                let mut scn = author.editor.scenario.clone();
                if author.file.as_deref() != Some(path.as_path()) {
                    save::rebase(&mut scn, &author.origin, &path);
                }
                match save::to_ron(&scn, Some(&author.original)) {
                    Ok(s) if s.dropped.is_empty() => write(&mut author, &path, s),
                    Ok(s) => {
                        author.status = format!(
                            "{} comment(s) belonged to things you deleted and cannot be kept; save anyway?",
                            s.dropped.len()
                        );
                        author.pending = Some((path, s));
                    }
                    Err(e) => author.status = e,
                }
            }
            EditCommand::SaveAnyway => {
                if let Some((path, s)) = author.pending.take() {
                    write(&mut author, &path, s);
                }
            }
            EditCommand::TestRun => {
                if changed || author.valid.is_none() {
                    author.revalidate();
                    changed = false;
                }
                match author.valid.clone() {
                    Some(l) => {
                        *run = Run::start(l, author.seed, 0, true);
                        author.editing = false;
                        author.status = "test run of the edited scenario (not saved)".into();
                        view.texture = None;
                    }
                    None => author.status = "the edited scenario has errors: see Problems".into(),
                }
            }
            EditCommand::Editing(on) => {
                author.editing = *on;
                if *on {
                    changed = true;
                } else {
                    author.tool = Tool::Select;
                    author.drag = None;
                }
            }
            EditCommand::Select(id) => {
                let s = &author.editor.scenario;
                author.sel = if s.units.iter().any(|u| &u.id == id) {
                    Sel::Unit(id.clone())
                } else if s.places.iter().any(|p| &p.id == id) {
                    Sel::Place(id.clone())
                } else if s.triggers.iter().any(|t| &t.id == id) {
                    Sel::Trigger(id.clone())
                } else {
                    author.status = format!("nothing called `{id}` to select");
                    Sel::None
                };
            }
            EditCommand::Wait(_) => {}
            EditCommand::Reload => {
                author.stamp = None;
                author.disk_changed = false;
                author.editor.changes = 0;
                author.last_poll = -1.0;
            }
        }
    }
    if changed {
        author.revalidate();
    }
}

fn write(author: &mut Authoring, path: &std::path::Path, s: save::Saved) {
    match save::write_atomic(path, s.text.as_bytes()) {
        Ok(()) => {
            if author.file.as_deref() != Some(path) {
                let from = author.origin.clone();
                let to = path.to_path_buf();
                author.editor.map_all(|scn| save::rebase(scn, &from, &to));
            }
            let dropped = if s.dropped.is_empty() { String::new() } else { format!(", {} dropped", s.dropped.len()) };
            author.status = format!("saved {} ({} comment(s) kept{dropped})", path.display(), s.kept);
            author.original = Arc::from(s.text.as_str());
            author.editor.saved();
            author.stamp = std::fs::metadata(path).and_then(|m| m.modified()).ok();
            if author.file.as_deref() != Some(path) {
                author.file = Some(path.to_path_buf());
                author.origin = Origin::Disk(path.to_path_buf());
            }
            author.save_as = path.display().to_string();
            author.disk_changed = false;
            author.pending = None;
        }
        Err(e) => author.status = format!("could not save {}: {e} (the file on disk is unchanged)", path.display()),
    }
}

/// Live reload: when the file changes on disk (and nothing is being edited), reads it again,
/// keeps the camera and the moment shown, and lists its problems instead of closing the app.
pub fn watch(mut author: ResMut<Authoring>, time: Res<Time<Real>>, mut run: ResMut<Run>, mut view: ResMut<View>) {
    let now = time.elapsed_secs_f64();
    if now - author.last_poll < 0.5 && author.last_poll >= 0.0 {
        return;
    }
    author.last_poll = now;
    let Some(path) = author.file.clone() else { return };
    let stamp = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    if stamp == author.stamp || stamp.is_none() {
        return;
    }
    if author.editor.dirty() {
        if !author.disk_changed {
            author.disk_changed = true;
            author.status =
                format!("{} changed on disk; your unsaved edits are kept (Reload drops them)", path.display());
        }
        return;
    }
    author.stamp = stamp;
    let text = match scenario::load::read_capped(&path) {
        Ok(t) => t,
        Err(e) => {
            author.status = e;
            return;
        }
    };
    match scenario::load_text(Origin::Disk(path.clone()), text.clone()) {
        Ok(l) => {
            let same_terrain = Arc::ptr_eq(&l.terrain, &run.loaded.terrain);
            let t = run.t().min(l.duration_s);
            let playing = !run.paused;
            author.rows = rows(&l.warnings, &l.scenario, true);
            author.editor = Editor::new(l.scenario.clone());
            author.original = text;
            author.status = format!("reloaded {}", path.display());
            let l = Arc::new(l);
            author.valid = Some(l.clone());
            *run = Run::start(l, author.seed, t, playing);
            if !same_terrain {
                view.texture = None; // the camera stays; only the picture is redrawn
            }
            if view.selected.is_some_and(|k| k >= run.snapshot.units.len()) {
                view.selected = None;
            }
        }
        Err(p) => {
            let scn = scenario::parse_only("x", &text).unwrap_or_else(|_| author.editor.scenario.clone());
            author.rows = rows(&p, &scn, true);
            author.status =
                format!("{} has {} error(s): still showing the last good version", path.display(), p.error_count());
        }
    }
}

/// Closing the window: at once when nothing is unsaved; otherwise the app asks (save, close
/// without saving, or cancel). Replaces Bevy's `close_when_requested`.
pub fn close_requested(
    mut commands: Commands,
    mut requests: MessageReader<bevy::window::WindowCloseRequested>,
    closing: Query<Entity, With<bevy::window::ClosingWindow>>,
    mut author: ResMut<Authoring>,
) {
    for w in closing.iter() {
        commands.entity(w).despawn();
    }
    for r in requests.read() {
        if author.editor.dirty() {
            author.confirm_close = Some(r.window);
        } else {
            commands.entity(r.window).try_insert(bevy::window::ClosingWindow);
        }
    }
    let go = author.close_now || (author.close_when_saved && !author.editor.dirty());
    if go && let Some(w) = author.confirm_close.take() {
        commands.entity(w).try_insert(bevy::window::ClosingWindow);
    }
}

/// The question asked when the window is closed with unsaved edits.
pub fn close_dialog(ctx: &egui::Context, a: &mut Authoring, out: &mut Vec<EditCommand>) {
    if a.confirm_close.is_none() {
        return;
    }
    egui::Window::new("Unsaved edits")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(format!("{} edit(s) since the last save. Close anyway?", a.editor.changes.abs()));
            if a.pending.is_some() {
                ui.colored_label(
                    Color32::from_rgb(200, 80, 0),
                    "A save is waiting for you to accept losing comments (left panel).",
                );
            }
            ui.horizontal(|ui| {
                if a.file.is_some() && ui.button("Save, then close").clicked() {
                    out.push(EditCommand::Save(None));
                    a.close_when_saved = true;
                }
                if ui.button("Close without saving").clicked() {
                    a.close_now = true;
                }
                if ui.button("Cancel").clicked() {
                    a.confirm_close = None;
                    a.close_when_saved = false;
                }
            });
        });
}

/// Sends the edit script's commands, one a frame, after the window has settled.
pub fn script(
    mut author: ResMut<Authoring>,
    mut out: MessageWriter<EditCommand>,
    mut frame: Local<u32>,
    mut waiting: Local<Option<f64>>,
    time: Res<Time<Real>>,
) {
    if author.script_done != Some(false) {
        return;
    }
    *frame += 1;
    if *frame < 5 {
        return;
    }
    if author.script.is_empty() {
        author.script_done = Some(true);
        return;
    }
    if let EditCommand::Wait(s) = author.script[0] {
        let now = time.elapsed_secs_f64();
        let since = *waiting.get_or_insert(now);
        if now - since < s {
            return;
        }
        *waiting = None;
        author.script.remove(0);
        return;
    }
    let c = author.script.remove(0);
    out.write(c);
}

// ---------------------------------------------------------------------------------------------
// The map in edit mode

const HIT_PX: f32 = 14.0;

/// Screen position of every unit of the edited scenario.
fn unit_spots(a: &Authoring, run: &Run, view: &View, rect: egui::Rect) -> Vec<(String, Pos2)> {
    let scn = &a.editor.scenario;
    scn.units
        .iter()
        .filter_map(|u| xy(scn, &run.loaded, &u.at).map(|p| (u.id.clone(), view.to_screen(rect, p))))
        .collect()
}

fn place_spots(a: &Authoring, run: &Run, view: &View, rect: egui::Rect) -> Vec<(String, Pos2)> {
    let scn = &a.editor.scenario;
    scn.places
        .iter()
        .filter_map(|p| xy(scn, &run.loaded, &p.at).map(|q| (p.id.clone(), view.to_screen(rect, q))))
        .collect()
}

fn point_spots(a: &Authoring, run: &Run, view: &View, rect: egui::Rect) -> Vec<(usize, Pos2)> {
    let Sel::Unit(id) = &a.sel else { return Vec::new() };
    let scn = &a.editor.scenario;
    let Some(u) = scn.units.iter().find(|u| &u.id == id) else { return Vec::new() };
    task_points(&u.task)
        .iter()
        .enumerate()
        .filter_map(|(k, l)| xy(scn, &run.loaded, l).map(|p| (k, view.to_screen(rect, p))))
        .collect()
}

fn nearest<T: Clone>(spots: &[(T, Pos2)], q: Pos2) -> Option<T> {
    spots
        .iter()
        .map(|(k, s)| (k, s.distance(q)))
        .filter(|(_, d)| *d <= HIT_PX)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k.clone())
}

/// At the start of a drag: takes hold of the task point, unit or place under the pointer (the
/// map pans otherwise).
pub fn press(resp: &egui::Response, view: &View, rect: egui::Rect, a: &mut Authoring, run: &Run) {
    if !resp.drag_started() || a.tool != Tool::Select {
        return;
    }
    let Some(q) = resp.interact_pointer_pos() else { return };
    if let (Some(k), Sel::Unit(id)) = (nearest(&point_spots(a, run, view, rect), q), &a.sel) {
        a.drag = Some(Drag::Point(id.clone(), k));
    } else if let Some(id) = nearest(&unit_spots(a, run, view, rect), q) {
        a.sel = Sel::Unit(id.clone());
        a.drag = Some(Drag::Unit(id));
    } else if let Some(id) = nearest(&place_spots(a, run, view, rect), q) {
        a.sel = Sel::Place(id.clone());
        a.drag = Some(Drag::Place(id));
    }
}

/// Draws the edited scenario's places, units and the selection's task, and turns clicks and
/// drags into edit commands.
pub fn draw(
    p: &egui::Painter,
    resp: &egui::Response,
    view: &mut View,
    rect: egui::Rect,
    a: &mut Authoring,
    run: &Run,
    out: &mut Vec<EditCommand>,
) {
    let scn = a.editor.scenario.clone();
    let loaded = run.loaded.clone();
    let pointer = resp.hover_pos();
    let ink = Color32::from_rgb(20, 20, 20);
    let dragging_to = |d: &Drag| -> Option<Pos2> { a.drag.as_ref().filter(|x| same(x, d)).and(pointer) };
    // places
    for pl in &scn.places {
        let Some(w) = xy(&scn, &loaded, &pl.at) else { continue };
        let s = dragging_to(&Drag::Place(pl.id.clone())).unwrap_or(view.to_screen(rect, w));
        let sel = a.sel == Sel::Place(pl.id.clone());
        let (col, r) = match pl.kind {
            PlaceKind::Village { .. } => (Color32::from_rgb(60, 60, 60), 4.0),
            PlaceKind::Pass { .. } => (Color32::from_rgb(140, 40, 40), 5.0),
            PlaceKind::Objective => (Color32::from_rgb(200, 0, 0), 5.0),
            _ => (ink, 3.5),
        };
        p.circle_stroke(s, (pl.radius_m / view.scale) as f32, Stroke::new(1.0, col.gamma_multiply(0.5)));
        p.circle_filled(s, r, col);
        if sel {
            p.circle_stroke(s, r + 5.0, Stroke::new(2.5, Color32::from_rgb(255, 200, 0)));
        }
        p.text(s + Vec2::new(7.0, -2.0), egui::Align2::LEFT_CENTER, &pl.name, egui::FontId::proportional(11.0), ink);
    }
    // the selected unit's task: lines to its points, the patrol route, handles
    if let Sel::Unit(id) = &a.sel
        && let Some(u) = scn.units.iter().find(|u| &u.id == id)
        && let Some(at) = xy(&scn, &loaded, &u.at)
    {
        let from = dragging_to(&Drag::Unit(id.clone())).unwrap_or(view.to_screen(rect, at));
        let pts: Vec<Pos2> = task_points(&u.task)
            .iter()
            .enumerate()
            .filter_map(|(k, l)| {
                let d = dragging_to(&Drag::Point(id.clone(), k));
                d.or_else(|| xy(&scn, &loaded, l).map(|w| view.to_screen(rect, w)))
            })
            .collect();
        let task_col = Color32::from_rgb(0, 90, 220);
        if let Task::Patrol { route, repeat } = &u.task {
            let mut line = vec![from];
            line.extend(pts.iter().copied());
            if *repeat && route.len() > 1 {
                line.push(pts[0]);
            }
            p.add(egui::Shape::line(line, Stroke::new(2.0, task_col)));
        } else {
            for q in &pts {
                p.extend(egui::Shape::dashed_line(&[from, *q], Stroke::new(2.0, task_col), 6.0, 4.0));
            }
        }
        if let Task::Block { pass, at: None } = &u.task
            && let Some(w) = scn.places.iter().find(|pl| &pl.id == pass).and_then(|pl| xy(&scn, &loaded, &pl.at))
        {
            p.extend(egui::Shape::dashed_line(&[from, view.to_screen(rect, w)], Stroke::new(2.0, task_col), 6.0, 4.0));
        }
        for (k, q) in pts.iter().enumerate() {
            let r = egui::Rect::from_center_size(*q, Vec2::splat(10.0));
            p.rect_filled(r, 1.0, Color32::WHITE);
            p.rect_stroke(r, 1.0, Stroke::new(2.0, task_col), egui::StrokeKind::Middle);
            p.text(
                *q + Vec2::new(8.0, 8.0),
                egui::Align2::LEFT_TOP,
                format!("{}", k + 1),
                egui::FontId::proportional(10.0),
                task_col,
            );
        }
        if let Some(h) = u.home.as_ref().and_then(|h| xy(&scn, &loaded, h)) {
            let s = view.to_screen(rect, h);
            p.circle_stroke(s, 6.0, Stroke::new(1.5, Color32::from_rgb(0, 120, 0)));
            p.text(
                s + Vec2::new(8.0, 0.0),
                egui::Align2::LEFT_CENTER,
                "home",
                egui::FontId::proportional(10.0),
                Color32::from_rgb(0, 100, 0),
            );
        }
    }
    // units, as the scenario has them at the start
    view.drawn.clear();
    let defender = scn.sides.iter().position(|s| s.id == scn.victory.defender).unwrap_or(0);
    let mut band = 0usize;
    let mut band_of = std::collections::BTreeMap::new();
    for s in &scn.sides {
        for c in &s.contingents {
            band_of.insert((s.id.clone(), c.id.clone()), band);
            band += 1;
        }
    }
    for (k, u) in scn.units.iter().enumerate() {
        let Some(w) = xy(&scn, &loaded, &u.at) else { continue };
        let s = dragging_to(&Drag::Unit(u.id.clone())).unwrap_or(view.to_screen(rect, w));
        let side = scn.sides.iter().position(|x| x.id == u.side).unwrap_or(0);
        let ty = loaded.types.get(&u.unit_type);
        let aff = if side == defender { Affiliation::Friendly } else { Affiliation::Hostile };
        let sym = Symbol {
            affiliation: aff,
            category: ty.map(|t| t.category),
            echelon: ty.map(|t| t.echelon),
            band: band_of.get(&(u.side.clone(), u.contingent.clone())).map(|&b| symbols::contingent_colour(b)),
            strength: Some(u.strength.to_string()),
            state: State::Fighting,
            selected: a.sel == Sel::Unit(u.id.clone()),
            alpha: 1.0,
        };
        symbols::draw(p, s, &sym);
        if let Some(f) = u.facing_deg {
            let r = f.to_radians() as f32;
            let d = Vec2::new(r.sin(), -r.cos());
            p.arrow(s + d * 12.0, d * 14.0, Stroke::new(2.0, Color32::from_rgb(0, 60, 160)));
        }
        view.drawn.push((k, s, symbols::fill(aff)));
    }
    // clicks: the tool's action, or select
    if resp.clicked()
        && let Some(q) = resp.interact_pointer_pos()
    {
        let w = view.to_world(rect, q);
        let here = geo(&loaded, w);
        match a.tool.clone() {
            Tool::Select => {
                a.sel = nearest(&unit_spots(a, run, view, rect), q)
                    .map(Sel::Unit)
                    .or_else(|| nearest(&place_spots(a, run, view, rect), q).map(Sel::Place))
                    .unwrap_or_default();
            }
            Tool::AddUnit => {
                if let Some(u) = new_unit(a, &scn, &loaded, here) {
                    a.sel = Sel::Unit(u.id.clone());
                    out.push(EditCommand::Apply(Edit::AddUnit(u)));
                }
                a.tool = Tool::Select;
            }
            Tool::AddPlace(kind) => {
                let pl = new_place(&scn, kind, here, loaded.terrain.elevation_at(w));
                a.sel = Sel::Place(pl.id.clone());
                out.push(EditCommand::Apply(Edit::AddPlace(pl)));
                a.tool = Tool::Select;
            }
            Tool::AddWaypoint => {
                if let Sel::Unit(id) = &a.sel {
                    out.push(EditCommand::Apply(Edit::InsertWaypoint { id: id.clone(), index: usize::MAX, at: here }));
                }
            }
            Tool::PickPoint(k) => {
                if let Sel::Unit(id) = &a.sel {
                    out.push(EditCommand::Apply(Edit::MoveTaskPoint { id: id.clone(), index: k, to: here }));
                }
                a.tool = Tool::Select;
            }
            Tool::PickHome => {
                if let Sel::Unit(id) = &a.sel
                    && let Some(u) = scn.units.iter().find(|u| &u.id == id)
                {
                    let mut u = u.clone();
                    u.home = Some(here);
                    out.push(EditCommand::Apply(Edit::SetUnit { id: id.clone(), unit: u }));
                }
                a.tool = Tool::Select;
            }
        }
    }
    // right click on a patrol's waypoint removes it
    if resp.secondary_clicked()
        && let (Some(q), Sel::Unit(id)) = (resp.interact_pointer_pos(), &a.sel)
        && scn.units.iter().any(|u| &u.id == id && matches!(u.task, Task::Patrol { .. }))
        && let Some(k) = nearest(&point_spots(a, run, view, rect), q)
    {
        out.push(EditCommand::Apply(Edit::DeleteWaypoint { id: id.clone(), index: k }));
    }
    if resp.drag_stopped()
        && let (Some(d), Some(q)) = (a.drag.take(), resp.interact_pointer_pos().or(pointer))
    {
        let to = geo(&loaded, view.to_world(rect, q));
        out.push(EditCommand::Apply(match d {
            Drag::Unit(id) => Edit::MoveUnit { id, to },
            Drag::Place(id) => Edit::MovePlace { id, to },
            Drag::Point(id, index) => Edit::MoveTaskPoint { id, index, to },
        }));
    }
    // keys: delete, undo, redo
    // shortcuts by the modifiers of the key event itself (a fast Ctrl+Z may press and release
    // Ctrl within one frame); text fields keep their own Ctrl+Z
    if !resp.ctx.text_edit_focused() {
        let (del, undo, redo) = resp.ctx.input_mut(|i| {
            let redo = i.consume_key(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::Z)
                || i.consume_key(egui::Modifiers::COMMAND, egui::Key::Y);
            let undo = i.consume_key(egui::Modifiers::COMMAND, egui::Key::Z);
            (i.consume_key(egui::Modifiers::NONE, egui::Key::Delete), undo, redo)
        });
        if del {
            match &a.sel {
                Sel::Unit(id) => out.push(EditCommand::Apply(Edit::DeleteUnit(id.clone()))),
                Sel::Place(id) => out.push(EditCommand::Apply(Edit::DeletePlace(id.clone()))),
                _ => {}
            }
            a.sel = Sel::None;
        }
        if undo {
            out.push(EditCommand::Undo);
        }
        if redo {
            out.push(EditCommand::Redo);
        }
    }
}

fn same(a: &Drag, b: &Drag) -> bool {
    match (a, b) {
        (Drag::Unit(x), Drag::Unit(y)) | (Drag::Place(x), Drag::Place(y)) => x == y,
        (Drag::Point(x, i), Drag::Point(y, j)) => x == y && i == j,
        _ => false,
    }
}

fn fresh_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..).map(|k| format!("{base}_{k}")).find(|id| !taken(id)).unwrap_or_else(|| base.to_string())
}

/// A unit of the palette's type, side and contingent at `at`, in reserve there.
fn new_unit(a: &Authoring, scn: &Scenario, loaded: &Loaded, at: Loc) -> Option<Unit> {
    let side = scn.sides.get(a.palette_side)?;
    let c = side.contingents.get(a.palette_contingent).or(side.contingents.first())?;
    let ty = loaded.types.get(&a.palette_type)?;
    let id = fresh_id(&format!("{}_{}", c.id, ty.id), |id| scn.units.iter().any(|u| u.id == id));
    Some(Unit {
        name: format!("{} {}", c.name, ty.name),
        id,
        side: side.id.clone(),
        contingent: c.id.clone(),
        unit_type: ty.id.clone(),
        strength: ty.strength.nominal,
        vehicles: None,
        at,
        posture: Posture::Halted,
        task: Task::Reserve { at: None },
        home: None,
        facing_deg: None,
    })
}

fn new_place(scn: &Scenario, kind: usize, at: Loc, elevation: f64) -> Place {
    let (k, base) = match kind {
        0 => (PlaceKind::Village { population: 500 }, "village"),
        1 => (PlaceKind::Pass { elevation_m: (elevation / 10.0).round() * 10.0 }, "pass"),
        2 => (PlaceKind::Objective, "objective"),
        3 => (PlaceKind::Airfield, "airfield"),
        4 => (PlaceKind::Post, "post"),
        _ => (PlaceKind::Landmark, "landmark"),
    };
    let id = fresh_id(base, |id| scn.places.iter().any(|p| p.id == id));
    Place { name: id.replace('_', " "), id, kind: k, at, radius_m: 500.0 }
}

// ---------------------------------------------------------------------------------------------
// Panels

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
        for (k, name) in PLACE_KINDS.iter().enumerate() {
            ui.selectable_value(&mut a.tool, Tool::AddPlace(k), format!("+{name}"));
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
            ui.add(egui::DragValue::new(&mut meta.tick_s).range(1..=600).suffix(" s"));
            ui.label("seed");
            ui.add(egui::DragValue::new(&mut meta.seed));
        });
        if meta != scn.meta {
            out.push(EditCommand::Apply(Edit::SetMeta(meta)));
        }
        ui.separator();
        let mut env = scn.environment.clone();
        let seasons = ["Winter", "Spring", "Summer", "Autumn"];
        use jets::scenario::schema::Season;
        let mut si = match env.season {
            Season::Winter => 0,
            Season::Spring => 1,
            Season::Summer => 2,
            Season::Autumn => 3,
        };
        if combo(ui, "season", "season", &mut si, &seasons.map(String::from)) {
            env.season = [Season::Winter, Season::Spring, Season::Summer, Season::Autumn][si];
        }
        ui.add(egui::DragValue::new(&mut env.snow_line_m).range(-500.0..=9000.0).prefix("snow line ").suffix(" m"));
        ui.add(egui::DragValue::new(&mut env.visibility_m).range(10.0..=200_000.0).prefix("visibility ").suffix(" m"));
        optional(ui, "passes closed above", &mut env.passes_closed_above_m, 3300.0, 0.0..=9000.0);
        optional(ui, "cloud base", &mut env.cloud_base_m, 3000.0, -500.0..=20_000.0);
        optional(ui, "mud below", &mut env.mud_below_m, 1500.0, -500.0..=9000.0);
        ui.add(egui::Slider::new(&mut env.mud_factor, 0.05..=1.0).text("off-road speed in mud"));
        if env != scn.environment {
            out.push(EditCommand::Apply(Edit::SetEnvironment(env)));
        }
        for side in &scn.sides {
            ui.separator();
            ui.strong(format!("{} ({})", side.name, side.id));
            let mut s = side.clone();
            let r = &mut s.rules;
            for (label, v, max) in [
                ("report to contingent HQ", &mut r.report_delay_min, 1440.0),
                ("report to joint HQ", &mut r.joint_report_delay_min, 1440.0),
                ("order", &mut r.order_delay_min, 10_080.0),
                ("liaison (default)", &mut r.liaison_min, 10_080.0),
                ("contact kept", &mut r.contact_timeout_min, 10_080.0),
            ] {
                ui.add(egui::DragValue::new(v).range(0.0..=max).prefix(format!("{label} ")).suffix(" min"));
            }
            ui.checkbox(&mut r.fire_near_villages, "indirect fire and strikes near villages");
            for c in s.contingents.iter_mut() {
                ui.horizontal(|ui| {
                    ui.label(&c.name);
                    ui.add(
                        egui::DragValue::new(&mut c.readiness_min)
                            .range(0.0..=10_080.0)
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
    let mut si = sides.iter().position(|s| *s == u.side).unwrap_or(0);
    if combo(ui, "u_side", "side", &mut si, &sides) {
        next.side = sides[si].clone();
        next.contingent = scn.sides[si].contingents.first().map(|c| c.id.clone()).unwrap_or_default();
    }
    if let Some(side) = scn.sides.get(si) {
        let cs: Vec<String> = side.contingents.iter().map(|c| c.id.clone()).collect();
        let mut ci = cs.iter().position(|c| *c == next.contingent).unwrap_or(0);
        if combo(ui, "u_cont", "contingent", &mut ci, &cs) {
            next.contingent = cs[ci].clone();
        }
    }
    let types: Vec<String> = loaded.types.keys().cloned().collect();
    let mut ti = types.iter().position(|t| *t == u.unit_type).unwrap_or(0);
    if combo(ui, "u_type", "type", &mut ti, &types) {
        next.unit_type = types[ti].clone();
        if let Some(t) = loaded.types.get(&next.unit_type) {
            next.strength = next.strength.clamp(t.strength.min, t.strength.max);
        }
    }
    // strength within the type's limits, as the validator demands
    if let Some(t) = loaded.types.get(&next.unit_type) {
        ui.horizontal(|ui| {
            ui.label("strength");
            ui.add(egui::DragValue::new(&mut next.strength).range(t.strength.min..=t.strength.max));
            ui.label(format!("({}..{}, full {})", t.strength.min, t.strength.max, t.strength.nominal));
        });
    }
    let postures = ["Moving", "Halted", "DugIn", "Concealed"];
    let mut pi = match u.posture {
        Posture::Moving => 0,
        Posture::Halted => 1,
        Posture::DugIn => 2,
        Posture::Concealed => 3,
    };
    if combo(ui, "u_post", "posture", &mut pi, &postures.map(String::from)) {
        next.posture = [Posture::Moving, Posture::Halted, Posture::DugIn, Posture::Concealed][pi];
    }
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

const TASKS: [&str; 14] = [
    "Move",
    "Defend",
    "Block",
    "Patrol",
    "Reserve",
    "Observe",
    "Infiltrate",
    "Attack",
    "Pursue",
    "CordonSearch",
    "AirAssault",
    "FireSupport",
    "Ambush",
    "Withdraw",
];

/// A new task of a kind, with sensible defaults from the scenario (the first pass, village,
/// objective, enemy unit, helicopters of the side) and the unit's position.
fn default_task(kind: &str, scn: &Scenario, loaded: &Loaded, u: &Unit) -> Task {
    let first = |f: &dyn Fn(&PlaceKind) -> bool| {
        scn.places.iter().find(|p| f(&p.kind)).map(|p| p.id.clone()).unwrap_or_default()
    };
    let here = u.at.clone();
    match kind {
        "Move" => Task::Move { to: here },
        "Defend" => Task::Defend { at: here },
        "Block" => Task::Block { pass: first(&|k| matches!(k, PlaceKind::Pass { .. })), at: None },
        "Patrol" => Task::Patrol { route: vec![here.clone(), here], repeat: true },
        "Observe" => Task::Observe { at: here },
        "Infiltrate" => Task::Infiltrate {
            objective: first(&|k| matches!(k, PlaceKind::Objective)),
            via: Vec::new(),
            delay: None,
            rally: None,
            rally_wait: None,
        },
        "Attack" => Task::Attack { at: here, radius_m: 3000.0 },
        "Pursue" => {
            Task::Pursue { unit: scn.units.iter().find(|x| x.side != u.side).map(|x| x.id.clone()).unwrap_or_default() }
        }
        "CordonSearch" => {
            Task::CordonSearch { village: first(&|k| matches!(k, PlaceKind::Village { .. })), hours: None }
        }
        "AirAssault" => Task::AirAssault {
            lift: scn
                .units
                .iter()
                .find(|x| x.side == u.side && loaded.types.get(&x.unit_type).is_some_and(|t| t.capacity.troops > 0))
                .map(|x| x.id.clone())
                .unwrap_or_default(),
            lz: here,
        },
        "FireSupport" => Task::FireSupport { at: None, zone: here, radius_m: 3000.0 },
        "Ambush" => Task::Ambush { at: here, wait: None },
        "Withdraw" => Task::Withdraw { to: None },
        _ => Task::Reserve { at: None },
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
    let mut k = TASKS.iter().position(|n| *n == edit::task_name(task)).unwrap_or(0);
    if combo(ui, &format!("{salt}_kind"), "task", &mut k, &TASKS.map(String::from)) {
        return Some(default_task(TASKS[k], scn, loaded, u));
    }
    let mut t = task.clone();
    let ids = |f: &dyn Fn(&PlaceKind) -> bool| -> Vec<String> {
        scn.places.iter().filter(|p| f(&p.kind)).map(|p| p.id.clone()).collect()
    };
    let pick = |ui: &mut egui::Ui, label: &str, v: &mut String, opts: &[String], salt: String| {
        let mut i = opts.iter().position(|o| o == v).unwrap_or(usize::MAX);
        ui.horizontal(|ui| {
            ui.label(label);
            egui::ComboBox::from_id_salt(salt).selected_text(v.clone()).show_ui(ui, |ui| {
                for (j, o) in opts.iter().enumerate() {
                    ui.selectable_value(&mut i, j, o);
                }
            });
        });
        if let Some(o) = opts.get(i) {
            *v = o.clone();
        }
    };
    match &mut t {
        Task::Block { pass, at } => {
            pick(ui, "pass", pass, &ids(&|k| matches!(k, PlaceKind::Pass { .. })), format!("{salt}_pass"));
            let mut own = at.is_some();
            ui.checkbox(&mut own, "own blocking position (else the pass itself)");
            if own && at.is_none() {
                *at = Some(u.at.clone());
            } else if !own {
                *at = None;
            }
        }
        Task::Patrol { repeat, .. } => {
            ui.checkbox(repeat, "repeat the loop");
            if on_map && ui.selectable_label(a.tool == Tool::AddWaypoint, "add waypoints by clicking the map").clicked()
            {
                a.tool = if a.tool == Tool::AddWaypoint { Tool::Select } else { Tool::AddWaypoint };
            }
        }
        Task::Reserve { at } | Task::Withdraw { to: at } => {
            let mut own = at.is_some();
            ui.checkbox(&mut own, "own position (else where the unit is / its home)");
            if own && at.is_none() {
                *at = Some(u.at.clone());
            } else if !own {
                *at = None;
            }
        }
        Task::Infiltrate { objective, .. } => {
            let all: Vec<String> = scn.places.iter().map(|p| p.id.clone()).collect();
            pick(ui, "objective", objective, &all, format!("{salt}_obj"));
        }
        Task::Attack { radius_m, .. } => {
            ui.add(egui::DragValue::new(radius_m).range(100.0..=50_000.0).prefix("radius ").suffix(" m"));
        }
        Task::FireSupport { radius_m, at, .. } => {
            ui.add(egui::DragValue::new(radius_m).range(100.0..=50_000.0).prefix("zone radius ").suffix(" m"));
            let mut own = at.is_some();
            ui.checkbox(&mut own, "move to a firing position");
            if own && at.is_none() {
                *at = Some(u.at.clone());
            } else if !own {
                *at = None;
            }
        }
        Task::Pursue { unit } => {
            let enemies: Vec<String> = scn.units.iter().filter(|x| x.side != u.side).map(|x| x.id.clone()).collect();
            pick(ui, "enemy", unit, &enemies, format!("{salt}_enemy"));
        }
        Task::CordonSearch { village, .. } => {
            pick(ui, "village", village, &ids(&|k| matches!(k, PlaceKind::Village { .. })), format!("{salt}_vil"));
        }
        Task::AirAssault { lift, .. } => {
            let own: Vec<String> =
                scn.units.iter().filter(|x| x.side == u.side && x.id != u.id).map(|x| x.id.clone()).collect();
            pick(ui, "lift", lift, &own, format!("{salt}_lift"));
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
            ui.add(egui::DragValue::new(population).range(0..=2_000_000).prefix("population "));
        }
        PlaceKind::Pass { elevation_m } => {
            ui.add(egui::DragValue::new(elevation_m).range(0.0..=9000.0).prefix("elevation ").suffix(" m"));
        }
        _ => {
            ui.label(format!("{:?}", p.kind));
        }
    }
    ui.add(egui::DragValue::new(&mut next.radius_m).range(1.0..=50_000.0).prefix("radius ").suffix(" m"));
    ui.label(loc_text(&p.at));
    if next != *p {
        out.push(EditCommand::Apply(Edit::SetPlace { id: p.id.clone(), place: next }));
    }
    if ui.button("Delete place").clicked() {
        out.push(EditCommand::Apply(Edit::DeletePlace(p.id.clone())));
        a.sel = Sel::None;
    }
}

const CONDITIONS: [&str; 6] = ["At", "Contact", "StrengthBelow", "UnitBroken", "HostagesTaken", "PassCrossed"];

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
            let name = match &t.when {
                Condition::At(_) => 0,
                Condition::Contact { .. } => 1,
                Condition::StrengthBelow { .. } => 2,
                Condition::UnitBroken(_) => 3,
                Condition::HostagesTaken { .. } => 4,
                Condition::PassCrossed { .. } => 5,
            };
            let mut k = name;
            let side0 = scn.sides.first().map(|s| s.id.clone()).unwrap_or_default();
            if combo(ui, "t_when", "when", &mut k, &CONDITIONS.map(String::from)) {
                next.when = match k {
                    0 => Condition::At("6h".into()),
                    1 => Condition::Contact {
                        side: side0.clone(),
                        at: scn.units.first().map(|u| u.at.clone()).unwrap_or(Loc::Xy { x: 0.0, y: 0.0 }),
                        radius_m: 5000.0,
                    },
                    2 => Condition::StrengthBelow { side: side0.clone(), fraction: 0.5 },
                    3 => Condition::UnitBroken(scn.units.first().map(|u| u.id.clone()).unwrap_or_default()),
                    4 => Condition::HostagesTaken { count: 1 },
                    _ => Condition::PassCrossed {
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
                    let mut i = sides.iter().position(|s| s == side).unwrap_or(0);
                    if combo(ui, "t_cside", "side", &mut i, &sides) {
                        *side = sides[i].clone();
                    }
                    ui.add(egui::DragValue::new(radius_m).range(1.0..=100_000.0).prefix("radius ").suffix(" m"));
                }
                Condition::StrengthBelow { side, fraction } => {
                    let mut i = sides.iter().position(|s| s == side).unwrap_or(0);
                    if combo(ui, "t_sside", "side", &mut i, &sides) {
                        *side = sides[i].clone();
                    }
                    ui.add(egui::Slider::new(fraction, 0.0..=1.0).text("fraction"));
                }
                Condition::UnitBroken(u) => {
                    let us: Vec<String> = scn.units.iter().map(|u| u.id.clone()).collect();
                    let mut i = us.iter().position(|x| x == u).unwrap_or(0);
                    if combo(ui, "t_ub", "unit", &mut i, &us) {
                        *u = us[i].clone();
                    }
                }
                Condition::HostagesTaken { count } => {
                    ui.add(egui::DragValue::new(count).range(1..=10_000).prefix("at least "));
                }
                Condition::PassCrossed { pass, side } => {
                    let ps: Vec<String> = scn
                        .places
                        .iter()
                        .filter(|p| matches!(p.kind, PlaceKind::Pass { .. }))
                        .map(|p| p.id.clone())
                        .collect();
                    let mut i = ps.iter().position(|x| x == pass).unwrap_or(0);
                    if combo(ui, "t_pp", "pass", &mut i, &ps) {
                        *pass = ps[i].clone();
                    }
                    let mut j = sides.iter().position(|s| s == side).unwrap_or(0);
                    if combo(ui, "t_ps", "side", &mut j, &sides) {
                        *side = sides[j].clone();
                    }
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
                    let mut i = units.iter().position(|x| *x == o.unit).unwrap_or(0);
                    ui.horizontal(|ui| {
                        if combo(ui, "o_unit", "unit", &mut i, &units) {
                            next.orders[k].unit = units[i].clone();
                        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn c2000() -> Scenario {
        scenario::parse_only("c2000", scenario::load::embedded(scenario::DEFAULT_SCENARIO).unwrap()).unwrap()
    }

    #[test]
    fn a_problem_takes_the_user_to_its_unit_place_or_trigger() {
        let s = c2000();
        assert_eq!(target_of("units[1].task.pass", &s), Sel::Unit(s.units[1].id.clone()));
        assert_eq!(target_of("places[0]", &s), Sel::Place(s.places[0].id.clone()));
        assert_eq!(target_of("triggers[2].orders[0].unit", &s), Sel::Trigger(s.triggers[2].id.clone()));
        assert_eq!(target_of("units[9999]", &s), Sel::None);
        assert_eq!(target_of("meta.duration", &s), Sel::None);
    }

    #[test]
    fn the_shipped_edit_scripts_parse() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/edits");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap();
            let cmds: Vec<EditCommand> = ron::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(!cmds.is_empty());
            n += 1;
        }
        assert!(n >= 2);
    }

    #[test]
    fn new_units_and_places_get_fresh_ids_and_valid_defaults() {
        let s = c2000();
        assert_eq!(fresh_id("kz_x", |id| id == "kz_x_1"), "kz_x_2");
        let p = new_place(&s, 1, Loc::Xy { x: 1.0, y: 2.0 }, 3456.0);
        assert_eq!(p.kind, PlaceKind::Pass { elevation_m: 3460.0 });
        assert!(!s.places.iter().any(|q| q.id == p.id));
    }
}
