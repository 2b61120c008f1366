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

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog};
use super::sun::Light;
use super::theatre::{TerrainRes, Theatre};
use crate::format::schema::{Category, Condition, Mobility, UnitType};
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

/// What an order on its way tells a unit to do.
#[derive(Debug, Clone)]
enum Directive {
    /// Go for a contact (uid) believed at `aim` when the order was given, on foot or flown
    /// (by the helicopter unit `heli`).
    Engage { target: u64, aim: P2, lift: Option<Lift>, heli: Option<u64> },
    /// Take up a new task (a trigger's order).
    Assign(TaskRt),
}

/// An order on its way to a unit.
#[derive(Debug, Clone)]
struct Pending {
    /// When the unit moves (order arrival plus readiness), sim seconds.
    moves_at: u64,
    /// The unit.
    unit: Entity,
    /// Side of the unit.
    side: usize,
    /// The order.
    what: Directive,
}

/// The state of command and control.
#[derive(Resource, Debug, Default)]
pub struct Command {
    handled: BTreeSet<(usize, u64)>,
    /// Contacts whose report has gone on to the joint headquarters.
    reported: BTreeSet<(usize, u64)>,
    committed: BTreeSet<u64>,
    pending: Vec<Pending>,
    /// Helicopter units (uid) busy with a lift until the given time.
    busy: BTreeMap<u64, u64>,
}

/// A trigger at run time: the scenario's (or an inject's) definition, its times parsed once,
/// and its state.
#[derive(Debug, Clone)]
pub struct TriggerRt {
    /// The definition.
    pub def: crate::format::schema::Trigger,
    /// Its condition, compiled.
    pub when: When,
    /// Its orders: (unit spawn index, task), those whose unit exists.
    pub orders: Vec<(usize, crate::format::schema::Task)>,
    /// Its delay, seconds.
    pub delay: u64,
    /// It cannot fire before this time, sim seconds.
    pub after: u64,
    /// Held by the exercise control: it does not fire while held.
    pub held: bool,
    /// Fired by the exercise control: it fires at the next look, whatever its condition.
    pub forced: bool,
    /// It has fired (a trigger fires once).
    pub fired: bool,
    /// When its condition first held.
    pub met_at: Option<u64>,
    /// Added during play (an inject), not in the scenario.
    pub injected: bool,
}

/// A trigger's condition with its references resolved: sides, places and units as indices,
/// the area's centre in the local frame, times in seconds. A reference to nothing (possible
/// only in an inject the checks let through) is `None`, and the condition never holds.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    /// At this sim time, seconds.
    At(Option<u64>),
    /// The side knows an enemy within `radius_m` of `centre`.
    Contact { side: Option<usize>, centre: P2, radius_m: f64 },
    /// The side's personnel in the fight are at or below `fraction` of its start.
    StrengthBelow { side: Option<usize>, fraction: f64 },
    /// The unit (spawn index) broke, surrendered or lost all its people.
    UnitBroken(Option<usize>),
    /// At least this many hostages taken in the run.
    HostagesTaken(u64),
    /// A unit of the side crossed the pass (place index).
    PassCrossed { pass: Option<usize>, side: Option<usize> },
}

impl When {
    /// Compiles a condition against the theatre.
    pub fn compile(c: &Condition, th: &Theatre) -> When {
        use crate::format::duration::parse_duration;
        match c {
            Condition::At(d) => When::At(parse_duration(d).ok()),
            Condition::Contact { side, at, radius_m } => {
                When::Contact { side: th.side_index(side), centre: th.xy(at), radius_m: *radius_m }
            }
            Condition::StrengthBelow { side, fraction } => {
                When::StrengthBelow { side: th.side_index(side), fraction: *fraction }
            }
            Condition::UnitBroken(u) => When::UnitBroken(th.unit_index(u)),
            Condition::HostagesTaken { count } => When::HostagesTaken(*count as u64),
            Condition::PassCrossed { pass, side } => {
                When::PassCrossed { pass: th.place_index(pass), side: th.side_index(side) }
            }
        }
    }
}

