//! Detection and each side's picture (Sense phase).
//!
//! Owns: who sees whom. For every observer–target pair within reach (a uniform grid of
//! buckets keeps the pairs tried near-linear in the number of units) and in line of sight, a
//! glimpse-based detection: the chance of detecting in a tick of `dt` seconds is
//! `1 - exp(-λ(r) dt)` with `λ(r) = ln 2 / 60 s × (R / r)²` up to `2R` — so `R`, the effective
//! range, is where a target is detected with even odds within a minute of looking. `R` is the
//! sensor's range for the light (the library's `range_day_m` / `range_night_m`; twilight takes
//! their geometric mean), times the target's signature for its posture (library), a size
//! factor `sqrt(strength / 30)` clamped to 0.5..1.5 (vehicles x1.5), and the visibility factor
//! `min(1, visibility / range)`.
//!
//! A detection puts or refreshes a contact in the observer's side picture with an estimated
//! position (error σ = 10 m + 5 % of the range), an estimated strength (log-normal, σ 0.25)
//! and, within half the effective range, the target's category. The rest of the side may act
//! on a new contact once the report has climbed the chain (`Rules::report_delay_min`).
//! Contacts not seen again for `Rules::contact_timeout_min` are dropped. Decisions read these
//! pictures, never the ground truth.

use bevy::prelude::*;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog, m};
use super::rng;
use super::sun::Light;
use super::theatre::{RunConfig, TerrainRes, Theatre};
use crate::format::schema::{Sensor, UnitType};
use crate::terrain::geom::{self, P2};
use crate::terrain::los;

/// Seconds of looking in which a target at the effective range is detected with even odds.
pub const HALF_DETECTION_S: f64 = 60.0;

/// Observers' eye height above ground, metres (sensors may say more).
pub const TARGET_HEIGHT_M: f64 = 1.5;

/// Bucket size of the spatial index, metres.
const BUCKET_M: f64 = 4000.0;
/// A contact seen within this long before its unit is out of play is known to be gone, seconds.
pub const SEEN_GONE_S: u64 = 60;
/// A unit searching a village sees enemies in it at this multiple of its usual range (E).
pub const SEARCH_BOOST: f64 = 4.0;
/// How far beyond a village's radius the search reaches, metres (E).
pub const SEARCH_MARGIN_M: f64 = 300.0;

/// A unit given a facing that is not moving sees targets behind it (more than 90° off its
/// front) at this fraction of its effective range: the position's observers and weapons look
/// to the front, a sentry or two to the rear (E).
pub const REAR_FACTOR: f64 = 0.5;

/// Whether a target at `target` is in the rear half of an observer at `from` facing
/// `facing_deg` (clockwise from north).
pub fn behind(from: P2, facing_deg: f64, target: P2) -> bool {
    let bearing = libm::atan2(target.0 - from.0, target.1 - from.1).to_degrees();
    let off = (bearing - facing_deg).rem_euclid(360.0);
    off > 90.0 && off < 270.0
}

/// A sensor's range for the light, metres.
pub fn sensor_range(s: &Sensor, light: Light) -> f64 {
    match light {
        Light::Day => s.range_day_m,
        Light::Night => s.range_night_m,
        Light::Twilight => (s.range_day_m * s.range_night_m).sqrt(),
    }
}

/// Size factor of a target group: `sqrt(n / 30)` in 0.5..=1.5, x1.5 for vehicles.
pub fn size_factor(active: u32, vehicles: bool) -> f64 {
    ((active as f64 / 30.0).sqrt()).clamp(0.5, 1.5) * if vehicles { 1.5 } else { 1.0 }
}

/// Detection rate per second at range `r` for effective range `big_r`.
pub fn glimpse_rate(r: f64, big_r: f64) -> f64 {
    if big_r <= 0.0 || r > 2.0 * big_r {
        return 0.0;
    }
    let r = r.max(1.0);
    std::f64::consts::LN_2 / HALF_DETECTION_S * (big_r / r).powi(2)
}

