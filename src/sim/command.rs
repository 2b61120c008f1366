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

use std::collections::BTreeSet;

use bevy::prelude::*;

use super::SimSystems;
use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog};
use super::setup::Theatre;
use crate::terrain::geom::{self, P2};

/// Distance within which a known enemy disrupts a headquarters, metres.
pub const HQ_DISRUPTION_M: f64 = 2000.0;

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
}

/// The state of command and control.
#[derive(Resource, Debug, Default)]
pub struct Command {
    handled: BTreeSet<(usize, u64)>,
    committed: BTreeSet<u64>,
    pending: Vec<Pending>,
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

fn command(
    clock: Res<Clock>,
    th: Res<Theatre>,
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
        let Ok((_, _, _, pers, combat, mut orders, mut mover)) = q.get_mut(p.unit) else { continue };
        if pers.active == 0 || combat.status != Status::Fighting {
            continue;
        }
        let aim = pics.sides[p.side].get(&p.target).map(|c| c.est).unwrap_or(p.aim);
        orders.task = TaskRt::Hold { at: aim, pass: None, observe: false };
        orders.phase = Phase::Start;
        mover.route = None;
        mover.request = None;
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
    // (entity, uid, side, contingent, position, available reserve)
    let units: Vec<(Entity, u64, usize, usize, P2, bool)> = q
        .iter()
        .map(|(e, i, p, pe, c, o, _)| {
            let reserve = matches!(o.task, TaskRt::Reserve { .. })
                && o.phase == Phase::InPlace
                && c.status == Status::Fighting
                && pe.active > 0
                && th.profiles[i.profile].on_ground()
                && th.types[i.unit_type].category != crate::scenario::schema::Category::Headquarters
                && !cmd.committed.contains(&i.uid);
            (e, i.uid, i.side, i.contingent, p.0, reserve)
        })
        .collect();
    for (si, uid) in fresh {
        cmd.handled.insert((si, uid));
        let c = &pics.sides[si][&uid];
        let owner = c.seen_by.first().and_then(|o| units.iter().find(|u| u.1 == *o)).map(|u| u.3);
        let Some(owner) = owner.or_else(|| th.contingents.iter().position(|k| k.side == si)) else { continue };
        let nearest = |own: bool| {
            units
                .iter()
                .filter(|u| u.2 == si && u.5 && !cmd.committed.contains(&u.1) && (u.3 == owner) == own)
                .min_by(|a, b| geom::dist(a.4, c.est).total_cmp(&geom::dist(b.4, c.est)).then(a.1.cmp(&b.1)))
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
        let tasking = th.contingents[reserve.3].id.clone();
        if reserve.3 != owner {
            let liaison = liaison_s(&th, &owner_id, &tasking, si) * factor;
            log.push(
                t,
                EventKind::Order {
                    from: format!("{owner_id} HQ"),
                    to: format!("{tasking} HQ"),
                    task: "request a reserve".into(),
                    about: c.unit.clone(),
                    delay_s: liaison,
                    readiness_s: 0,
                    disrupted,
                },
            );
            delay += liaison;
        }
        let readiness = th.loaded.scenario.sides[si]
            .contingents
            .iter()
            .find(|k| k.id == tasking)
            .map(|k| (k.readiness_min * 60.0).round() as u64)
            .unwrap_or(0);
        let unit_id = th.unit_ids[q.get(reserve.0).map(|x| x.1.index).unwrap_or(0)].clone();
        log.push(
            t,
            EventKind::Order {
                from: format!("{tasking} HQ"),
                to: unit_id,
                task: "move to the contact and engage".into(),
                about: c.unit.clone(),
                delay_s: delay,
                readiness_s: readiness,
                disrupted,
            },
        );
        cmd.committed.insert(reserve.1);
        cmd.pending.push(Pending {
            moves_at: t + delay + readiness,
            unit: reserve.0,
            target: uid,
            side: si,
            aim: c.est,
        });
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Command>().add_systems(super::SimTick, command.in_set(SimSystems::Orders));
}