impl TriggerRt {
    /// A trigger as defined, compiled against the theatre (its durations were checked when
    /// the scenario or inject was).
    pub fn new(def: crate::format::schema::Trigger, injected: bool, th: &Theatre) -> TriggerRt {
        use crate::format::duration::parse_duration;
        let secs = |d: &Option<String>| d.as_deref().and_then(|d| parse_duration(d).ok()).unwrap_or(0);
        TriggerRt {
            when: When::compile(&def.when, th),
            orders: def.orders.iter().filter_map(|o| Some((th.unit_index(&o.unit)?, o.task.clone()))).collect(),
            delay: secs(&def.delay),
            after: secs(&def.after),
            def,
            held: false,
            forced: false,
            fired: false,
            met_at: None,
            injected,
        }
    }
}

/// The triggers of the run: the scenario's, then the injects, in the order added.
#[derive(Resource, Debug, Clone, Default)]
pub struct Triggers {
    /// Every trigger.
    pub list: Vec<TriggerRt>,
}

impl Triggers {
    /// The scenario's triggers, compiled, none fired.
    pub fn compile(defs: &[crate::format::schema::Trigger], th: &Theatre) -> Triggers {
        Triggers { list: defs.iter().map(|t| TriggerRt::new(t.clone(), false, th)).collect() }
    }

    /// The trigger of this id.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut TriggerRt> {
        self.list.iter_mut().find(|t| t.def.id == id)
    }
}

impl Command {
    /// Queues an order; a later order to the same unit replaces one not yet carried out.
    fn push(&mut self, p: Pending) {
        // a lift booked for the replaced order is released
        for q in self.pending.iter().filter(|q| q.unit == p.unit) {
            if let Directive::Engage { heli: Some(h), .. } = q.what {
                self.busy.remove(&h);
            }
        }
        self.pending.retain(|q| q.unit != p.unit);
        self.pending.push(p);
    }
}

/// Plans a lift of `n` troops from `from` to the landing zone `lz` with helicopters of type
/// `heli` carrying `capacity` troops a wave; the reason when the light, weather or ceiling
/// forbid it.
pub fn lift_to(
    th: &Theatre,
    light: Light,
    ter: &Terrain,
    heli: &UnitType,
    capacity: u32,
    from: P2,
    n: u32,
    lz: P2,
) -> Result<Lift, &'static str> {
    let env = &th.environment;
    let cruise = heli.movement.cruise_kmh / 3.6;
    if cruise <= 0.0 || capacity == 0 {
        return Err("the helicopters have no seats");
    }
    if light != Light::Day {
        return Err("helicopter lifts fly by day");
    }
    if env.visibility_m < 3000.0 {
        return Err("visibility under 3 km");
    }
    if env.cloud_base_m.is_some_and(|cb| cb - ter.elevation_at(lz) < 300.0) {
        return Err("the landing zone is within 300 m of the cloud base");
    }
    if ter.flight_blocked(from, lz, heli.movement.ceiling_m).is_some() {
        return Err("the flight would cross ground above the helicopters' ceiling");
    }
    let waves = n.div_ceil(capacity);
    let dist = geom::dist(from, lz);
    let flight = dist / cruise;
    let total = LOAD_S as f64 + (2 * waves - 1) as f64 * flight;
    let total_s = total.round() as u64;
    Ok(Lift { lz, speed: dist / (total_s.max(1) as f64), waves, total_s, busy_s: (total + flight).round() as u64 })
}

/// Plans a lift of `n` troops from `from` towards a contact at `aim`: the landing zone is the
/// first of `LZ_SHORT_M` short of the contact on passable ground that `lift_to` allows; `None`
/// when none does.
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
    let d = geom::dist(from, aim);
    LZ_SHORT_M.iter().filter(|&&short| d > short + 500.0).find_map(|&short| {
        let f = (d - short) / d;
        let p = (from.0 + (aim.0 - from.0) * f, from.1 + (aim.1 - from.1) * f);
        let k = ter.index_at(p)?;
        if !prof.passable(ter, k) {
            return None;
        }
        lift_to(th, light, ter, heli, capacity, from, n, p).ok()
    })
}

/// Sends a unit flying by helicopter from `from` to the landing zone `lz` along the straight
/// line at `speed` (m/s, the lift's effective speed), to hold there on landing.
fn fly(orders: &mut Orders, mover: &mut Mover, from: P2, lz: P2, speed: f64) {
    orders.task = TaskRt::Hold { at: lz, pass: None, observe: false };
    orders.phase = Phase::Moving;
    mover.request = None;
    mover.route = Some(ActiveRoute {
        points: vec![from, lz],
        cells: vec![u32::MAX, u32::MAX],
        next: 1,
        passes: vec![],
        seg_speed: None,
        wait_s: 0.0,
    });
    mover.carried = Some(speed);
}