/// Chance of detecting within `dt` seconds.
pub fn p_detect(r: f64, big_r: f64, dt: f64) -> f64 {
    1.0 - libm::exp(-glimpse_rate(r, big_r) * dt)
}

/// Best effective range of an observer type against a target.
pub fn effective_range(observer: &UnitType, light: Light, signature: f64, size: f64, visibility_m: f64) -> (f64, f64) {
    let mut best = (0.0, 1.8);
    for s in &observer.sensors {
        let rs = sensor_range(s, light);
        let r = rs * signature * size * (visibility_m / rs.max(1.0)).min(1.0);
        if r > best.0 {
            best = (r, s.height_m);
        }
    }
    best
}

/// A standard normal draw (Box–Muller, through libm).
pub fn normal(r: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = r.random_range(f64::MIN_POSITIVE..1.0);
    let u2: f64 = r.random();
    (-2.0 * libm::log(u1)).sqrt() * libm::cos(2.0 * std::f64::consts::PI * u2)
}

/// Line-of-sight results between grid cells, kept for the run: most units stay in the same
/// cells for hours, so most checks repeat. Sight lines are taken between the centres of the
/// two cells (at the given eye heights), which makes the cache exact.
#[derive(Resource, Default)]
pub struct LosCache {
    map: bevy::platform::collections::HashMap<(u32, u32, u16, u16), bool>,
    /// Checks answered from the cache.
    pub hits: u64,
    /// Checks computed.
    pub computed: u64,
}

impl LosCache {
    /// Most entries kept; the cache is cleared when it grows past this.
    pub const MAX: usize = 1 << 20;

    /// Line of sight from `a` (eye `ha` m) to `b` (`hb` m), between cell centres.
    pub fn visible(&mut self, ter: &crate::terrain::Terrain, a: P2, ha: f64, b: P2, hb: f64) -> bool {
        let (Some(ca), Some(cb)) = (ter.index_at(a), ter.index_at(b)) else { return false };
        let key = (
            ca as u32,
            cb as u32,
            (ha * 10.0).round().clamp(0.0, 65_535.0) as u16,
            (hb * 10.0).round().clamp(0.0, 65_535.0) as u16,
        );
        if let Some(&v) = self.map.get(&key) {
            self.hits += 1;
            return v;
        }
        self.computed += 1;
        if self.map.len() >= Self::MAX {
            self.map.clear();
        }
        let v = los::visible(ter, ter.centre(ca), ha, ter.centre(cb), hb);
        self.map.insert(key, v);
        v
    }
}

/// What the sensing and combat systems need of every unit, gathered once per tick.
#[derive(Debug, Clone)]
pub struct Snap {
    /// Entity.
    pub e: Entity,
    /// Facing, degrees clockwise from north (scenario), if any.
    pub facing_deg: Option<f64>,
    /// Stable id.
    pub uid: u64,
    /// Side index.
    pub side: usize,
    /// Unit type index.
    pub ty: usize,
    /// Spawn index (for names: `Theatre::unit_ids`).
    pub index: usize,
    /// Contingent index.
    pub contingent: usize,
    /// Position.
    pub pos: P2,
    /// Active personnel.
    pub active: u32,
    /// Posture.
    pub posture: crate::format::schema::Posture,
    /// Fighting state.
    pub status: Status,
}

impl Snap {
    /// True when the unit can be seen and fought (has people in play).
    pub fn present(&self) -> bool {
        self.active > 0 && !matches!(self.status, Status::Surrendered | Status::Out)
    }
}

