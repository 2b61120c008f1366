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
//! This module holds the state, the command system, live reload, edit scripts and the close
//! question; `canvas` the map in edit mode; `forms` the panels.
//!
//! Must not: change a scenario any other way, or write a file except through
//! `jets::fsio::write_atomic`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, Vec2};
use jets::format::schema::{Loc, PlaceType, Scenario};
use jets::scenario::edit::{Edit, Editor};
use jets::scenario::{self, Loaded, Origin, Problems, Severity, save};
use serde::Deserialize;

mod canvas;
mod forms;

pub use canvas::{draw, press};
pub use forms::{panel, problems};

use super::run::Run;
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
    /// Place a place of this kind.
    AddPlace(PlaceType),
    /// Append a waypoint to the selected unit's patrol.
    AddWaypoint,
    /// Set this point of the selected unit's task.
    PickPoint(usize),
    /// Set the selected unit's home.
    PickHome,
}

/// A problem as the panel lists it.
pub struct Row {
    pub error: bool,
    pub text: String,
    pub hint: Option<String>,
    pub target: Sel,
}

/// A drag in progress on the map.
#[derive(Clone, Debug, PartialEq)]
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
    /// The run's seed, for test runs and reloads.
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
    pub fn new(loaded: &Loaded, file: Option<PathBuf>, seed: u64) -> Authoring {
        let stamp = file.as_deref().and_then(modified);
        let mut a = Authoring {
            save_as: file.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "my_scenario.ron".into()),
            file,
            origin: loaded.origin.clone(),
            original: loaded.text.clone(),
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
        match scenario::load_value(self.origin.clone(), &self.editor.scenario) {
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

/// A position in the local frame, resolving places through the edited scenario (which may
/// have places the loaded one has not).
pub fn xy(scn: &Scenario, loaded: &Loaded, loc: &Loc) -> Option<(f64, f64)> {
    let at = match loc {
        Loc::Place(id) => &scn.places.iter().find(|p| &p.id == id)?.at,
        other => other,
    };
    // a place's own position is never a place (validated), so no place map is needed
    scenario::resolve(&loaded.terrain.frame, &Default::default(), at)
}

/// A file's modification time.
fn modified(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Replaces the run by one of `loaded` from `t`, keeping the camera; the base map is redrawn
/// only when the terrain changed, and a selection past the new units is dropped.
fn replace_run(run: &mut Run, view: &mut View, loaded: Arc<Loaded>, seed: u64, t: u64, play: bool) {
    let same_terrain = Arc::ptr_eq(&loaded.terrain, &run.loaded.terrain);
    *run = Run::start(loaded, seed, t, play);
    if !same_terrain {
        view.texture = None;
    }
    if view.selected.is_some_and(|k| k >= run.snapshot.units.len()) {
        view.selected = None;
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
                    author.status = format!("{} — {} edit(s) not saved", e.label(), author.editor.changes());
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
                let mut scn = (*author.editor.scenario).clone();
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
                        replace_run(&mut run, &mut view, l, author.seed, 0, true);
                        author.editing = false;
                        author.status = "test run of the edited scenario (not saved)".into();
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
                // forget the edits and the file's time: `watch` reads the file at once
                author.stamp = None;
                author.disk_changed = false;
                author.editor.saved();
                author.last_poll = -1.0;
            }
        }
    }
    if changed {
        author.revalidate();
    }
}

fn write(author: &mut Authoring, path: &std::path::Path, s: save::Saved) {
    match jets::fsio::write_atomic(path, s.text.as_bytes()) {
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
            author.stamp = modified(path);
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
    let stamp = modified(&path);
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
            let t = run.t().min(l.duration_s);
            let playing = !run.paused;
            author.rows = rows(&l.warnings, &l.scenario, true);
            author.editor = Editor::new(l.scenario.clone());
            author.original = l.text.clone();
            author.status = format!("reloaded {}", path.display());
            let l = Arc::new(l);
            author.valid = Some(l.clone());
            replace_run(&mut run, &mut view, l, author.seed, t, playing);
        }
        Err(p) => {
            let scn = scenario::parse_only("x", &text).unwrap_or_else(|_| (*author.editor.scenario).clone());
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
            ui.label(format!("{} edit(s) since the last save. Close anyway?", a.editor.changes().abs()));
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

#[cfg(test)]
mod tests {
    use super::canvas::{fresh_id, new_place};
    use super::*;
    use jets::format::schema::PlaceKind;

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
        let p = new_place(&s, PlaceType::Pass, Loc::Xy { x: 1.0, y: 2.0 }, 3456.0);
        assert_eq!(p.kind, PlaceKind::Pass { elevation_m: 3460.0 });
        assert!(!s.places.iter().any(|q| q.id == p.id));
    }
}