/// Air assaults given as tasks (Orders phase): when the lift is free and the light, weather
/// and ceiling allow, the unit is flown from where it stands to its landing zone in as many
/// waves as the seats need (the helicopters first fly to it from their base), then holds
/// there; otherwise it waits, and the log says why once.
pub(super) fn air_assault(
    clock: Res<Clock>,
    th: Res<Theatre>,
    terrain: Res<TerrainRes>,
    mut cmd: ResMut<Command>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &Personnel, &Combat, &mut Orders, &mut Mover)>,
) {
    let t = clock.t;
    if !q.iter().any(|(.., o, _)| matches!(o.task, TaskRt::AirAssault { .. }) && o.phase == Phase::Start) {
        return;
    }
    let lifts: Vec<(u64, P2, u32, usize, bool, String)> = q
        .iter()
        .filter(|(i, ..)| th.types[i.unit_type].mobility == Mobility::Rotary)
        .map(|(i, p, pe, c, ..)| {
            let ty = &th.types[i.unit_type];
            let fit = pe.active > 0 && c.status == Status::Fighting;
            (i.uid, p.0, ty.capacity.troops * i.vehicles, i.unit_type, fit, i.id.clone())
        })
        .collect();
    for (info, pos, pers, combat, mut orders, mut mover) in &mut q {
        let TaskRt::AirAssault { lift, lz, waiting } = orders.task else { continue };
        if orders.phase != Phase::Start || pers.active == 0 || combat.status != Status::Fighting {
            continue;
        }
        let Some(h) = lifts.iter().find(|h| h.0 == lift) else { continue };
        let heli = &th.types[h.3];
        let why = if !h.4 {
            Err("the helicopters are out of action")
        } else if cmd.busy.get(&lift).is_some_and(|&b| b > t) {
            Err("the helicopters are busy with another lift")
        } else {
            lift_to(&th, clock.light, &terrain.0, heli, h.2, pos.0, pers.active, lz)
        };
        let l = match why {
            Ok(l) => l,
            Err(reason) => {
                if !waiting {
                    log.push(
                        t,
                        EventKind::Tactic {
                            unit: info.id.clone(),
                            action: format!("waits for its lift: {reason}"),
                            about: Some(h.5.clone()),
                        },
                    );
                    if let TaskRt::AirAssault { waiting, .. } = &mut orders.task {
                        *waiting = true;
                    }
                }
                continue;
            }
        };
        // the helicopters fly from their base to the pick-up first
        let ferry_s = (geom::dist(h.1, pos.0) / (heli.movement.cruise_kmh / 3.6)).round() as u64;
        let total_s = l.total_s + ferry_s;
        let speed = geom::dist(pos.0, lz) / total_s.max(1) as f64;
        cmd.busy.insert(lift, t + l.busy_s + 2 * ferry_s);
        cmd.committed.insert(info.uid);
        log.push(
            t,
            EventKind::Order {
                from: format!("{} HQ", th.contingents[info.contingent].id),
                to: h.5.clone(),
                task: format!(
                    "lift {} ({} men) to its landing zone in {} wave(s); on the ground in {} s",
                    info.id, pers.active, l.waves, total_s
                ),
                about: info.id.clone(),
                delay_s: 0,
                readiness_s: 0,
                disrupted: false,
            },
        );
        fly(&mut orders, &mut mover, pos.0, lz, speed);
    }
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

pub(super) fn command(
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
        let Ok((_, info, pos, pers, combat, mut orders, mut mover)) = q.get_mut(p.unit) else { continue };
        if pers.active == 0 || combat.status != Status::Fighting {
            continue;
        }
        mover.request = None;
        let (target, aim, lift) = match p.what {
            Directive::Assign(task) => {
                // a new task from a trigger: a unit leaving reserve is committed, one put back
                // in reserve is free again
                if matches!(task, TaskRt::Reserve { .. }) {
                    cmd.committed.remove(&info.uid);
                } else {
                    cmd.committed.insert(info.uid);
                }
                orders.task = task;
                orders.phase = Phase::Start;
                mover.route = None;
                mover.carried = None;
                continue;
            }
            Directive::Engage { target, aim, lift, .. } => (target, aim, lift),
        };
        if let Some(lift) = lift {
            // flown to the landing zone: a straight route at the lift's effective speed
            fly(&mut orders, &mut mover, pos.0, lift.lz, lift.speed);
            continue;
        }
        let aim = pics.sides[p.side].get(&target).map(|c| c.est).unwrap_or(aim);
        orders.task = TaskRt::Hold { at: aim, pass: None, observe: false };
        orders.phase = Phase::Start;
        mover.route = None;
    }
    // contacts newly known at their side's headquarters: the report goes on to the joint
    // headquarters, and the owner's headquarters looks for a reserve to send
    let mut fresh: Vec<(usize, u64)> = Vec::new();
    let mut supporters: Option<Vec<(usize, P2, f64)>> = None;
    for (si, picture) in pics.sides.iter().enumerate() {
        for (uid, c) in picture {
            if t >= c.known_at && cmd.reported.insert((si, *uid)) {
                // fire and air support the owner lacks is requested from the other
                // contingents that have it; they answer after the liaison delay
                let sup = supporters.get_or_insert_with(|| {
                    q.iter()
                        .filter(|(_, _, _, pe, co, ..)| pe.active > 0 && co.status == Status::Fighting)
                        .filter_map(|(_, i, p, ..)| {
                            let ty = &th.types[i.unit_type];
                            let strike = ty.air.is_some()
                                && ty.weapons.iter().any(|w| w.kind == crate::format::schema::WeaponKind::AirToGround);
                            let reach = ty
                                .weapons
                                .iter()
                                .filter(|w| super::fires::is_indirect(w.kind))
                                .map(|w| w.max_range_m)
                                .fold(if strike { f64::INFINITY } else { 0.0 }, f64::max);
                            (reach > 0.0).then_some((i.contingent, p.0, reach))
                        })
                        .collect()
                });
                let can = |k: usize| sup.iter().any(|s| s.0 == k && geom::dist(s.1, c.est) <= s.2);
                if !can(c.owner) {
                    let helpers: BTreeSet<usize> = (0..th.contingents.len())
                        .filter(|&k| k != c.owner && th.contingents[k].side == si && can(k))
                        .collect();
                    for k in helpers {
                        log.push(
                            t,
                            EventKind::Order {
                                from: format!("{} HQ", th.contingents[c.owner].id),
                                to: format!("{} HQ", th.contingents[k].id),
                                task: "request fire support".into(),
                                about: c.unit.clone(),
                                delay_s: th.liaison_s[c.owner][k],
                                readiness_s: 0,
                                disrupted: false,
                            },
                        );
                    }
                }
                log.push(
                    t,
                    EventKind::Report {
                        from: format!("{} HQ", th.contingents[c.owner].id),
                        to: format!("{} joint HQ", th.sides[si]),
                        about: c.unit.clone(),
                        delay_s: c.shared_at - c.known_at,
                    },
                );
            }
            if t >= c.known_at && !cmd.handled.contains(&(si, *uid)) {
                fresh.push((si, *uid));
            }
        }
    }
    if fresh.is_empty() {
        return;
    }
    // units with an order already on its way (sorted, for a quick look-up)
    let mut pending: Vec<Entity> = cmd.pending.iter().map(|p| p.unit).collect();
    pending.sort_unstable();
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
                && !cmd.committed.contains(&i.uid)
                && pending.binary_search(&e).is_err();
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
    // the reserves of each side (those committed on the way are skipped below)
    let reserves: Vec<Vec<&Avail>> =
        (0..th.sides.len()).map(|si| units.iter().filter(|u| u.side == si && u.reserve).collect()).collect();
    for (si, uid) in fresh {
        let c = &pics.sides[si][&uid];
        let owner = c.owner;
        let nearest = |own: bool| {
            reserves[si]
                .iter()
                .copied()
                .filter(|u| {
                    u.side == si && u.reserve && !cmd.committed.contains(&u.uid) && (u.contingent == owner) == own
                })
                .min_by(|a, b| geom::dist(a.pos, c.est).total_cmp(&geom::dist(b.pos, c.est)).then(a.uid.cmp(&b.uid)))
                .copied()
        };
        let Some(reserve) = nearest(true).or_else(|| nearest(false)) else { continue };
        let rules = &th.rules[si];
        let owner_id = th.contingents[owner].id.clone();
        // the owner is the observer's contingent, of this side (the validator sees to it)
        let hq = th.contingents[owner].hq;
        let disrupted = pics.sides[si].values().any(|k| t >= k.known_at && geom::dist(k.est, hq) <= HQ_DISRUPTION_M);
        let factor = if disrupted { 2 } else { 1 };
        let mut delay = (rules.order_delay_min * 60.0).round() as u64 * factor;
        let tasking = th.contingents[reserve.contingent].id.clone();
        let order = |log: &mut EventLog, from: String, to: String, task: String, delay_s: u64, readiness_s: u64| {
            log.push(t, EventKind::Order { from, to, task, about: c.unit.clone(), delay_s, readiness_s, disrupted });
        };
        if reserve.contingent != owner {
            let liaison = th.liaison_s[owner][reserve.contingent] * factor;
            order(&mut log, format!("{owner_id} HQ"), format!("{tasking} HQ"), "request a reserve".into(), liaison, 0);
            delay += liaison;
        }
        let readiness = th.contingents[reserve.contingent].readiness_s;
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
            cmd.push(Pending {
                moves_at,
                unit: reserve.e,
                side: si,
                what: Directive::Engage { target: uid, aim: c.est, lift: Some(l), heli: Some(h.uid) },
            });
        } else {
            order(
                &mut log,
                format!("{tasking} HQ"),
                name(&reserve),
                "move to the contact and engage".into(),
                delay,
                readiness,
            );
            cmd.push(Pending {
                moves_at,
                unit: reserve.e,
                side: si,
                what: Directive::Engage { target: uid, aim: c.est, lift: None, heli: None },
            });
        }
    }
}

