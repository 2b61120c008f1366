//! Direct fire, suppression and morale (Engage and Assess phases).
//!
//! Owns: who fires at whom and with what effect, and how units hold up under it.
//!
//! **Fire.** A unit fires when its rules of engagement allow (defenders at any hostile contact
//! they know; observers and withdrawing units only when fired upon; armed groups when fired
//! upon, from ambush at close range, or at contacts they believe weaker) at the nearest contact
//! of its side's picture within reach of a weapon that has ammunition, if it can see the
//! target. Per weapon and tick: `rounds = count x min(1, active / nominal) x rate x dt x
//! (1 - suppressibility x suppression)`, limited by ammunition; hits are Poisson with mean
//! `rounds x p_hit(range band) x exposure(target posture) x light`, where light is 1 by day,
//! 0.75 at twilight and `0.4 + 0.6 x night_vision` at night; each hit kills with `p_kill`,
//! otherwise wounds. All units fire at once: casualties are applied after every shot of the
//! tick is resolved, so two homogeneous forces follow Lanchester's square law.
//!
//! **Suppression** rises with incoming rounds, `s' = 1 - (1 - s) exp(-rounds / (4 n + 10))`,
//! and decays with a two-minute time constant; above 0.5 a unit does not move.
//! **Morale** falls with losses (`2 x (1.2 - training)` per fraction of the unit lost), with
//! sustained suppression, with isolation under fire (no friendly unit within 3 km) and with
//! fatigue (the last quarter of a march before the rest halt), and recovers after fifteen
//! quiet minutes. Below the type's `withdraw_below` a unit falls back to where it
//! started (armed groups exfiltrate across the border); below `break_below` it breaks: it no
//! longer fires, and with an enemy within 500 m it surrenders at the type's `surrender_per_h`.

use bevy::prelude::*;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog, m};
use super::rng;
use super::sensing::{self, Snap};
use super::sun::Light;
use super::theatre::{RunConfig, TerrainRes, Theatre};
use crate::format::schema::{UnitType, Weapon, WeaponKind};
use crate::terrain::geom::{self, P2};

/// Seconds after coming under fire during which a unit counts as engaged.
pub const FIRED_UPON_S: u64 = 600;
/// Suppression above which a unit does not move.
pub const PINNED: f64 = 0.5;
/// Ground fire at an aircraft in the air hits at this fraction of its odds against a ground
/// target (E: a fast, manoeuvring target hundreds of metres up).
pub const AIR_TARGET_FACTOR: f64 = 0.1;

/// Weapons that can fire at aircraft in the air (heavy machine guns such as the DShK, cannon).
pub fn is_anti_air(k: WeaponKind) -> bool {
    matches!(k, WeaponKind::HeavyMachineGun | WeaponKind::Cannon)
}

/// An ambush (or a hidden band) opens fire inside this fraction of its weapons' reach (E).
pub const AMBUSH_REACH: f64 = 0.6;

/// True for weapons aimed at what the firer sees.
pub fn is_direct(k: WeaponKind) -> bool {
    matches!(
        k,
        WeaponKind::Rifle
            | WeaponKind::MachineGun
            | WeaponKind::HeavyMachineGun
            | WeaponKind::Sniper
            | WeaponKind::GrenadeLauncher
            | WeaponKind::Cannon
            | WeaponKind::Atgm
    )
}

/// Hit chance per round at range `r` from a weapon's range bands (0 beyond the last band or
/// outside `min_range_m..=max_range_m`).
pub fn p_hit(w: &Weapon, r: f64) -> f64 {
    if r < w.min_range_m || r > w.max_range_m {
        return 0.0;
    }
    w.p_hit.iter().find(|(up_to, _)| r <= *up_to).map(|b| b.1).unwrap_or(0.0)
}

/// Aimed-fire multiplier for the light and the firer's night-vision fraction.
pub fn light_factor(light: Light, night_vision: f64) -> f64 {
    match light {
        Light::Day => 1.0,
        Light::Twilight => 0.75,
        Light::Night => 0.4 + 0.6 * night_vision.clamp(0.0, 1.0),
    }
}