/// A uniform-grid index of unit positions.
pub struct Buckets {
    nx: usize,
    ny: usize,
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Buckets {
    /// Indexes positions on a map of the given size.
    pub fn new(width: f64, height: f64, pos: impl Iterator<Item = P2> + Clone) -> Buckets {
        let mut b = Buckets { nx: 0, ny: 0, start: Vec::new(), items: Vec::new() };
        b.rebuild(width, height, pos.enumerate().map(|(k, p)| (k as u32, p)));
        b
    }

    /// Indexes `(index, position)` items again, reusing the buckets' memory.
    pub fn rebuild(&mut self, width: f64, height: f64, items: impl Iterator<Item = (u32, P2)> + Clone) {
        let nx = ((width / BUCKET_M).ceil() as usize).max(1);
        let ny = ((height / BUCKET_M).ceil() as usize).max(1);
        let cell = |p: P2| {
            let i = ((p.0 / BUCKET_M).max(0.0) as usize).min(nx - 1);
            let j = ((p.1 / BUCKET_M).max(0.0) as usize).min(ny - 1);
            j * nx + i
        };
        (self.nx, self.ny) = (nx, ny);
        self.start.clear();
        self.start.resize(nx * ny + 2, 0);
        for (_, p) in items.clone() {
            self.start[cell(p) + 2] += 1;
        }
        for k in 2..self.start.len() {
            self.start[k] += self.start[k - 1];
        }
        // while filling, start[c + 1] is where bucket c's next item goes; after, bucket c is
        // start[c]..start[c + 1]
        self.items.clear();
        self.items.resize(self.start[nx * ny + 1] as usize, 0);
        for (idx, p) in items {
            let c = cell(p) + 1;
            self.items[self.start[c] as usize] = idx;
            self.start[c] += 1;
        }
    }

    /// Appends the indices in buckets within `radius` of `p` (bucket by bucket; sort them for
    /// an order).
    pub fn extend_near(&self, p: P2, radius: f64, out: &mut Vec<u32>) {
        if self.items.is_empty() {
            return;
        }
        let i0 = (((p.0 - radius) / BUCKET_M).floor().max(0.0) as usize).min(self.nx - 1);
        let i1 = (((p.0 + radius) / BUCKET_M).floor().max(0.0) as usize).min(self.nx - 1);
        let j0 = (((p.1 - radius) / BUCKET_M).floor().max(0.0) as usize).min(self.ny - 1);
        let j1 = (((p.1 + radius) / BUCKET_M).floor().max(0.0) as usize).min(self.ny - 1);
        for j in j0..=j1 {
            for i in i0..=i1 {
                let c = j * self.nx + i;
                out.extend_from_slice(&self.items[self.start[c] as usize..self.start[c + 1] as usize]);
            }
        }
    }

    /// Indices of units in buckets within `radius` of `p`, in ascending index order.
    pub fn near(&self, p: P2, radius: f64, out: &mut Vec<u32>) {
        out.clear();
        self.extend_near(p, radius, out);
        out.sort_unstable();
    }
}

/// A side's units in play, for the question "which of them are near this point": a plain
/// list while the side is small, with a grid of buckets on top when it is large.
pub(super) struct SideIndex {
    list: Vec<(u32, P2)>,
    buckets: Buckets,
    bucketed: bool,
}

/// Sides up to this many units in play are searched by scanning their list.
const SCAN_UP_TO: usize = 64;

impl SideIndex {
    pub(super) fn rebuild(&mut self, width: f64, height: f64, items: impl Iterator<Item = (u32, P2)>) {
        self.list.clear();
        self.list.extend(items);
        self.bucketed = self.list.len() > SCAN_UP_TO;
        if self.bucketed {
            self.buckets.rebuild(width, height, self.list.iter().copied());
        }
    }

