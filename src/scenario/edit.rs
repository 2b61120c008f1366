//! Editor operations: plain functions over a [`Scenario`], and an undo/redo history.
//!
//! Owns: the closed set of edits the scenario editor (and an edit script) can make, what each
//! does to the schema values, and the history. Every edit either applies completely or
//! returns an error and leaves the scenario untouched. Edits do not validate the scenario as a
//! whole (a unit may be moved onto rock): the editor runs the validator after each edit and
//! shows its problems, exactly as `jets validate` would.
//!
//! Must not: touch rendering, the file system or the simulation.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::format::schema::{Environment, Loc, Meta, Place, Scenario, Side, Task, Trigger, Unit};

/// One edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    /// Add a unit (its id must be new).
    AddUnit(Unit),
    /// Move a unit's start position.
    MoveUnit { id: String, to: Loc },
    /// Set (or clear) a unit's facing, degrees clockwise from north.
    RotateUnit { id: String, facing_deg: Option<f64> },
    /// Delete a unit, and the trigger orders addressed to it.
    DeleteUnit(String),
    /// Replace a unit's attributes. A changed id is changed wherever the scenario names it.
    SetUnit { id: String, unit: Unit },
    /// Give a unit a new starting task.
    SetTask { id: String, task: Task },
    /// Move one point of a unit's task (a destination, a blocking position, a waypoint); points
    /// are numbered as [`task_points`] lists them.
    MoveTaskPoint { id: String, index: usize, to: Loc },
    /// Insert a waypoint into a unit's patrol route before `index` (at the end when past it).
    InsertWaypoint { id: String, index: usize, at: Loc },
    /// Remove a waypoint from a unit's patrol route (at least two stay).
    DeleteWaypoint { id: String, index: usize },
    /// Add a place (its id must be new).
    AddPlace(Place),
    /// Move a place.
    MovePlace { id: String, to: Loc },
    /// Replace a place's attributes. A changed id is changed wherever the scenario names it.
    SetPlace { id: String, place: Place },
    /// Delete a place (references to it are left for the validator to report).
    DeletePlace(String),
    /// Add a trigger (its id must be new).
    AddTrigger(Trigger),
    /// Replace a trigger.
    SetTrigger { id: String, trigger: Trigger },
    /// Delete a trigger.
    DeleteTrigger(String),
    /// Replace the scenario's name, description, start, duration, tick and seed.
    SetMeta(Meta),
    /// Replace the season and weather.
    SetEnvironment(Environment),
    /// Replace a side's rules and its contingents' settings (ids stay as they are).
    SetSide { id: String, side: Side },
}

impl Edit {
    /// Form edits (attributes, facing, weather, settings): a run of them on the same thing is
    /// one step to undo, so dragging a number is not a hundred steps.
    pub fn coalesces(&self) -> bool {
        matches!(
            self,
            Edit::RotateUnit { .. }
                | Edit::SetUnit { .. }
                | Edit::SetPlace { .. }
                | Edit::SetTrigger { .. }
                | Edit::SetMeta(_)
                | Edit::SetEnvironment(_)
                | Edit::SetSide { .. }
        )
    }

    /// A short description for the undo list and the status line.
    pub fn label(&self) -> String {
        match self {
            Edit::AddUnit(u) => format!("add unit {}", u.id),
            Edit::MoveUnit { id, .. } => format!("move {id}"),
            Edit::RotateUnit { id, .. } => format!("rotate {id}"),
            Edit::DeleteUnit(id) => format!("delete {id}"),
            Edit::SetUnit { id, .. } => format!("edit {id}"),
            Edit::SetTask { id, task } => format!("task {id}: {}", task.kind().name()),
            Edit::MoveTaskPoint { id, .. } => format!("move {id}'s task point"),
            Edit::InsertWaypoint { id, .. } => format!("add waypoint to {id}"),
            Edit::DeleteWaypoint { id, .. } => format!("remove waypoint of {id}"),
            Edit::AddPlace(p) => format!("add place {}", p.id),
            Edit::MovePlace { id, .. } => format!("move place {id}"),
            Edit::SetPlace { id, .. } => format!("edit place {id}"),
            Edit::DeletePlace(id) => format!("delete place {id}"),
            Edit::AddTrigger(t) => format!("add trigger {}", t.id),
            Edit::SetTrigger { id, .. } => format!("edit trigger {id}"),
            Edit::DeleteTrigger(id) => format!("delete trigger {id}"),
            Edit::SetMeta(_) => "edit name, start and duration".into(),
            Edit::SetEnvironment(_) => "edit weather".into(),
            Edit::SetSide { id, .. } => format!("edit side {id}"),
        }
    }
}