/// Weapons in action for a unit of `active` personnel out of `nominal`.
pub fn weapons_up(count: u32, active: u32, nominal: u32) -> f64 {
    count as f64 * (active as f64 / nominal.max(1) as f64).min(1.0)
}

/// A Poisson draw (multiplication method below 30, normal approximation above).
pub fn poisson(r: &mut ChaCha8Rng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < 30.0 {
        let l = libm::exp(-lambda);
        let mut k = 0u32;
        let mut p = 1.0;
        loop {
            p *= r.random::<f64>();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    (lambda + lambda.sqrt() * sensing::normal(r)).round().max(0.0) as u32
}

/// A binomial draw by summing Bernoulli trials (n is small: casualties of one tick).
pub fn binomial(r: &mut ChaCha8Rng, n: u32, p: f64) -> u32 {
    if p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    (0..n).filter(|_| r.random::<f64>() < p).count() as u32
}

/// Whether a unit's rules of engagement let it open fire on a contact.
fn may_engage(
    attacker_side: bool,
    task: &TaskRt,
    c: &Combat,
    own_active: u32,
    contact: &Contact,
    range: f64,
    reach: f64,
    posture_hidden: bool,
    t: u64,
) -> bool {
    let fired_upon = c.fired_upon_at.is_some_and(|f| t.saturating_sub(f) <= FIRED_UPON_S);
    match c.status {
        Status::Fighting => {}
        Status::Withdrawing => return fired_upon,
        _ => return false,
    }
    // an ambush holds its fire until the enemy is well inside reach, then takes on up to
    // three times its number
    if let TaskRt::Ambush { .. } = task {
        return fired_upon || (range <= AMBUSH_REACH * reach && contact.est_strength as f64 <= own_active as f64 * 3.0);
    }
    if attacker_side {
        // armed groups keep silent unless it pays: returned fire, an attack they chose, an
        // ambush at close range, or a contact they believe much weaker
        fired_upon
            || matches!(task, TaskRt::Hunt { .. })
            || (posture_hidden
                && range <= AMBUSH_REACH * reach
                && contact.est_strength as f64 <= own_active as f64 * 1.5)
            || (contact.est_strength as f64) < own_active as f64 * 0.5
    } else {
        match task {
            TaskRt::Hold { observe: true, .. } => fired_upon,
            _ => true,
        }
    }
}

/// Suppression below this is taken as none: about 28 minutes after the last fire from full
/// suppression (it decays with a 2-minute time constant).
const SUPPRESSION_FLOOR: f64 = 1e-6;

/// What direct fire keeps between ticks to spare allocations.
#[derive(Default)]
pub(super) struct FireBuffers {
    units: Vec<Snap>,
    airborne: Vec<bool>,
    /// Entity -> snapshot index, sorted by entity.
    index: Vec<(Entity, usize)>,
    damage: Vec<Damage>,
    /// Per unit: holds a target; is suppressed.
    state: Vec<(bool, bool)>,
}

#[derive(Default, Clone)]
struct Damage {
    killed: u32,
    wounded: u32,
    rounds: f64,
    by: Vec<u64>,
}

pub(super) fn direct_fire(
    clock: Res<Clock>,
    th: Res<Theatre>,
    terrain: Res<TerrainRes>,
    cfg: Res<RunConfig>,
    pics: Res<Pictures>,
    mut sight: ResMut<sensing::LosCache>,
    mut log: ResMut<EventLog>,
    mut q: Query<(Entity, &UnitInfo, &Position, &mut Personnel, &Stance, &mut Combat, &Orders, Option<&Sortie>)>,
    mut buf: Local<FireBuffers>,
) {
    let t = clock.t;
    let dt = clock.tick_s as f64;
    let ter = &*terrain.0;
    let FireBuffers { units, airborne, index, damage, state } = &mut *buf;
    units.clear();
    airborne.clear();
    state.clear();
    // one read-only pass; only the units that fire, hold a target, are suppressed or are hit
    // are then fetched for writing
    for (e, i, p, pe, st, c, _, sortie) in q.iter() {
        units.push(Snap::of(e, i, p, pe, st, c));
        // aircraft in the air: only heavy machine guns and cannon reach them, at a tenth of the odds
        airborne.push(
            sortie.is_some_and(|s| matches!(s.state, AirState::Outbound | AirState::OnStation | AirState::Returning)),
        );
        state.push((c.target.is_some(), c.suppression > 0.0));
    }
    damage.clear();
    damage.resize(units.len(), Damage::default());
    // nobody fires while no side knows of an enemy (most ticks)
    let any_contact = pics.sides.iter().any(|p| !p.is_empty());
    if any_contact {
        index.clear();
        index.extend(units.iter().enumerate().map(|(k, u)| (u.e, k)));
        index.sort_unstable_by_key(|x| x.0);
    }
    let units = &*units;
    // each side's picture as a flat list, in the picture's order
    let contacts: Vec<Vec<(P2, &Contact)>> = if any_contact {
        pics.sides.iter().map(|p| p.values().map(|c| (c.est, c)).collect()).collect()
    } else {
        Vec::new()
    };
    for si in 0..units.len() {
        let s = &units[si];
        if !s.present() || (pics.sides[s.side].is_empty() && !state[si].0) {
            continue;
        }
        let Ok((_, info, _, _, stance, mut combat, orders, sortie)) = q.get_mut(s.e) else { continue };
        let ty: &UnitType = &th.types[s.ty];
        let on_station = sortie.is_some_and(|x| x.on_station());
        let usable = |k: usize, w: &crate::format::schema::Weapon| {
            (is_direct(w.kind) || (on_station && w.kind == WeaponKind::AirToGround)) && combat.ammo[k] >= 1.0
        };
        let reach = ty
            .weapons
            .iter()
            .enumerate()
            .filter(|(k, w)| usable(*k, w))
            .map(|(_, w)| w.max_range_m)
            .fold(0.0, f64::max);
        if reach <= 0.0 {
            continue;
        }
        if pics.sides[s.side].is_empty() {
            // nothing known to fire at
            combat.target = None;
            continue;
        }
        let has_aa = ty.weapons.iter().enumerate().any(|(k, w)| usable(k, w) && is_anti_air(w.kind));
        // nearest known contact within reach, by estimated range, that the unit can see
        let mut best: Option<(f64, usize)> = None;
        for &(est, c) in &contacts[s.side] {
            // what the weapons reach where the shooter believes the target is
            let est_r = geom::dist(s.pos, est);
            if est_r > reach || !c.known_to(s.uid, s.contingent, t) {
                continue;
            }
            let Ok(pos) = index.binary_search_by_key(&c.entity, |x| x.0) else { continue };
            let ti = index[pos].1;
            let tu = &units[ti];
            if !tu.present() || tu.side == s.side {
                continue;
            }
            if airborne[ti] && !has_aa {
                continue;
            }
            let hidden = matches!(
                stance.posture,
                crate::format::schema::Posture::Concealed | crate::format::schema::Posture::Halted
            );
            if !may_engage(s.side == th.attacker, &orders.task, &combat, s.active, c, est_r, reach, hidden, t) {
                continue;
            }
            if best.is_none_or(|b| est_r < b.0) {
                let eye = if on_station { 300.0 } else { 1.8 };
                if sight.visible(ter, s.pos, eye, tu.pos, sensing::TARGET_HEIGHT_M) {
                    best = Some((est_r, ti));
                }
            }
        }
        let Some((est_r, ti)) = best else {
            combat.target = None;
            continue;
        };
        let usable: Vec<usize> = ty.weapons.iter().enumerate().filter(|(k, w)| usable(*k, w)).map(|(k, _)| k).collect();
        let tu = &units[ti];
        let r = geom::dist(s.pos, tu.pos);
        if combat.target != Some(tu.uid) {
            combat.target = Some(tu.uid);
            // the range the shooter engages at: to where it believes the target is
            log.push(
                t,
                EventKind::Engaged {
                    shooter: info.id.clone(),
                    target: th.unit_ids[units[ti].index].clone(),
                    range_m: m(est_r),
                },
            );
        }
        let tty = &th.types[tu.ty];
        // a broken unit scatters: half as exposed as its posture says
        let exposure = tty.exposure.get(tu.posture) * if tu.status == Status::Broken { 0.5 } else { 1.0 };
        let light = light_factor(clock.light, ty.movement.night_vision);
        let rate =
            if combat.status == Status::Broken { 0.0 } else { 1.0 - ty.morale.suppressibility * combat.suppression };
        let mut rng = rng::at_tick(cfg.seed, "fire", s.uid, clock.tick);
        let d = &mut damage[ti];
        let mut fired = false;
        for &k in &usable {
            let w = &ty.weapons[k];
            if airborne[ti] && !is_anti_air(w.kind) {
                continue;
            }
            // aircraft make their attack run at the weapon's own range
            let wr = if w.kind == WeaponKind::AirToGround { r.clamp(w.min_range_m, w.max_range_m) } else { r };
            let ph = p_hit(w, wr) * if airborne[ti] { AIR_TARGET_FACTOR } else { 1.0 };
            if ph <= 0.0 {
                continue;
            }
            let rounds = (weapons_up(w.count, s.active, ty.strength.nominal) * w.rate_rpm / 60.0 * dt * rate)
                .min(combat.ammo[k]);
            if rounds <= 0.0 {
                continue;
            }
            combat.ammo[k] -= rounds;
            fired = true;
            let hits = poisson(&mut rng, rounds * ph * exposure * light);
            let killed = binomial(&mut rng, hits, w.p_kill);
            d.killed += killed;
            d.wounded += hits - killed;
            d.rounds += rounds;
        }
        if fired {
            combat.fired_at = Some(t);
        }
        if fired && !d.by.contains(&s.uid) {
            d.by.push(s.uid);
        }
    }
    // apply all damage at once
    let decay = libm::exp(-dt / 120.0);
    for ti in 0..units.len() {
        let d = &damage[ti];
        if d.rounds <= 0.0 && !state[ti].1 {
            continue;
        }
        let Ok((_, info, _, mut pers, _, mut combat, _, _)) = q.get_mut(units[ti].e) else { continue };
        let before = combat.suppression;
        combat.suppression *= decay;
        // a trace of suppression is none (and the unit drops out of this pass until hit again)
        if combat.suppression < SUPPRESSION_FLOOR {
            combat.suppression = 0.0;
        }
        if d.rounds <= 0.0 {
            continue;
        }
        combat.fired_upon_at = Some(t);
        let n = pers.active;
        combat.suppression = 1.0 - (1.0 - combat.suppression) * libm::exp(-d.rounds / (4.0 * n as f64 + 10.0));
        if before < PINNED && combat.suppression >= PINNED {
            log.push(
                t,
                EventKind::Suppressed { unit: info.id.clone(), level: (combat.suppression * 100.0).round() / 100.0 },
            );
        }
        let total = d.killed + d.wounded;
        if total == 0 || n == 0 {
            continue;
        }
        let (killed, wounded) = if total > n {
            let k = ((d.killed as u64 * n as u64) / total as u64) as u32;
            (k, n - k)
        } else {
            (d.killed, d.wounded)
        };
        pers.active -= killed + wounded;
        pers.killed += killed;
        pers.wounded += wounded;
        let ty = &th.types[info.unit_type];
        combat.morale -= (killed + wounded) as f64 / n as f64 * 2.0 * (1.2 - ty.morale.training);
        let by: Vec<String> =
            d.by.iter()
                .filter_map(|u| units.iter().position(|x| x.uid == *u).map(|k| th.unit_ids[units[k].index].clone()))
                .collect();
        log.push(t, EventKind::Casualties { unit: info.id.clone(), killed, wounded, remaining: pers.active, by });
    }
}

/// What morale keeps between ticks to spare allocations.
#[derive(Default)]
pub(super) struct MoraleBuffers {
    /// Per unit: side, position, in play, entity.
    units: Vec<(usize, P2, bool, Entity)>,
    /// Per unit: this tick leaves it as it is.
    settled: Vec<bool>,
    /// Per side, its units in play (built on ticks when someone is under fire or broken).
    sides: Vec<sensing::SideIndex>,
    near: Vec<u32>,
}

/// Morale drift, status changes, withdrawal, surrender.
pub(super) fn morale(
    clock: Res<Clock>,
    th: Res<Theatre>,
    cfg: Res<RunConfig>,
    mut log: ResMut<EventLog>,
    mut q: Query<(Entity, &UnitInfo, &Position, &mut Personnel, &Stance, &mut Combat, &mut Orders, &mut Mover)>,
    terrain: Res<TerrainRes>,
    mut buf: Local<MoraleBuffers>,
) {
    let t = clock.t;
    let dt = clock.tick_s as f64;
    let MoraleBuffers { units, settled, sides, near } = &mut *buf;
    units.clear();
    settled.clear();
    let mut looks_around = false;
    // one read-only pass: positions for the isolation and surrender rules, and which units
    // are settled (fighting, not under fire, not tired, morale at its ceiling), whose state this
    // tick would leave exactly as it is
    for (e, info, pos, pers, _, c, _, mover) in q.iter() {
        units.push((info.side, pos.0, pers.active > 0 && !matches!(c.status, Status::Surrendered | Status::Out), e));
        let ty = &th.types[info.unit_type];
        let quiet = c.fired_upon_at.is_none_or(|f| t.saturating_sub(f) > 900);
        let rested = mover.march_s <= 0.75 * ty.movement.march_h * 3600.0;
        let m = c.morale;
        let out = matches!(c.status, Status::Surrendered | Status::Out);
        let steady = c.status == Status::Fighting
            && pers.active > 0
            && quiet
            && rested
            && (m + 0.0002 * dt).min(ty.morale.initial).clamp(0.0, 1.0) == m
            && m >= ty.morale.break_below
            && m >= ty.morale.withdraw_below;
        settled.push(out || steady);
        looks_around |= !out && (!quiet || c.status == Status::Broken);
    }
    let units = &*units;
    // who is near whom, for the isolation and surrender rules
    if looks_around {
        sides.resize_with(th.sides.len(), Default::default);
        for (si, b) in sides.iter_mut().enumerate() {
            b.rebuild(
                terrain.0.width_m(),
                terrain.0.height_m(),
                units.iter().enumerate().filter(|(_, u)| u.0 == si && u.2).map(|(k, u)| (k as u32, u.1)),
            );
        }
    }
    let sides = &*sides;
    for k in 0..units.len() {
        if settled[k] {
            continue;
        }
        let Ok((_, info, pos, mut pers, _, mut combat, mut orders, mut mover)) = q.get_mut(units[k].3) else {
            continue;
        };
        if matches!(combat.status, Status::Surrendered | Status::Out) {
            continue;
        }
        if pers.active == 0 {
            combat.status = Status::Out;
            orders.phase = Phase::Done;
            mover.route = None;
            continue;
        }
        let ty = &th.types[info.unit_type];
        let quiet = combat.fired_upon_at.is_none_or(|f| t.saturating_sub(f) > 900);
        // fatigue: the last quarter of a march before the rest halt wears on morale
        if mover.march_s > 0.75 * ty.movement.march_h * 3600.0 {
            combat.morale -= 0.00001 * dt;
        }
        if quiet {
            combat.morale = (combat.morale + 0.0002 * dt).min(ty.morale.initial);
        } else {
            combat.morale -= 0.00005 * dt * combat.suppression;
            // isolation: no friendly unit within 3 km while under fire
            near.clear();
            sides[info.side].extend_near(pos.0, 3000.0, near);
            let friends_near = near.iter().map(|&j| j as usize).any(|j| {
                let u = &units[j];
                j != k && u.0 == info.side && u.2 && geom::dist(u.1, pos.0) <= 3000.0
            });
            if !friends_near {
                combat.morale -= 0.00002 * dt;
            }
        }
        combat.morale = combat.morale.clamp(0.0, 1.0);
        let home = combat.home;
        let withdraw = |orders: &mut Orders, mover: &mut Mover| {
            orders.task = TaskRt::Withdraw { to: home };
            orders.phase = Phase::Routing;
            mover.route = None;
            mover.request = Some(RouteRequest { legs: vec![(home, None)] });
        };
        match combat.status {
            Status::Fighting if combat.morale < ty.morale.break_below => {
                combat.status = Status::Broken;
                log.push(
                    t,
                    EventKind::Broke { unit: info.id.clone(), morale: (combat.morale * 100.0).round() / 100.0 },
                );
                withdraw(&mut orders, &mut mover);
            }
            Status::Fighting if combat.morale < ty.morale.withdraw_below => {
                combat.status = Status::Withdrawing;
                log.push(
                    t,
                    EventKind::Withdrew { unit: info.id.clone(), morale: (combat.morale * 100.0).round() / 100.0 },
                );
                withdraw(&mut orders, &mut mover);
            }
            Status::Withdrawing if combat.morale < ty.morale.break_below => {
                combat.status = Status::Broken;
                log.push(
                    t,
                    EventKind::Broke { unit: info.id.clone(), morale: (combat.morale * 100.0).round() / 100.0 },
                );
            }
            Status::Broken => {
                near.clear();
                for (si, b) in sides.iter().enumerate() {
                    if si != info.side {
                        b.extend_near(pos.0, 500.0, near);
                    }
                }
                let enemy_close = near
                    .iter()
                    .map(|&j| &units[j as usize])
                    .any(|u| u.0 != info.side && u.2 && geom::dist(u.1, pos.0) <= 500.0);
                if enemy_close {
                    let p = 1.0 - libm::exp(-ty.morale.surrender_per_h * dt / 3600.0);
                    let mut r = rng::at_tick(cfg.seed, "surrender", info.uid, clock.tick);
                    if r.random::<f64>() < p {
                        let n = pers.active;
                        pers.active = 0;
                        pers.captured += n;
                        combat.status = Status::Surrendered;
                        orders.phase = Phase::Done;
                        mover.route = None;
                        log.push(t, EventKind::Surrendered { unit: info.id.clone(), captured: n });
                    }
                }
            }
            _ => {}
        }
    }
}

/// A unit in the fight that has neither fired nor been fired upon for
/// `tasks::RESUPPLY_QUIET_S` gets its full load of ammunition back (Assess phase); the log
/// says so when it was below half on any weapon.
pub(super) fn resupply(
    clock: Res<Clock>,
    th: Res<Theatre>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Personnel, &mut Combat)>,
) {
    let t = clock.t;
    // look once a minute of sim time
    if t % 60 >= clock.tick_s as u64 {
        return;
    }
    for (info, pers, mut combat) in &mut q {
        if pers.active == 0 || matches!(combat.status, Status::Surrendered | Status::Out) {
            continue;
        }
        let last = combat.fired_at.max(combat.fired_upon_at).unwrap_or(0);
        if t < last + super::tasks::RESUPPLY_QUIET_S {
            continue;
        }
        let ty = &th.types[info.unit_type];
        let full: Vec<f64> = ty.weapons.iter().map(|w| w.ammo as f64 * w.count as f64).collect();
        if combat.ammo == full {
            continue;
        }
        let low = combat.ammo.iter().zip(&full).any(|(a, f)| *a < 0.5 * f);
        combat.ammo = full;
        if low {
            log.push(
                t,
                EventKind::Tactic { unit: info.id.clone(), action: "resupplied with ammunition".into(), about: None },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn samplers_have_the_right_means() {
        let mut r = ChaCha8Rng::seed_from_u64(1);
        for lambda in [0.3, 4.0, 50.0] {
            let n = 20_000;
            let mean = (0..n).map(|_| poisson(&mut r, lambda) as f64).sum::<f64>() / n as f64;
            assert!((mean - lambda).abs() < 4.0 * (lambda / n as f64).sqrt() + 0.01, "poisson {lambda}: {mean}");
        }
        let mean = (0..20_000).map(|_| binomial(&mut r, 10, 0.3) as f64).sum::<f64>() / 20_000.0;
        assert!((mean - 3.0).abs() < 0.05);
    }

    #[test]
    fn range_bands() {
        let w: Weapon = ron::from_str(
            "(name: \"AK\", kind: Rifle, count: 1, max_range_m: 400.0, rate_rpm: 10.0, ammo: 100, p_hit: [(100.0, 0.1), (400.0, 0.02)], p_kill: 0.4)",
        )
        .unwrap();
        assert_eq!(p_hit(&w, 50.0), 0.1);
        assert_eq!(p_hit(&w, 250.0), 0.02);
        assert_eq!(p_hit(&w, 401.0), 0.0);
    }
}
