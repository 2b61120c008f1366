//! Command and control (Orders phase): joint doctrine commits reserves to reported enemies.
//!
//! Owns: the chain from a contact report to a reserve on the move. When a contact reaches a
//! side's headquarters (its first report arrives: `Rules::report_delay_min` after the first
//! sighting), the headquarters of the observer's contingent commits its nearest uncommitted
//! ground reserve (a unit with task `Reserve`, in place and fighting) to the contact's
//! estimated position. If the contingent has no reserve, it asks the contingent of the side
//! whose reserve is nearest, paying the liaison delay for that pair (`liaison`, else
//! `Rules::liaison_min`). The order takes `Rules::order_delay_min` to reach the unit, which
//! moves after its contingent's `readiness_min`, makes for the contact's latest estimated
//! position and holds there, fighting under its rules of engagement. A headquarters with a
//! known enemy within 2 km of it is disrupted: its order and liaison delays double. Each step
//! is an `order` event with sender, receiver and delay.
//!
//! Must not: read the ground truth — only the side's picture and its own units.

use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::*;

use super::SimSystems;
use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog};
use super::setup::{TerrainRes, Theatre};
use super::sun::Light;
use crate::scenario::schema::{Category, Mobility, UnitType};
use crate::terrain::Terrain;
use crate::terrain::geom::{self, P2};
use crate::terrain::nav::MoveProfile;

/// Distance within which a known enemy disrupts a headquarters, metres.
pub const HQ_DISRUPTION_M: f64 = 2000.0;
/// Seconds to load a helicopter lift (E).
pub const LOAD_S: u64 = 900;
/// Distance short of a contact at which an air assault lands, tried in this order, metres (E).
pub const LZ_SHORT_M: [f64; 5] = [2000.0, 1500.0, 2500.0, 3000.0, 1000.0];
/// Farthest a lift may be from the troops it carries, metres.
pub const LIFT_REACH_M: f64 = 3000.0;

/// A planned helicopter lift: the unit is on the ground at `lz` when the last wave lands,
/// which moving at `speed` (m/s) from the moment it moves achieves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lift {
    /// Landing zone.
    pub lz: P2,
    /// Effective speed of the unit, m/s.
    pub speed: f64,
    /// Waves.
    pub waves: u32,
    /// Seconds from the unit moving to the last wave landing.
    pub total_s: u64,
    /// Seconds the helicopters are busy (to their last return).
    pub busy_s: u64,
}

/// An order on its way to a unit.
#[derive(Debug, Clone)]
struct Pending {
    /// When the unit moves (order arrival plus readiness), sim seconds.
    moves_at: u64,
    /// The unit.
    unit: Entity,
    /// Contact uid it is sent against.
    target: u64,
    /// Side of the unit.
    side: usize,
    /// Where the contact was believed to be when the order was given.
    aim: P2,
    /// Flown there by helicopter.
    lift: Option<Lift>,
}

/// The state of command and control.
#[derive(Resource, Debug, Default)]
pub struct Command {
    handled: BTreeSet<(usize, u64)>,
    committed: BTreeSet<u64>,
    pending: Vec<Pending>,
    /// Helicopter units (uid) busy with a lift until the given time.
    busy: BTreeMap<u64, u64>,
}

/// The liaison delay from one contingent to another, seconds.
pub fn liaison_s(th: &Theatre, from: &str, to: &str, side: usize) -> u64 {
    let scn = &th.loaded.scenario;
    let min = scn
        .liaison
        .iter()
        .find(|l| l.from == from && l.to == to)
        .map(|l| l.delay_min)
        .unwrap_or(scn.sides[side].rules.liaison_min);
    (min * 60.0).round() as u64
}

/// Plans a lift of `n` troops from `from` towards a contact at `aim` with helicopters of type
/// `heli` carrying `capacity` troops a wave; `None` when the light, weather, ground or ceiling
/// forbid it.
pub fn plan_lift(
    th: &Theatre,
    light: Light,
    ter: &Terrain,
    heli: &UnitType,
    capacity: u32,
    from: P2,
    n: u32,
    aim: P2,
    prof: &MoveProfile,
) -> Option<Lift> {
    let env = &th.loaded.scenario.environment;
    let cruise = heli.movement.cruise_kmh / 3.6;
    let ceiling = heli.movement.ceiling_m;
    if light != Light::Day || env.visibility_m < 3000.0 || cruise <= 0.0 || capacity == 0 {
        return None;
    }
    let d = geom::dist(from, aim);
    let lz = LZ_SHORT_M.iter().filter(|&&short| d > short + 500.0).find_map(|&short| {
        let f = (d - short) / d;
        let p = (from.0 + (aim.0 - from.0) * f, from.1 + (aim.1 - from.1) * f);
        let k = ter.index_at(p)?;
        let under_cloud = env.cloud_base_m.is_none_or(|cb| cb - ter.elevation_at(p) >= 300.0);
        let below_ceiling = crate::scenario::highest_on_line(ter, from, p) + 150.0 <= ceiling;
        (prof.passable(ter, k) && under_cloud && below_ceiling).then_some(p)
    })?;
    let waves = n.div_ceil(capacity);
    let dist = geom::dist(from, lz);
    let flight = dist / cruise;
    let total = LOAD_S as f64 + (2 * waves - 1) as f64 * flight;
    let total_s = total.round() as u64;
    Some(Lift { lz, speed: dist / (total_s.max(1) as f64), waves, total_s, busy_s: (total + flight).round() as u64 })
}