/// The positions a task names, in a fixed order (for handles on the map): the destination,
/// position or zone; every waypoint of a patrol; a fire-support unit's firing position after
/// its zone. Optional positions that are not set are left out.
pub fn task_points(t: &Task) -> Vec<&Loc> {
    match t {
        Task::Move { to } => vec![to],
        Task::Defend { at } | Task::Observe { at } | Task::Attack { at, .. } | Task::Ambush { at, .. } => vec![at],
        Task::Block { at, .. } | Task::Reserve { at } => at.iter().collect(),
        Task::Withdraw { to } => to.iter().collect(),
        Task::Patrol { route, .. } => route.iter().collect(),
        Task::AirAssault { lz, .. } => vec![lz],
        Task::FireSupport { at, zone, .. } => std::iter::once(zone).chain(at.iter()).collect(),
        Task::Infiltrate { .. } | Task::Pursue { .. } | Task::CordonSearch { .. } => Vec::new(),
    }
}

fn task_points_mut(t: &mut Task) -> Vec<&mut Loc> {
    match t {
        Task::Move { to } => vec![to],
        Task::Defend { at } | Task::Observe { at } | Task::Attack { at, .. } | Task::Ambush { at, .. } => vec![at],
        Task::Block { at, .. } | Task::Reserve { at } => at.iter_mut().collect(),
        Task::Withdraw { to } => to.iter_mut().collect(),
        Task::Patrol { route, .. } => route.iter_mut().collect(),
        Task::AirAssault { lz, .. } => vec![lz],
        Task::FireSupport { at, zone, .. } => std::iter::once(zone).chain(at.iter_mut()).collect(),
        Task::Infiltrate { .. } | Task::Pursue { .. } | Task::CordonSearch { .. } => Vec::new(),
    }
}

fn unit_mut<'a>(s: &'a mut Scenario, id: &str) -> Result<&'a mut Unit, String> {
    s.units.iter_mut().find(|u| u.id == id).ok_or_else(|| format!("no unit `{id}`"))
}

fn place_mut<'a>(s: &'a mut Scenario, id: &str) -> Result<&'a mut Place, String> {
    s.places.iter_mut().find(|p| p.id == id).ok_or_else(|| format!("no place `{id}`"))
}

fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(format!("`{id}` is not a valid id: use letters, digits, `_` and `-`"));
    }
    Ok(())
}