/// Describes a trigger's condition for the log.
pub fn condition_text(c: &Condition) -> String {
    match c {
        Condition::At(d) => format!("time {d}"),
        Condition::Contact { side, radius_m, .. } => format!("{side} knows an enemy within {radius_m} m of the area"),
        Condition::StrengthBelow { side, fraction } => format!("{side} strength at or below {fraction}"),
        Condition::UnitBroken(u) => format!("{u} broken"),
        Condition::HostagesTaken { count } => format!("{count} hostage(s) taken"),
        Condition::PassCrossed { pass, side } => format!("{side} crossed {pass}"),
    }
}

/// The units the Orders phase can give a new task: entity, identity, position, strength,
/// combat state and orders.
type Ordered<'a> = (Entity, &'a UnitInfo, &'a Position, &'a Personnel, &'a Combat, &'a Orders);

/// Sends `task` to a unit through its contingent's headquarters: the side's order delay
/// (doubled when the headquarters is disrupted), then the contingent's readiness for a
/// reserve; an `order` event now, the new task when it arrives. One path for a trigger's
/// orders and a player's.
fn send_order(
    t: u64,
    th: &Theatre,
    pics: &Pictures,
    cmd: &mut Command,
    log: &mut EventLog,
    unit: Ordered,
    task: &crate::format::schema::Task,
    about: String,
) {
    let (e, info, pos, _, combat, orders) = unit;
    let cont = &th.contingents[info.contingent];
    let readiness = if matches!(orders.task, TaskRt::Reserve { .. }) { cont.readiness_s } else { 0 };
    // a headquarters with a known enemy close by is disrupted: its orders take twice as long
    let disrupted =
        pics.sides[info.side].values().any(|k| t >= k.known_at && geom::dist(k.est, cont.hq) <= HQ_DISRUPTION_M);
    let delay = (th.rules[info.side].order_delay_min * 60.0).round() as u64 * if disrupted { 2 } else { 1 };
    let rt = th.task_rt(task, pos.0, combat.home, t + delay + readiness);
    log.push(
        t,
        EventKind::Order {
            from: format!("{} HQ", cont.id),
            to: info.id.clone(),
            task: super::theatre::describe(task),
            about,
            delay_s: delay,
            readiness_s: readiness,
            disrupted,
        },
    );
    // a unit with a scripted or player's order on its way is not the doctrine's to send elsewhere
    if !matches!(rt, TaskRt::Reserve { .. }) {
        cmd.committed.insert(info.uid);
    }
    cmd.push(Pending { moves_at: t + delay + readiness, unit: e, side: info.side, what: Directive::Assign(rt) });
}