    /// Appends the indices of the units within `radius` of `p` (a superset when bucketed: the
    /// caller checks the range).
    pub(super) fn extend_near(&self, p: P2, radius: f64, out: &mut Vec<u32>) {
        if self.bucketed {
            self.buckets.extend_near(p, radius, out);
        } else {
            // a superset of what an exact distance admits
            out.extend(self.list.iter().filter(|(_, q)| geom::maybe_within(*q, p, radius)).map(|(k, _)| *k));
        }
    }
}

impl Default for SideIndex {
    fn default() -> Self {
        SideIndex { list: Vec::new(), buckets: Buckets::new(1.0, 1.0, std::iter::empty()), bucketed: false }
    }
}

/// What sensing keeps between ticks to spare allocations: the snapshot, one index of
/// positions per side, the candidate list.
#[derive(Default)]
pub struct SenseBuffers {
    /// Units in spawn order, with how each looks out this tick.
    units: Vec<(Snap, Look)>,
    sides: Vec<SideIndex>,
    near: Vec<u32>,
    /// Per unit type, the longest sensor range in `reach_light`.
    reach: Vec<f64>,
    reach_light: Option<Light>,
    /// Units out of play (sorted), and (side, target uid) pairs being shot at (sorted).
    gone: Vec<Entity>,
    shot_at: Vec<(usize, u64)>,
}

/// How a unit looks out this tick.
#[derive(Clone, Copy)]
struct Look {
    /// It looks out at all (aircraft on the ground do not).
    looks: bool,
    /// The village it is searching (it sees into it further).
    search: Option<usize>,
}

impl Snap {
    /// The snapshot of one unit.
    pub fn of(e: Entity, i: &UnitInfo, p: &Position, pe: &Personnel, st: &Stance, c: &Combat) -> Snap {
        Snap {
            e,
            facing_deg: i.facing_deg,
            uid: i.uid,
            side: i.side,
            ty: i.unit_type,
            index: i.index,
            contingent: i.contingent,
            pos: p.0,
            active: pe.active,
            posture: st.posture,
            status: c.status,
        }
    }
}

pub(super) fn sense(
    clock: Res<Clock>,
    th: Res<Theatre>,
    terrain: Res<TerrainRes>,
    cfg: Res<RunConfig>,
    mut pics: ResMut<Pictures>,
    mut sight: ResMut<LosCache>,
    mut log: ResMut<EventLog>,
    q: Query<(Entity, &UnitInfo, &Position, &Personnel, &Stance, &Combat, Option<&Sortie>, Option<&Orders>)>,
    mut buf: Local<SenseBuffers>,
) {
    let t = clock.t;
    let dt = clock.tick_s as f64;
    let ter = &*terrain.0;
    let SenseBuffers { units, sides, near, reach: type_reach, reach_light, gone, shot_at } = &mut *buf;
    // in spawn order: each observer draws its detections in this order, which must not depend
    // on how the ECS happens to store units
    units.clear();
    units.extend(q.iter().map(|(e, i, p, pe, st, c, sortie, orders)| {
        let ty = &th.types[i.unit_type];
        // aircraft look out only when airborne; transport aircraft (no sortie cycle) only
        // while they fly
        let grounded = sortie
            .is_some_and(|s| matches!(s.state, AirState::Ready | AirState::Readying | AirState::Turnaround))
            || (ty.air.is_none()
                && matches!(
                    ty.mobility,
                    crate::format::schema::Mobility::Rotary | crate::format::schema::Mobility::FixedWing
                )
                && orders.is_some_and(|ord| ord.phase != Phase::Moving));
        // a unit searching a village sees into it at SEARCH_BOOST times its usual range
        let search = orders.and_then(|ord| match ord.task {
            TaskRt::Search { village, since: Some(_), .. } => Some(village),
            _ => None,
        });
        (Snap::of(e, i, p, pe, st, c), Look { looks: !grounded, search })
    }));
    units.sort_by_key(|u| u.0.index);
    let units = &*units;
    // the longest sensor range of each type changes only with the light
    if *reach_light != Some(clock.light) {
        type_reach.clear();
        type_reach.extend(
            th.types.iter().map(|ty| ty.sensors.iter().map(|s| sensor_range(s, clock.light)).fold(0.0, f64::max)),
        );
        *reach_light = Some(clock.light);
    }
    // one index per side of its units in play: an observer looks only at the enemy's
    sides.resize_with(th.sides.len(), SideIndex::default);
    for (si, b) in sides.iter_mut().enumerate() {
        b.rebuild(
            ter.width_m(),
            ter.height_m(),
            units.iter().enumerate().filter(|(_, u)| u.0.side == si && u.0.present()).map(|(k, u)| (k as u32, u.0.pos)),
        );
    }
    // the largest signature x size factor of any target now bounds how far anyone can see
    let most_visible = units
        .iter()
        .filter(|u| u.0.present())
        .map(|u| {
            let ty = &th.types[u.0.ty];
            ty.signature.get(u.0.posture) * size_factor(u.0.active, ty.vehicles > 0)
        })
        .fold(0.0, f64::max);
    let name = |k: usize| th.unit_ids[units[k].0.index].clone();
    let visibility = th.environment.visibility_m;
    for (oi, (o, look)) in units.iter().enumerate() {
        if !o.present() || o.status == Status::Broken || !look.looks {
            continue;
        }
        let oty = &th.types[o.ty];
        let search = look.search.map(|v| &th.places[v]);
        let boost = if search.is_some() { SEARCH_BOOST } else { 1.0 };
        let reach = type_reach[o.ty] * 2.0 * most_visible * boost;
        if reach <= 0.0 {
            continue;
        }
        // the enemy units within reach: none (most ticks), nothing to do
        near.clear();
        for (si, b) in sides.iter().enumerate() {
            if si != o.side {
                b.extend_near(o.pos, reach, near);
            }
        }
        if near.is_empty() {
            continue;
        }
        // the candidates within this observer's reach are among those: in spawn order
        near.sort_unstable();
        let mut stream: Option<ChaCha8Rng> = None;
        for &ti in near.iter() {
            let tu = &units[ti as usize].0;
            if tu.side == o.side || !tu.present() {
                continue;
            }
            let r = geom::dist(o.pos, tu.pos);
            if r > reach {
                continue;
            }
            let tty = &th.types[tu.ty];
            let sig = tty.signature.get(tu.posture);
            let size = size_factor(tu.active, tty.vehicles > 0);
            let (big_r, eye) = effective_range(oty, clock.light, sig, size, visibility);
            let big_r = match search {
                Some(v) if geom::dist(tu.pos, v.pos) <= v.radius_m + SEARCH_MARGIN_M => big_r * SEARCH_BOOST,
                _ => big_r,
            };
            let big_r = match o.facing_deg {
                Some(f) if o.posture != crate::format::schema::Posture::Moving && behind(o.pos, f, tu.pos) => {
                    big_r * REAR_FACTOR
                }
                _ => big_r,
            };
            let p = p_detect(r, big_r, dt);
            if p <= 0.0 || !sight.visible(ter, o.pos, eye, tu.pos, TARGET_HEIGHT_M) {
                continue;
            }
            let rng = stream.get_or_insert_with(|| rng::at_tick(cfg.seed, "detect", o.uid, clock.tick));
            if rng.random::<f64>() >= p {
                continue;
            }
            // detected: estimate where, how many and what
            let sigma = 10.0 + 0.05 * r;
            let est = (tu.pos.0 + sigma * normal(rng), tu.pos.1 + sigma * normal(rng));
            let est_strength = ((tu.active as f64) * libm::exp(0.25 * normal(rng))).round().max(1.0) as u32;
            let class = (r <= 0.5 * big_r).then_some(tty.category);
            let side_rules = &th.rules[o.side];
            let picture = &mut pics.sides[o.side];
            match picture.get_mut(&tu.uid) {
                Some(c) => {
                    c.est = est;
                    c.error_m = sigma;
                    c.est_strength = est_strength;
                    c.class = class.or(c.class);
                    c.last_seen = t;
                    c.entity = tu.e;
                    if !c.seen_by.contains(&o.uid) && c.seen_by.len() < 16 {
                        c.seen_by.push(o.uid);
                    }
                }
                None => {
                    // the report climbs to the observer's headquarters, then to the joint
                    // headquarters, which passes it to the other contingents
                    let delay = th.report_s[o.contingent];
                    let joint = (side_rules.joint_report_delay_min * 60.0).round() as u64;
                    picture.insert(
                        tu.uid,
                        Contact {
                            entity: tu.e,
                            unit: name(ti as usize),
                            est,
                            error_m: sigma,
                            est_strength,
                            class,
                            first_seen: t,
                            last_seen: t,
                            owner: o.contingent,
                            known_at: t + delay,
                            shared_at: t + delay + joint,
                            seen_by: vec![o.uid],
                        },
                    );
                    log.push(
                        t,
                        EventKind::Detected {
                            observer: name(oi),
                            target: name(ti as usize),
                            range_m: m(r),
                            est_strength,
                            class: class.map(|c| format!("{c:?}")),
                        },
                    );
                    let hq = format!("{} HQ", th.contingents[o.contingent].id);
                    log.push(t, EventKind::Report { from: name(oi), to: hq, about: name(ti as usize), delay_s: delay });
                }
            }
        }
    }
    // age the pictures: a contact not seen for the timeout is dropped, and so is one with
    // nobody left in play that was in sight a moment ago or that the side was shooting at (it
    // saw it destroyed or surrendering)
    if pics.sides.iter().all(|p| p.is_empty()) {
        return;
    }
    gone.clear();
    gone.extend(units.iter().filter(|u| !u.0.present()).map(|u| u.0.e));
    gone.sort_unstable();
    let gone = &*gone;
    let is_gone = |e: &Entity| gone.binary_search(e).is_ok();
    // what each side is shooting at, needed only when a contact is of a unit out of play
    shot_at.clear();
    if pics.sides.iter().any(|p| p.values().any(|c| is_gone(&c.entity))) {
        shot_at.extend(q.iter().filter_map(|(_, i, _, _, _, c, ..)| c.target.map(|tg| (i.side, tg))));
        shot_at.sort_unstable();
    }
    let shot_at = &*shot_at;
    for (si, picture) in pics.sides.iter_mut().enumerate() {
        let timeout = (th.rules[si].contact_timeout_min * 60.0) as u64;
        let mut lost = Vec::new();
        picture.retain(|uid, c| {
            let seen_gone = is_gone(&c.entity)
                && (t.saturating_sub(c.last_seen) <= SEEN_GONE_S || shot_at.binary_search(&(si, *uid)).is_ok());
            let keep = t.saturating_sub(c.last_seen) <= timeout && !seen_gone;
            if !keep {
                lost.push(c.unit.clone());
            }
            keep
        });
        for unit in lost {
            log.push(t, EventKind::ContactLost { side: th.sides[si].clone(), target: unit });
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LosCache>();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rear_half_is_behind_the_facing() {
        // facing north: north-east ahead, south-east behind; facing 270 (west): east behind
        assert!(!behind((0.0, 0.0), 0.0, (100.0, 100.0)));
        assert!(behind((0.0, 0.0), 0.0, (100.0, -100.0)));
        assert!(behind((0.0, 0.0), 270.0, (100.0, 1.0)));
        assert!(!behind((0.0, 0.0), 270.0, (-100.0, 1.0)));
        assert!(!behind((0.0, 0.0), 350.0, (10.0, 100.0)), "wraps around north");
    }

    #[test]
    fn even_odds_at_the_effective_range_in_a_minute() {
        assert!((p_detect(1000.0, 1000.0, 60.0) - 0.5).abs() < 1e-12);
        assert!(p_detect(500.0, 1000.0, 10.0) > p_detect(1000.0, 1000.0, 10.0));
        assert_eq!(p_detect(2001.0, 1000.0, 10.0), 0.0);
        // ten 6-second glimpses accumulate to one minute's worth
        let q: f64 = (0..10).map(|_| 1.0 - p_detect(800.0, 1000.0, 6.0)).product();
        assert!(((1.0 - q) - p_detect(800.0, 1000.0, 60.0)).abs() < 1e-12);
    }

    #[test]
    fn buckets_find_every_neighbour_in_order() {
        let pts: Vec<P2> = (0..200).map(|k| ((k * 7919 % 10_000) as f64, (k * 104_729 % 10_000) as f64)).collect();
        let b = Buckets::new(10_000.0, 10_000.0, pts.iter().copied());
        let mut out = Vec::new();
        for (q, r) in [((100.0, 100.0), 1000.0), ((5000.0, 5000.0), 2500.0), ((9900.0, 50.0), 6000.0)] {
            b.near(q, r, &mut out);
            assert!(out.windows(2).all(|w| w[0] < w[1]), "ascending, no duplicates");
            for (k, p) in pts.iter().enumerate() {
                if geom::dist(*p, q) <= r {
                    assert!(out.contains(&(k as u32)), "point {k} within {r} m of {q:?} missing");
                }
            }
        }
    }
}