/// Applies one edit. On error the scenario is unchanged.
pub fn apply(s: &mut Scenario, e: &Edit) -> Result<(), String> {
    match e {
        Edit::AddUnit(u) => {
            check_id(&u.id)?;
            if s.units.iter().any(|x| x.id == u.id) {
                return Err(format!("a unit `{}` already exists", u.id));
            }
            s.units.push(u.clone());
        }
        Edit::MoveUnit { id, to } => unit_mut(s, id)?.at = to.clone(),
        Edit::RotateUnit { id, facing_deg } => {
            unit_mut(s, id)?.facing_deg = facing_deg.map(|f| f.rem_euclid(360.0));
        }
        Edit::DeleteUnit(id) => {
            let k = s.units.iter().position(|u| &u.id == id).ok_or_else(|| format!("no unit `{id}`"))?;
            s.units.remove(k);
            for t in s.triggers.iter_mut() {
                t.orders.retain(|o| &o.unit != id);
            }
        }
        Edit::SetUnit { id, unit } => {
            check_id(&unit.id)?;
            if &unit.id != id && s.units.iter().any(|x| x.id == unit.id) {
                return Err(format!("a unit `{}` already exists", unit.id));
            }
            *unit_mut(s, id)? = unit.clone();
            if &unit.id != id {
                rename_unit(s, id, &unit.id);
            }
        }
        Edit::SetTask { id, task } => unit_mut(s, id)?.task = task.clone(),
        Edit::MoveTaskPoint { id, index, to } => {
            let u = unit_mut(s, id)?;
            let mut pts = task_points_mut(&mut u.task);
            let n = pts.len();
            let p = pts.get_mut(*index).ok_or_else(|| format!("{id}'s task has {n} point(s), not {}", index + 1))?;
            **p = to.clone();
        }
        Edit::InsertWaypoint { id, index, at } => match &mut unit_mut(s, id)?.task {
            Task::Patrol { route, .. } => route.insert((*index).min(route.len()), at.clone()),
            _ => return Err(format!("{id} is not on patrol: give it a Patrol task first")),
        },
        Edit::DeleteWaypoint { id, index } => match &mut unit_mut(s, id)?.task {
            Task::Patrol { route, .. } if route.len() > 2 && *index < route.len() => {
                route.remove(*index);
            }
            Task::Patrol { .. } => return Err("a patrol route keeps at least two waypoints".into()),
            _ => return Err(format!("{id} is not on patrol")),
        },
        Edit::AddPlace(p) => {
            check_id(&p.id)?;
            if s.places.iter().any(|x| x.id == p.id) {
                return Err(format!("a place `{}` already exists", p.id));
            }
            s.places.push(p.clone());
        }
        Edit::MovePlace { id, to } => {
            if matches!(to, Loc::Place(_)) {
                return Err("a place's position cannot be another place".into());
            }
            place_mut(s, id)?.at = to.clone();
        }
        Edit::SetPlace { id, place } => {
            check_id(&place.id)?;
            if &place.id != id && s.places.iter().any(|x| x.id == place.id) {
                return Err(format!("a place `{}` already exists", place.id));
            }
            *place_mut(s, id)? = place.clone();
            if &place.id != id {
                rename_place(s, id, &place.id);
            }
        }
        Edit::DeletePlace(id) => {
            let k = s.places.iter().position(|p| &p.id == id).ok_or_else(|| format!("no place `{id}`"))?;
            s.places.remove(k);
        }
        Edit::AddTrigger(t) => {
            check_id(&t.id)?;
            if s.triggers.iter().any(|x| x.id == t.id) {
                return Err(format!("a trigger `{}` already exists", t.id));
            }
            s.triggers.push(t.clone());
        }
        Edit::SetTrigger { id, trigger } => {
            check_id(&trigger.id)?;
            if &trigger.id != id && s.triggers.iter().any(|x| x.id == trigger.id) {
                return Err(format!("a trigger `{}` already exists", trigger.id));
            }
            let t = s.triggers.iter_mut().find(|t| &t.id == id).ok_or_else(|| format!("no trigger `{id}`"))?;
            *t = trigger.clone();
        }
        Edit::DeleteTrigger(id) => {
            let k = s.triggers.iter().position(|t| &t.id == id).ok_or_else(|| format!("no trigger `{id}`"))?;
            s.triggers.remove(k);
        }
        Edit::SetMeta(m) => s.meta = m.clone(),
        Edit::SetEnvironment(env) => s.environment = env.clone(),
        Edit::SetSide { id, side } => {
            let old = s.sides.iter_mut().find(|x| &x.id == id).ok_or_else(|| format!("no side `{id}`"))?;
            let ids = |x: &Side| (x.id.clone(), x.contingents.iter().map(|c| c.id.clone()).collect::<Vec<_>>());
            if ids(old) != ids(side) {
                return Err("a side's id and its contingents' ids are kept: rename them in the file".into());
            }
            *old = side.clone();
        }
    }
    Ok(())
}