/// Inputs of this tick (Orders phase, first): players' orders go down the chain like a
/// trigger's; the controller's actions change the triggers (fire now, hold, release, add an
/// inject). Each is logged as an `input` event.
pub(super) fn inputs(
    clock: Res<Clock>,
    th: Res<Theatre>,
    pics: Res<Pictures>,
    mut queued: ResMut<super::input::Inputs>,
    mut trig: ResMut<Triggers>,
    mut cmd: ResMut<Command>,
    mut log: ResMut<EventLog>,
    q: Query<Ordered>,
) {
    use super::input::Input;
    if queued.queue.is_empty() {
        return;
    }
    let t = clock.t;
    for (seat, input) in queued.take(clock.tick) {
        log.push(t, EventKind::Input { seat: seat.clone(), action: input.describe() });
        match input {
            Input::Order { unit, task } => {
                if let Some(u) = q.iter().find(|(_, i, ..)| i.id == unit) {
                    send_order(t, &th, &pics, &mut cmd, &mut log, u, &task, format!("order from {seat}"));
                }
            }
            Input::FireTrigger(id) => {
                if let Some(tr) = trig.get_mut(&id) {
                    tr.forced = true;
                }
            }
            Input::HoldTrigger(id) => {
                if let Some(tr) = trig.get_mut(&id) {
                    tr.held = true;
                }
            }
            Input::ReleaseTrigger(id) => {
                if let Some(tr) = trig.get_mut(&id) {
                    tr.held = false;
                }
            }
            Input::Inject(def) => {
                if trig.list.iter().all(|t| t.def.id != def.id) {
                    trig.list.push(TriggerRt::new(def, true, &th));
                }
            }
        }
    }
}

