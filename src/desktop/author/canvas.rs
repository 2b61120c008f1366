//! The map in edit mode: the edited scenario's places, units and the selected unit's task
//! drawn from the scenario itself (not from a run), and clicks and drags turned into
//! [`EditCommand`]s.

use bevy_egui::egui::{self, Color32, Pos2, Stroke, Vec2};
use jets::format::schema::{Loc, Place, PlaceKind, PlaceType, Posture, Scenario, Task, Unit};
use jets::scenario::Loaded;
use jets::scenario::edit::{Edit, task_points};

use super::{Authoring, Drag, EditCommand, Sel, Tool, geo, xy};
use crate::desktop::run::Run;
use crate::desktop::symbols::{self, Affiliation, State, Symbol};
use crate::desktop::ui::View;

const HIT_PX: f32 = 14.0;

/// Screen positions of things of the edited scenario, by id.
fn spots<'s>(
    a: &Authoring,
    run: &Run,
    view: &View,
    rect: egui::Rect,
    things: impl Iterator<Item = (&'s String, &'s Loc)>,
) -> Vec<(String, Pos2)> {
    let scn = &a.editor.scenario;
    things.filter_map(|(id, at)| xy(scn, &run.loaded, at).map(|p| (id.clone(), view.to_screen(rect, p)))).collect()
}

fn unit_spots(a: &Authoring, run: &Run, view: &View, rect: egui::Rect) -> Vec<(String, Pos2)> {
    spots(a, run, view, rect, a.editor.scenario.units.iter().map(|u| (&u.id, &u.at)))
}

fn place_spots(a: &Authoring, run: &Run, view: &View, rect: egui::Rect) -> Vec<(String, Pos2)> {
    spots(a, run, view, rect, a.editor.scenario.places.iter().map(|p| (&p.id, &p.at)))
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
    let dragging_to = |d: &Drag| -> Option<Pos2> { a.drag.as_ref().filter(|x| *x == d).and(pointer) };
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
        view.drawn.push((super::super::ui::Drawn::Unit(k), s, symbols::fill(aff)));
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
    // keys: delete, undo, redo; shortcuts by the modifiers of the key event itself (a fast Ctrl+Z may press and release
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

pub(super) fn fresh_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..).map(|k| format!("{base}_{k}")).find(|id| !taken(id)).unwrap_or_else(|| base.to_string())
}

/// A unit of the palette's type, side and contingent at `at`, in reserve there.
pub(super) fn new_unit(a: &Authoring, scn: &Scenario, loaded: &Loaded, at: Loc) -> Option<Unit> {
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

pub(super) fn new_place(scn: &Scenario, kind: PlaceType, at: Loc, elevation: f64) -> Place {
    let (k, base) = match kind {
        PlaceType::Village => (PlaceKind::Village { population: 500 }, "village"),
        PlaceType::Pass => (PlaceKind::Pass { elevation_m: (elevation / 10.0).round() * 10.0 }, "pass"),
        PlaceType::Objective => (PlaceKind::Objective, "objective"),
        PlaceType::Airfield => (PlaceKind::Airfield, "airfield"),
        PlaceType::Post => (PlaceKind::Post, "post"),
        PlaceType::Landmark => (PlaceKind::Landmark, "landmark"),
    };
    let id = fresh_id(base, |id| scn.places.iter().any(|p| p.id == id));
    Place { name: id.replace('_', " "), id, kind: k, at, radius_m: 500.0 }
}