fn rename_unit(s: &mut Scenario, from: &str, to: &str) {
    use crate::format::schema::Condition;
    let fix_id = |p: &mut String| {
        if p == from {
            *p = to.to_string();
        }
    };
    // Every variant is named (no `_` arm), so a new one that refers to a unit cannot be missed.
    let fix_task = |t: &mut Task| match t {
        Task::Pursue { unit } => fix_id(unit),
        Task::AirAssault { lift, .. } => fix_id(lift),
        Task::Move { .. }
        | Task::Defend { .. }
        | Task::Block { .. }
        | Task::Patrol { .. }
        | Task::Reserve { .. }
        | Task::Observe { .. }
        | Task::Infiltrate { .. }
        | Task::Attack { .. }
        | Task::CordonSearch { .. }
        | Task::FireSupport { .. }
        | Task::Ambush { .. }
        | Task::Withdraw { .. } => {}
    };
    for u in s.units.iter_mut() {
        fix_task(&mut u.task);
    }
    for t in s.triggers.iter_mut() {
        match &mut t.when {
            Condition::UnitBroken(u) => fix_id(u),
            Condition::At(_)
            | Condition::Contact { .. }
            | Condition::StrengthBelow { .. }
            | Condition::HostagesTaken { .. }
            | Condition::PassCrossed { .. } => {}
        }
        for o in t.orders.iter_mut() {
            fix_id(&mut o.unit);
            fix_task(&mut o.task);
        }
    }
}

fn rename_place(s: &mut Scenario, from: &str, to: &str) {
    use crate::format::schema::Condition;
    let fix_loc = |l: &mut Loc| {
        if let Loc::Place(p) = l
            && p == from
        {
            *p = to.to_string();
        }
    };
    let fix_id = |p: &mut String| {
        if p == from {
            *p = to.to_string();
        }
    };
    let fix_task = |t: &mut Task| {
        for l in task_points_mut(t) {
            fix_loc(l);
        }
        match t {
            Task::Block { pass, .. } => fix_id(pass),
            Task::Infiltrate { objective, via, rally, .. } => {
                fix_id(objective);
                via.iter_mut().for_each(fix_id);
                if let Some(r) = rally {
                    fix_id(r);
                }
            }
            Task::CordonSearch { village, .. } => fix_id(village),
            // positions are fixed above (`task_points_mut`); these name no place by id
            Task::Move { .. }
            | Task::Defend { .. }
            | Task::Patrol { .. }
            | Task::Reserve { .. }
            | Task::Observe { .. }
            | Task::Attack { .. }
            | Task::Pursue { .. }
            | Task::AirAssault { .. }
            | Task::FireSupport { .. }
            | Task::Ambush { .. }
            | Task::Withdraw { .. } => {}
        }
    };
    for u in s.units.iter_mut() {
        fix_loc(&mut u.at);
        if let Some(h) = &mut u.home {
            fix_loc(h);
        }
        fix_task(&mut u.task);
    }
    for side in s.sides.iter_mut() {
        if let Some(h) = &mut side.hq {
            fix_loc(h);
        }
        for c in side.contingents.iter_mut() {
            fix_loc(&mut c.hq);
        }
    }
    for h in s.hostage_groups.iter_mut() {
        fix_loc(&mut h.at);
    }
    for t in s.triggers.iter_mut() {
        match &mut t.when {
            Condition::Contact { at, .. } => fix_loc(at),
            Condition::PassCrossed { pass, .. } => fix_id(pass),
            Condition::At(_)
            | Condition::StrengthBelow { .. }
            | Condition::UnitBroken(_)
            | Condition::HostagesTaken { .. } => {}
        }
        for o in t.orders.iter_mut() {
            fix_task(&mut o.task);
        }
    }
}

/// Most edits kept for undo.
pub const UNDO_LIMIT: usize = 500;

/// A scenario being edited, with its undo and redo history (whole snapshots: simple and exact).
#[derive(Debug, Clone)]
pub struct Editor {
    /// The scenario as edited so far (shared: a reader takes it without copying it).
    pub scenario: Arc<Scenario>,
    undo: Vec<(String, Arc<Scenario>)>,
    redo: Vec<(String, Arc<Scenario>)>,
    /// Edits since the last save (or load); negative after undoing past it.
    changes: i64,
}

impl Editor {
    /// Starts editing `scenario`.
    pub fn new(scenario: Scenario) -> Editor {
        Editor { scenario: Arc::new(scenario), undo: Vec::new(), redo: Vec::new(), changes: 0 }
    }