/// Triggers (Orders phase, after the inputs, before `command`): a condition that holds, after
/// the trigger's delay (and not before its `after` time, nor while the exercise control holds
/// it), sends its orders down through each unit's headquarters; one the control fires goes at
/// once.
pub(super) fn triggers(
    clock: Res<Clock>,
    th: Res<Theatre>,
    pics: Res<Pictures>,
    tally: Res<super::metrics::HostageTally>,
    crossings: Res<super::movement::Crossings>,
    mut trig: ResMut<Triggers>,
    mut cmd: ResMut<Command>,
    mut log: ResMut<EventLog>,
    q: Query<Ordered>,
) {
    if trig.list.iter().all(|tr| tr.fired) {
        return;
    }
    let t = clock.t;
    let trig = &mut *trig;
    for tr in trig.list.iter_mut() {
        if tr.fired || (tr.held && !tr.forced) || (t < tr.after && !tr.forced) {
            continue;
        }
        let holds = tr.forced
            || match tr.when {
                When::At(at) => at.is_some_and(|s| t >= s),
                When::Contact { side, centre, radius_m } => side.is_some_and(|si| {
                    pics.sides[si].values().any(|c| t >= c.known_at && geom::dist(c.est, centre) <= radius_m)
                }),
                When::StrengthBelow { side, fraction } => side.is_some_and(|si| {
                    let (active, start) = q
                        .iter()
                        .filter(|(_, i, ..)| i.side == si)
                        .fold((0u64, 0u64), |a, (_, _, _, p, ..)| (a.0 + p.active as u64, a.1 + p.start as u64));
                    start > 0 && active as f64 <= fraction * start as f64
                }),
                When::UnitBroken(unit) => q.iter().any(|(_, i, _, p, c, _)| {
                    Some(i.index) == unit
                        && (matches!(c.status, Status::Broken | Status::Surrendered)
                            || (p.active == 0 && p.exfiltrated == 0 && p.reached_objective == 0))
                }),
                When::HostagesTaken(count) => tally.taken >= count,
                When::PassCrossed { pass, side } => match (pass, side) {
                    (Some(p), Some(si)) => crossings.0.contains(&(p, si)),
                    _ => false,
                },
            };
        if !holds {
            continue;
        }
        let met = *tr.met_at.get_or_insert(t);
        if !tr.forced && t < met + tr.delay {
            continue;
        }
        tr.fired = true;
        let condition =
            if tr.forced { "fired by the exercise control".to_string() } else { condition_text(&tr.def.when) };
        log.push(t, EventKind::Trigger { id: tr.def.id.clone(), condition });
        for (unit, task) in &tr.orders {
            let Some(u) = q.iter().find(|(_, i, ..)| i.index == *unit) else { continue };
            send_order(t, &th, &pics, &mut cmd, &mut log, u, task, format!("trigger {}", tr.def.id));
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Command>().init_resource::<Triggers>().init_resource::<super::input::Inputs>();
}