/// What the command system needs of a unit.
#[derive(Clone, Copy)]
struct Avail {
    e: Entity,
    uid: u64,
    side: usize,
    contingent: usize,
    pos: P2,
    /// An uncommitted ground reserve.
    reserve: bool,
    /// Troops a wave, when an available transport helicopter unit.
    lift: u32,
    active: u32,
    profile: usize,
    ty: usize,
    index: usize,
}

fn command(
    clock: Res<Clock>,
    th: Res<Theatre>,
    terrain: Res<TerrainRes>,
    pics: Res<Pictures>,
    mut cmd: ResMut<Command>,
    mut log: ResMut<EventLog>,
    mut q: Query<(Entity, &UnitInfo, &Position, &Personnel, &Combat, &mut Orders, &mut Mover)>,
) {
    let t = clock.t;
    // orders whose unit now moves
    let due: Vec<Pending> = {
        let (due, later): (Vec<Pending>, Vec<Pending>) = cmd.pending.drain(..).partition(|p| p.moves_at <= t);
        cmd.pending = later;
        due
    };
    for p in due {
        let Ok((_, _, pos, pers, combat, mut orders, mut mover)) = q.get_mut(p.unit) else { continue };
        if pers.active == 0 || combat.status != Status::Fighting {
            continue;
        }
        mover.request = None;
        if let Some(lift) = p.lift {
            // flown to the landing zone: a straight route at the lift's effective speed
            orders.task = TaskRt::Hold { at: lift.lz, pass: None, observe: false };
            orders.phase = Phase::Moving;
            mover.route = Some(ActiveRoute {
                points: vec![pos.0, lift.lz],
                cells: vec![u32::MAX, u32::MAX],
                next: 1,
                passes: vec![],
                seg_speed: None,
                wait_s: 0.0,
            });
            mover.carried = Some(lift.speed);
            continue;
        }
        let aim = pics.sides[p.side].get(&p.target).map(|c| c.est).unwrap_or(p.aim);
        orders.task = TaskRt::Hold { at: aim, pass: None, observe: false };
        orders.phase = Phase::Start;
        mover.route = None;
    }
    // contacts newly known at their side's headquarters
    let mut fresh: Vec<(usize, u64)> = Vec::new();
    for (si, picture) in pics.sides.iter().enumerate() {
        for (uid, c) in picture {
            if t >= c.known_at && !cmd.handled.contains(&(si, *uid)) {
                fresh.push((si, *uid));
            }
        }
    }
    if fresh.is_empty() {
        return;
    }
    let units: Vec<Avail> = q
        .iter()
        .map(|(e, i, p, pe, c, o, _)| {
            let ready = matches!(o.task, TaskRt::Reserve { .. })
                && o.phase == Phase::InPlace
                && c.status == Status::Fighting
                && pe.active > 0;
            let ty = &th.types[i.unit_type];
            let reserve = ready
                && th.profiles[i.profile].on_ground()
                && ty.category != Category::Headquarters
                && !cmd.committed.contains(&i.uid);
            let lift = if ready && ty.mobility == Mobility::Rotary && cmd.busy.get(&i.uid).is_none_or(|&b| b <= t) {
                ty.capacity.troops * i.vehicles
            } else {
                0
            };
            Avail {
                e,
                uid: i.uid,
                side: i.side,
                contingent: i.contingent,
                pos: p.0,
                reserve,
                lift,
                active: pe.active,
                profile: i.profile,
                ty: i.unit_type,
                index: i.index,
            }
        })
        .collect();
    for (si, uid) in fresh {
        let c = &pics.sides[si][&uid];
        let owner = c.seen_by.first().and_then(|o| units.iter().find(|u| u.uid == *o)).map(|u| u.contingent);
        let Some(owner) = owner.or_else(|| th.contingents.iter().position(|k| k.side == si)) else { continue };
        let nearest = |own: bool| {
            units
                .iter()
                .filter(|u| {
                    u.side == si && u.reserve && !cmd.committed.contains(&u.uid) && (u.contingent == owner) == own
                })
                .min_by(|a, b| geom::dist(a.pos, c.est).total_cmp(&geom::dist(b.pos, c.est)).then(a.uid.cmp(&b.uid)))
                .copied()
        };
        let Some(reserve) = nearest(true).or_else(|| nearest(false)) else { continue };
        let rules = &th.loaded.scenario.sides[si].rules;
        let owner_id = th.contingents[owner].id.clone();
        let hq =
            th.loaded.scenario.sides[si].contingents.iter().find(|k| k.id == owner_id).map(|k| th.loaded.xy(&k.hq));
        let disrupted = hq.is_some_and(|h| {
            pics.sides[si].values().any(|k| t >= k.known_at && geom::dist(k.est, h) <= HQ_DISRUPTION_M)
        });
        let factor = if disrupted { 2 } else { 1 };
        let mut delay = (rules.order_delay_min * 60.0).round() as u64 * factor;
        let tasking = th.contingents[reserve.contingent].id.clone();
        let order = |log: &mut EventLog, from: String, to: String, task: String, delay_s: u64, readiness_s: u64| {
            log.push(t, EventKind::Order { from, to, task, about: c.unit.clone(), delay_s, readiness_s, disrupted });
        };
        if reserve.contingent != owner {
            let liaison = liaison_s(&th, &owner_id, &tasking, si) * factor;
            order(&mut log, format!("{owner_id} HQ"), format!("{tasking} HQ"), "request a reserve".into(), liaison, 0);
            delay += liaison;
        }
        let readiness = th.loaded.scenario.sides[si]
            .contingents
            .iter()
            .find(|k| k.id == tasking)
            .map(|k| (k.readiness_min * 60.0).round() as u64)
            .unwrap_or(0);
        let moves_at = t + delay + readiness;
        let name = |u: &Avail| th.unit_ids[u.index].clone();
        // fly it there when a lift is at hand and the light, weather and ceiling allow; at
        // night, wait for first light when flying then still beats walking
        let prof = &th.profiles[reserve.profile];
        let mut moves_at = moves_at;
        let lift = if prof.mobility == Mobility::Foot {
            units
                .iter()
                .filter(|h| {
                    h.side == si
                        && h.lift > 0
                        && cmd.busy.get(&h.uid).is_none_or(|&b| b <= t)
                        && geom::dist(h.pos, reserve.pos) <= LIFT_REACH_M
                })
                .max_by(|a, b| a.lift.cmp(&b.lift).then(b.uid.cmp(&a.uid)))
                .and_then(|h| {
                    let plan = |light| {
                        plan_lift(
                            &th,
                            light,
                            &terrain.0,
                            &th.types[h.ty],
                            h.lift,
                            reserve.pos,
                            reserve.active,
                            c.est,
                            prof,
                        )
                    };
                    if let Some(l) = plan(clock.light) {
                        return Some((*h, l, moves_at));
                    }
                    if clock.light == Light::Day {
                        return None;
                    }
                    let dawn = clock.next_daylight(moves_at)?;
                    let l = plan(Light::Day)?;
                    // walking, as the staff estimate it: Naismith on the straight line, off paths
                    let walk_s = crate::sim::bands::naismith_h(geom::dist(reserve.pos, c.est), 0.0) * 3600.0
                        / crate::terrain::nav::OFF_PATH;
                    (dawn + l.total_s < moves_at + walk_s as u64).then_some((*h, l, dawn))
                })
        } else {
            None
        };
        let lift = lift.map(|(h, l, at)| {
            moves_at = at;
            (h, l)
        });
        // handled once a reserve is on its way; a contact no reserve could answer is looked at
        // again while it stays in the picture
        cmd.handled.insert((si, uid));
        cmd.committed.insert(reserve.uid);
        if let Some((h, l)) = lift {
            cmd.busy.insert(h.uid, moves_at + l.busy_s);
            let km = geom::dist(l.lz, c.est) / 1000.0;
            order(
                &mut log,
                format!("{tasking} HQ"),
                name(&h),
                format!(
                    "lift {} to a landing zone {km:.1} km short of the contact in {} wave(s)",
                    name(&reserve),
                    l.waves
                ),
                delay,
                readiness,
            );
            order(
                &mut log,
                format!("{tasking} HQ"),
                name(&reserve),
                format!(
                    "air assault{}: on the ground {} s after moving, then hold and engage",
                    if moves_at > t + delay + readiness {
                        format!(" at first light (moving {} s after the order)", moves_at - t)
                    } else {
                        String::new()
                    },
                    l.total_s
                ),
                delay,
                readiness,
            );
            cmd.pending.push(Pending { moves_at, unit: reserve.e, target: uid, side: si, aim: c.est, lift: Some(l) });
        } else {
            order(
                &mut log,
                format!("{tasking} HQ"),
                name(&reserve),
                "move to the contact and engage".into(),
                delay,
                readiness,
            );
            cmd.pending.push(Pending { moves_at, unit: reserve.e, target: uid, side: si, aim: c.est, lift: None });
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Command>().add_systems(super::SimTick, command.in_set(SimSystems::Orders));
}