    /// Edits since the last save (negative after undoing past it).
    pub fn changes(&self) -> i64 {
        self.changes
    }

    /// Applies an edit; it can be undone. Clears the redo list. A form edit right after one
    /// with the same label (the same attribute panel) joins its undo step.
    pub fn apply(&mut self, e: &Edit) -> Result<(), String> {
        let mut next = (*self.scenario).clone();
        apply(&mut next, e)?;
        let next = Arc::new(next);
        let label = e.label();
        if e.coalesces()
            && self.redo.is_empty()
            && self.undo.last().is_some_and(|(l, _)| *l == label)
            && self.changes != 0
        {
            self.scenario = next;
            return Ok(());
        }
        let before = std::mem::replace(&mut self.scenario, next);
        self.undo.push((label, before));
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.changes += 1;
        Ok(())
    }

    /// Undoes the last edit; returns its label, or `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Option<String> {
        let (label, before) = self.undo.pop()?;
        let now = std::mem::replace(&mut self.scenario, before);
        self.redo.push((label.clone(), now));
        self.changes -= 1;
        Some(label)
    }

    /// Redoes the last undone edit.
    pub fn redo(&mut self) -> Option<String> {
        let (label, after) = self.redo.pop()?;
        let now = std::mem::replace(&mut self.scenario, after);
        self.undo.push((label.clone(), now));
        self.changes += 1;
        Some(label)
    }

    /// Label of the edit `undo` would undo.
    pub fn can_undo(&self) -> Option<&str> {
        self.undo.last().map(|(l, _)| l.as_str())
    }

    /// Label of the edit `redo` would redo.
    pub fn can_redo(&self) -> Option<&str> {
        self.redo.last().map(|(l, _)| l.as_str())
    }

    /// True when the scenario differs from the last save.
    pub fn dirty(&self) -> bool {
        self.changes != 0
    }

    /// Changes the current state and every state in the history alike, without recording an
    /// edit (e.g. library paths rebased when the file is saved elsewhere).
    pub fn map_all(&mut self, f: impl Fn(&mut Scenario)) {
        f(Arc::make_mut(&mut self.scenario));
        for (_, s) in self.undo.iter_mut().chain(self.redo.iter_mut()) {
            f(Arc::make_mut(s));
        }
    }

    /// Marks the current state as saved.
    pub fn saved(&mut self) {
        self.changes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load, parse_only};

    fn scn() -> Scenario {
        parse_only("t", load::embedded("assets/templates/scenario.ron").unwrap()).unwrap()
    }

    fn some_unit(s: &Scenario) -> Unit {
        s.units[0].clone()
    }

    #[test]
    fn add_move_delete_and_their_errors() {
        let mut s = scn();
        let n = s.units.len();
        let mut u = some_unit(&s);
        assert!(apply(&mut s, &Edit::AddUnit(u.clone())).unwrap_err().contains("already exists"));
        u.id = "qrf".into();
        apply(&mut s, &Edit::AddUnit(u.clone())).unwrap();
        assert_eq!(s.units.len(), n + 1);
        assert_eq!(s.units[n].id, "qrf");
        let to = Loc::Geo { lat: 39.61, lon: 70.88 };
        apply(&mut s, &Edit::MoveUnit { id: "qrf".into(), to: to.clone() }).unwrap();
        assert_eq!(s.units[n].at, to);
        apply(&mut s, &Edit::RotateUnit { id: "qrf".into(), facing_deg: Some(-90.0) }).unwrap();
        assert_eq!(s.units[n].facing_deg, Some(270.0));
        let before = s.clone();
        assert!(apply(&mut s, &Edit::MoveUnit { id: "nope".into(), to }).is_err());
        assert_eq!(s, before, "a failed edit changes nothing");
        apply(&mut s, &Edit::DeleteUnit("qrf".into())).unwrap();
        assert_eq!(s.units.len(), n);
        assert!(s.units.iter().all(|x| x.id != "qrf"));
        let mut bad = some_unit(&s);
        bad.id = "has space".into();
        assert!(apply(&mut s, &Edit::AddUnit(bad)).unwrap_err().contains("not a valid id"));
    }

    #[test]
    fn task_points_move_and_waypoints_insert_and_delete() {
        let mut s = scn();
        let id = s.units[0].id.clone();
        let a = Loc::Xy { x: 1.0, y: 2.0 };
        let b = Loc::Xy { x: 3.0, y: 4.0 };
        apply(
            &mut s,
            &Edit::SetTask { id: id.clone(), task: Task::Patrol { route: vec![a.clone(), b.clone()], repeat: true } },
        )
        .unwrap();
        let c = Loc::Xy { x: 5.0, y: 6.0 };
        apply(&mut s, &Edit::InsertWaypoint { id: id.clone(), index: 1, at: c.clone() }).unwrap();
        assert_eq!(task_points(&s.units[0].task), vec![&a, &c, &b]);
        apply(&mut s, &Edit::MoveTaskPoint { id: id.clone(), index: 2, to: a.clone() }).unwrap();
        assert_eq!(task_points(&s.units[0].task), vec![&a, &c, &a]);
        apply(&mut s, &Edit::DeleteWaypoint { id: id.clone(), index: 0 }).unwrap();
        assert!(apply(&mut s, &Edit::DeleteWaypoint { id: id.clone(), index: 0 }).is_err(), "two stay");
        assert!(apply(&mut s, &Edit::MoveTaskPoint { id: id.clone(), index: 5, to: a.clone() }).is_err());
        // a blocking position with the pass's own position has no point to move until it is set
        apply(&mut s, &Edit::SetTask { id: id.clone(), task: Task::Block { pass: "p".into(), at: None } }).unwrap();
        assert!(task_points(&s.units[0].task).is_empty());
        assert!(apply(&mut s, &Edit::MoveTaskPoint { id, index: 0, to: a }).is_err());
    }

    #[test]
    fn renaming_a_unit_or_place_renames_its_references() {
        let mut s = scn();
        let place = s.places[0].clone();
        let mut u = some_unit(&s);
        u.id = "x".into();
        u.at = Loc::Place(place.id.clone());
        apply(&mut s, &Edit::AddUnit(u.clone())).unwrap();
        let mut p2 = place.clone();
        p2.id = "renamed".into();
        apply(&mut s, &Edit::SetPlace { id: place.id.clone(), place: p2 }).unwrap();
        assert_eq!(s.units.last().unwrap().at, Loc::Place("renamed".into()));
        let mut u2 = u.clone();
        u2.id = "y".into();
        u2.at = Loc::Place("renamed".into());
        s.triggers.push(Trigger {
            id: "t".into(),
            when: crate::format::schema::Condition::UnitBroken("x".into()),
            delay: None,
            after: None,
            orders: vec![crate::format::schema::Order { unit: "x".into(), task: Task::Reserve { at: None } }],
        });
        apply(&mut s, &Edit::SetUnit { id: "x".into(), unit: u2 }).unwrap();
        let t = s.triggers.last().unwrap();
        assert_eq!(t.orders[0].unit, "y");
        assert_eq!(t.when, crate::format::schema::Condition::UnitBroken("y".into()));
        // deleting the unit takes its orders with it
        apply(&mut s, &Edit::DeleteUnit("y".into())).unwrap();
        assert!(s.triggers.last().unwrap().orders.is_empty());
    }

    /// A task of each kind that refers to unit `unit` and place `place` wherever it can (every
    /// position is `Place(place)`). The match names every kind, so a new one must be added here.
    fn task_naming(kind: crate::format::schema::TaskKind, unit: &str, place: &str) -> Task {
        use crate::format::schema::TaskKind as K;
        let at = || Loc::Place(place.into());
        match kind {
            K::Move => Task::Move { to: at() },
            K::Defend => Task::Defend { at: at() },
            K::Block => Task::Block { pass: place.into(), at: Some(at()) },
            K::Patrol => Task::Patrol { route: vec![at(), at()], repeat: true },
            K::Reserve => Task::Reserve { at: Some(at()) },
            K::Observe => Task::Observe { at: at() },
            K::Infiltrate => Task::Infiltrate {
                objective: place.into(),
                via: vec![place.into()],
                delay: None,
                rally: Some(place.into()),
                rally_wait: None,
            },
            K::Attack => Task::Attack { at: at(), radius_m: 1000.0 },
            K::Pursue => Task::Pursue { unit: unit.into() },
            K::CordonSearch => Task::CordonSearch { village: place.into(), hours: None },
            K::AirAssault => Task::AirAssault { lift: unit.into(), lz: at() },
            K::FireSupport => Task::FireSupport { at: Some(at()), zone: at(), radius_m: 1000.0 },
            K::Ambush => Task::Ambush { at: at(), wait: None },
            K::Withdraw => Task::Withdraw { to: Some(at()) },
        }
    }

    #[test]
    fn renames_reach_every_reference_in_every_task_and_condition() {
        use crate::format::schema::{Condition, ConditionKind, HostageGroup, Order, TaskKind};
        let (old_unit, old_place) = ("old_unit_ref", "old_place_ref");
        let mut s = scn();
        let mut target = some_unit(&s);
        target.id = old_unit.into();
        apply(&mut s, &Edit::AddUnit(target.clone())).unwrap();
        let mut place = s.places[0].clone();
        place.id = old_place.into();
        apply(&mut s, &Edit::AddPlace(place.clone())).unwrap();
        // a unit of every task kind, standing at and falling back to the place
        for (k, kind) in TaskKind::ALL.into_iter().enumerate() {
            let mut u = some_unit(&s);
            u.id = format!("by_task_{k}");
            u.at = Loc::Place(old_place.into());
            u.home = Some(Loc::Place(old_place.into()));
            u.task = task_naming(kind, old_unit, old_place);
            apply(&mut s, &Edit::AddUnit(u)).unwrap();
        }
        s.sides[0].hq = Some(Loc::Place(old_place.into()));
        s.sides[0].contingents[0].hq = Loc::Place(old_place.into());
        s.hostage_groups.push(HostageGroup {
            id: "h".into(),
            name: "h".into(),
            count: 1,
            at: Loc::Place(old_place.into()),
        });
        // a trigger of every condition kind, each with an order of every task kind to the unit
        for (k, kind) in ConditionKind::ALL.into_iter().enumerate() {
            let when = match kind {
                ConditionKind::At => Condition::At("1h".into()),
                ConditionKind::Contact => {
                    Condition::Contact { side: "x".into(), at: Loc::Place(old_place.into()), radius_m: 10.0 }
                }
                ConditionKind::StrengthBelow => Condition::StrengthBelow { side: "x".into(), fraction: 0.5 },
                ConditionKind::UnitBroken => Condition::UnitBroken(old_unit.into()),
                ConditionKind::HostagesTaken => Condition::HostagesTaken { count: 1 },
                ConditionKind::PassCrossed => Condition::PassCrossed { pass: old_place.into(), side: "x".into() },
            };
            assert_eq!(when.kind(), kind);
            let orders = TaskKind::ALL
                .into_iter()
                .map(|t| Order { unit: old_unit.into(), task: task_naming(t, old_unit, old_place) })
                .collect();
            s.triggers.push(Trigger { id: format!("t{k}"), when, delay: None, after: None, orders });
        }
        let quoted = |id: &str| format!("\"{id}\"");
        let text = ron::to_string(&s).unwrap();
        assert!(text.contains(&quoted(old_unit)) && text.contains(&quoted(old_place)));
        target.id = "new_unit_ref".into();
        apply(&mut s, &Edit::SetUnit { id: old_unit.into(), unit: target }).unwrap();
        place.id = "new_place_ref".into();
        apply(&mut s, &Edit::SetPlace { id: old_place.into(), place }).unwrap();
        let text = ron::to_string(&s).unwrap();
        assert!(!text.contains(&quoted(old_unit)), "a reference to the renamed unit was left: {text}");
        assert!(!text.contains(&quoted(old_place)), "a reference to the renamed place was left: {text}");
        for t in &s.triggers[s.triggers.len() - ConditionKind::ALL.len()..] {
            assert_eq!(t.orders.len(), TaskKind::ALL.len());
            assert!(t.orders.iter().all(|o| o.unit == "new_unit_ref"));
        }
    }

    #[test]
    fn weather_timing_and_a_sides_settings_are_edits_too() {
        let start = scn();
        let mut ed = Editor::new(start.clone());
        let mut env = start.environment.clone();
        env.visibility_m = 800.0;
        env.cloud_base_m = Some(1500.0);
        ed.apply(&Edit::SetEnvironment(env.clone())).unwrap();
        let mut meta = start.meta.clone();
        meta.duration = "5d".into();
        ed.apply(&Edit::SetMeta(meta)).unwrap();
        let mut side = start.sides[0].clone();
        side.rules.order_delay_min = 45.0;
        side.contingents[0].readiness_min = 240.0;
        ed.apply(&Edit::SetSide { id: side.id.clone(), side: side.clone() }).unwrap();
        assert_eq!(ed.scenario.environment, env);
        assert_eq!(ed.scenario.meta.duration, "5d");
        assert_eq!(ed.scenario.sides[0].contingents[0].readiness_min, 240.0);
        let mut renamed = side.clone();
        renamed.contingents[0].id = "other".into();
        assert!(ed.apply(&Edit::SetSide { id: side.id.clone(), side: renamed }).is_err());
        for _ in 0..3 {
            ed.undo().unwrap();
        }
        assert_eq!(*ed.scenario, start);
    }

    #[test]
    fn undo_and_redo_walk_the_history_exactly() {
        let start = scn();
        let mut ed = Editor::new(start.clone());
        assert!(ed.undo().is_none());
        let id = start.units[0].id.clone();
        ed.apply(&Edit::MoveUnit { id: id.clone(), to: Loc::Xy { x: 10.0, y: 10.0 } }).unwrap();
        let after_move = ed.scenario.clone();
        ed.apply(&Edit::DeleteUnit(id.clone())).unwrap();
        let after_delete = ed.scenario.clone();
        assert!(ed.dirty());
        assert_eq!(ed.can_undo(), Some(format!("delete {id}").as_str()));
        assert_eq!(ed.undo().as_deref(), Some(format!("delete {id}").as_str()));
        assert_eq!(ed.scenario, after_move);
        ed.undo().unwrap();
        assert_eq!(*ed.scenario, start);
        assert!(!ed.dirty());
        ed.redo().unwrap();
        ed.redo().unwrap();
        assert_eq!(ed.scenario, after_delete);
        assert!(ed.redo().is_none());
        // a new edit after undoing drops the redo list
        ed.undo().unwrap();
        ed.apply(&Edit::RotateUnit { id, facing_deg: Some(45.0) }).unwrap();
        assert!(ed.can_redo().is_none());
        // a failed edit is not recorded
        assert!(ed.apply(&Edit::DeleteUnit("nope".into())).is_err());
        assert_eq!(ed.undo().as_deref().map(|l| l.starts_with("rotate")), Some(true));
    }

    #[test]
    fn a_run_of_form_edits_on_one_thing_is_one_undo_step() {
        let start = scn();
        let mut ed = Editor::new(start.clone());
        let id = start.units[0].id.clone();
        let mut u = start.units[0].clone();
        for s in [11, 12, 13] {
            u.strength = s;
            ed.apply(&Edit::SetUnit { id: id.clone(), unit: u.clone() }).unwrap();
        }
        // another thing, then the same unit again: separate steps
        ed.apply(&Edit::MoveUnit { id: id.clone(), to: Loc::Xy { x: 5.0, y: 5.0 } }).unwrap();
        u.strength = 14;
        u.at = Loc::Xy { x: 5.0, y: 5.0 };
        ed.apply(&Edit::SetUnit { id: id.clone(), unit: u.clone() }).unwrap();
        ed.undo().unwrap();
        assert_eq!(ed.scenario.units[0].strength, 13);
        ed.undo().unwrap();
        ed.undo().unwrap();
        assert_eq!(*ed.scenario, start, "three strength changes were one step");
        assert!(ed.undo().is_none());
    }
}
