//! Route planning for every unit that asked for a route this tick (Decide phase).
//!
//! Requests are collected in query order (fixed for a scenario), planned independently — in
//! parallel on the run's thread pool when it has more than one thread — and applied in the
//! same order, so the thread count never changes a result.

use std::cell::RefCell;
use std::sync::Arc;

use bevy::prelude::*;
use rayon::prelude::*;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog, m, r2};
use super::theatre::{TerrainRes, Theatre};
use crate::format::schema::Posture;
use crate::terrain::Terrain;
use crate::terrain::geom::{self, P2};
use crate::terrain::nav::{MoveProfile, NoRoute, Workspace};

/// The planner's thread pool (`None`: plan on the calling thread).
#[derive(Resource, Clone, Default)]
pub struct Planner {
    /// Pool for parallel planning.
    pub pool: Option<Arc<rayon::ThreadPool>>,
}

thread_local! {
    static WORKSPACE: RefCell<Workspace> = RefCell::new(Workspace::default());
}

/// Plans a multi-leg route for a profile from `start`.
pub fn plan(
    terrain: &Terrain,
    prof: &MoveProfile,
    start: P2,
    req: &RouteRequest,
) -> Result<(ActiveRoute, f64), NoRoute> {
    let mut points = vec![start];
    let mut cells = vec![terrain.index_at(start).map(|k| k as u32).unwrap_or(u32::MAX)];
    let mut passes = Vec::new();
    let mut time = 0.0;
    let mut from = start;
    for &(to, pass) in &req.legs {
        if prof.on_ground() {
            let route = WORKSPACE.with(|ws| terrain.route(prof, from, to, &mut ws.borrow_mut()))?;
            time += route.time_s;
            // skip the leg's first cell (it is where the previous leg ended)
            for &c in route.cells.iter().skip(1) {
                points.push(terrain.centre(c as usize));
                cells.push(c);
            }
            // end exactly on the requested point, which lies in the last cell
            if let Some(last) = points.last_mut()
                && route.cells.len() > 1
            {
                *last = to;
            }
        } else {
            points.push(to);
            cells.push(u32::MAX);
        }
        if let Some(p) = pass {
            passes.push((points.len() - 1, p));
        }
        from = to;
    }
    Ok((ActiveRoute { points, cells, next: 1, passes, seg_speed: None, wait_s: 0.0 }, time))
}

pub(super) fn plan_routes(
    clock: Res<Clock>,
    th: Res<Theatre>,
    terrain: Res<TerrainRes>,
    planner: Res<Planner>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &mut Orders, &mut Mover, &mut Stance)>,
) {
    let jobs: Vec<(usize, P2, RouteRequest)> = q
        .iter()
        .filter_map(|(info, pos, _, mover, _)| mover.request.clone().map(|r| (info.profile, pos.0, r)))
        .collect();
    if jobs.is_empty() {
        return;
    }
    let t = &*terrain.0;
    let run = |(pi, start, req): &(usize, P2, RouteRequest)| plan(t, &th.profiles[*pi], *start, req);
    let results: Vec<_> = match &planner.pool {
        Some(pool) if jobs.len() > 1 => pool.install(|| jobs.par_iter().map(run).collect()),
        _ => jobs.iter().map(run).collect(),
    };
    let mut results = results.into_iter();
    let now = clock.t;
    for (info, pos, mut orders, mut mover, mut stance) in &mut q {
        if mover.request.take().is_none() {
            continue;
        }
        let Some(result) = results.next() else { break };
        match result {
            Ok((route, time_s)) => {
                let goal = route.points.last().copied().unwrap_or(pos.0);
                let length: f64 = geom::length(&route.points);
                let prof = &th.profiles[info.profile];
                let planned = if prof.on_ground() {
                    time_s
                } else {
                    length / (th.types[info.unit_type].movement.cruise_kmh / 3.6).max(0.1)
                };
                log.push(
                    now,
                    EventKind::RoutePlanned {
                        unit: info.id.clone(),
                        to_x: m(goal.0),
                        to_y: m(goal.1),
                        length_km: r2(length / 1000.0),
                        planned_h: r2(planned / 3600.0),
                    },
                );
                mover.route = Some(route);
                orders.phase = Phase::Moving;
                stance.posture = Posture::Moving;
                stance.dig_s = 0.0;
            }
            Err(e) => {
                log.push(now, EventKind::RouteFailed { unit: info.id.clone(), reason: e.to_string() });
                orders.phase = match orders.task {
                    TaskRt::Infiltrate { .. } => Phase::Done,
                    _ => Phase::InPlace,
                };
            }
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Planner>();
}
