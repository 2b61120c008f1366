//! Messages in operational form (Record phase): what each side's headquarters receive, when
//! they receive it, as an exercise staff reads it. Built from the modelled reports, orders,
//! fire missions and sorties with their delays and errors — a spot report carries the
//! observer's estimate (position with its error, strength, category only when identified),
//! not the truth — plus an hourly situation report per contingent.
//!
//! Each side numbers the enemy units it has detected as tracks (`T-0001`, in the order of its
//! detections; a contact lost and found again gets a new number): its messages, and every view
//! of an exercise seat, name an enemy by its track, never by its id.
//!
//! Owns: [`Comms`] (the tracks and the messages), switched on by `RunOptions::messages` (the
//! desktop app and exercise sessions; batch runs leave it off and pay nothing). Must not:
//! change anything the other systems read: messages are an account of the run, not part of it.

use std::collections::BTreeMap;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog};
use super::theatre::Theatre;

/// A side's numbering of the enemy units it has detected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tracks {
    /// The current track of each enemy unit it has detected (by unit id).
    pub by_unit: BTreeMap<String, u32>,
    /// Tracks given so far.
    pub count: u32,
}

impl Tracks {
    /// The track name of an enemy unit, if the side has detected it.
    pub fn name(&self, unit: &str) -> Option<String> {
        self.by_unit.get(unit).map(|n| track_name(*n))
    }
}

/// `T-0007`.
pub fn track_name(n: u32) -> String {
    format!("T-{n:04}")
}

/// Kinds of message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MessageKind {
    /// A spot report (SALUTE) of a new contact.
    SpotRep,
    /// A situation report of a contingent, on the hour.
    SitRep,
    /// An order from a headquarters to a unit.
    Order,
    /// A request for fire or air support between headquarters.
    Request,
    /// A call for fire and its answer (rounds on the way).
    FireMission,
    /// An air sortie's steps.
    Air,
}

/// One message, as its recipient reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// When it reaches the recipient, sim seconds.
    pub t: u64,
    /// The recipient's side (index).
    pub side: usize,
    /// The recipient contingent (index), or `None` for the whole side (the joint headquarters).
    pub contingent: Option<usize>,
    /// What it is.
    pub kind: MessageKind,
    /// Sender.
    pub from: String,
    /// Recipient.
    pub to: String,
    /// The track it concerns, if any.
    pub track: Option<u32>,
    /// The text in operational form (several lines).
    pub text: String,
}

/// The tracks and messages of every side.
#[derive(Resource, Debug, Clone, Default)]
pub struct Comms {
    /// Messages are made only when on.
    pub enabled: bool,
    /// Per side: its tracks.
    pub tracks: Vec<Tracks>,
    /// Every message so far, in the order made (a message's `t` may lie ahead: it is on its way).
    pub log: Vec<Message>,
    /// Events of the log already read.
    seen: usize,
    /// The last hour a situation report was made for.
    last_hour: u64,
    /// Unit id -> (side, contingent).
    units: BTreeMap<String, (usize, usize)>,
}

impl Comms {
    /// Messages a side (or one of its contingents) has received by `t`, in the order made.
    pub fn received(&self, side: usize, contingent: Option<usize>, t: u64) -> impl Iterator<Item = &Message> {
        self.log.iter().filter(move |m| {
            m.side == side && m.t <= t && (contingent.is_none() || m.contingent.is_none() || m.contingent == contingent)
        })
    }
}

/// Date-time group of a sim time: `292300Z MAR 00`.
pub fn dtg(clock: &Clock, t: u64) -> String {
    let utc = clock.start_utc_s + t as i64;
    match chrono::DateTime::from_timestamp(utc, 0) {
        Some(d) => d.format("%d%H%MZ %b %y").to_string().to_uppercase(),
        None => format!("T+{t}s"),
    }
}

fn place_text(th: &Theatre, p: (f64, f64)) -> String {
    let g = th.frame.to_geo(p.0, p.1);
    format!("{:.4}N {:.4}E (map {:.1} km E, {:.1} km N)", g.lat, g.lon, p.0 / 1000.0, p.1 / 1000.0)
}

fn hq(th: &Theatre, c: usize) -> String {
    format!("{} HQ", th.contingents[c].id)
}

fn contingent_of_hq(th: &Theatre, name: &str) -> Option<usize> {
    let id = name.strip_suffix(" HQ")?;
    th.contingents.iter().position(|c| c.id == id)
}

/// Reads the tick's new events and writes the messages they make (Record phase, last).
pub(super) fn messages(
    clock: Res<Clock>,
    th: Res<Theatre>,
    pics: Res<Pictures>,
    log: Res<EventLog>,
    mut comms: ResMut<Comms>,
    q: Query<(&UnitInfo, &Position, &Personnel, &Stance, &Combat, &Orders)>,
) {
    if !comms.enabled {
        return;
    }
    let comms = &mut *comms;
    if comms.units.is_empty() {
        comms.units = q.iter().map(|(i, ..)| (i.id.clone(), (i.side, i.contingent))).collect();
        comms.tracks = vec![Tracks::default(); th.sides.len()];
    }
    let t = clock.t;
    let start = comms.seen.min(log.events.len());
    for ev in &log.events[start..] {
        let side_of = |u: &str| comms.units.get(u).copied();
        match &ev.kind {
            EventKind::Detected { observer, target, range_m, est_strength, class } => {
                let Some((si, ci)) = side_of(observer) else { continue };
                let tr = &mut comms.tracks[si];
                tr.count += 1;
                let n = tr.count;
                tr.by_unit.insert(target.clone(), n);
                let contact = pics.sides[si].values().find(|c| &c.unit == target);
                let (est, err, known_at, shared_at) = match contact {
                    Some(c) => (c.est, c.error_m, c.known_at, c.shared_at),
                    None => continue,
                };
                let activity = q
                    .iter()
                    .find(|(i, ..)| &i.id == target)
                    .map(|(_, _, _, st, ..)| format!("{:?}", st.posture).to_lowercase())
                    .unwrap_or_else(|| "unknown".into());
                let category = class.clone().unwrap_or_else(|| "unidentified".into());
                let body = format!(
                    "S: about {est_strength} personnel\nA: {activity}, seen by {observer} at {range_m:.0} m\n\
                     L: {} ±{err:.0} m\nU: {category}\nT: {} (D+{} {:02}:{:02})\nE: {}",
                    place_text(&th, est),
                    dtg(&clock, ev.t),
                    ev.t / 86_400,
                    (ev.t % 86_400) / 3600,
                    (ev.t % 3600) / 60,
                    if class.is_some() { "as identified" } else { "not identified" }
                );
                let to = hq(&th, ci);
                comms.log.push(Message {
                    t: known_at,
                    side: si,
                    contingent: Some(ci),
                    kind: MessageKind::SpotRep,
                    from: observer.clone(),
                    to: to.clone(),
                    track: Some(n),
                    text: format!(
                        "SPOTREP {} {} FROM {observer} TO {to}\n{body}",
                        track_name(n),
                        dtg(&clock, known_at)
                    ),
                });
                let joint = format!("{} joint HQ", th.sides[si]);
                comms.log.push(Message {
                    t: shared_at,
                    side: si,
                    contingent: None,
                    kind: MessageKind::SpotRep,
                    from: joint.clone(),
                    to: "all contingents".into(),
                    track: Some(n),
                    text: format!(
                        "SPOTREP {} {} FROM {joint} TO all contingents (relayed from {to})\n{body}",
                        track_name(n),
                        dtg(&clock, shared_at)
                    ),
                });
            }
            EventKind::ContactLost { side, target } => {
                let Some(si) = th.sides.iter().position(|s| s == side) else { continue };
                let Some(n) = comms.tracks[si].by_unit.remove(target) else { continue };
                comms.log.push(Message {
                    t: ev.t,
                    side: si,
                    contingent: None,
                    kind: MessageKind::SpotRep,
                    from: format!("{side} joint HQ"),
                    to: "all contingents".into(),
                    track: Some(n),
                    text: format!("TRACK {} DROPPED {}: not seen for too long", track_name(n), dtg(&clock, ev.t)),
                });
            }
            EventKind::Order { from, to, task, about, delay_s, readiness_s, disrupted } => {
                let Some(ci) = contingent_of_hq(&th, from) else { continue };
                let si = th.contingents[ci].side;
                let subject = comms.tracks[si].name(about).or_else(|| {
                    // an own unit, a trigger or a seat: shown as it is, never an enemy's id
                    side_of(about).filter(|(s, _)| *s == si).map(|_| about.clone())
                });
                let about_text = match (subject, about.starts_with("trigger ") || about.starts_with("order from ")) {
                    (Some(s), _) => format!(" about {s}"),
                    (None, true) => " (higher headquarters' order)".to_string(),
                    (None, false) => String::new(),
                };
                let flags = if *disrupted { " — HQ disrupted, delay doubled" } else { "" };
                let (kind, recipient) = match contingent_of_hq(&th, to) {
                    Some(k) => (MessageKind::Request, Some(k)),
                    None => (MessageKind::Order, Some(ci)),
                };
                let recipient = recipient.unwrap_or(ci);
                comms.log.push(Message {
                    t: ev.t,
                    side: si,
                    contingent: Some(ci),
                    kind,
                    from: from.clone(),
                    to: to.clone(),
                    track: comms.tracks[si].by_unit.get(about).copied(),
                    text: format!(
                        "{} {} FROM {from} TO {to}: {task}{about_text}; arrives in {} min{}{flags}",
                        if kind == MessageKind::Request { "REQUEST" } else { "ORDER" },
                        dtg(&clock, ev.t),
                        delay_s / 60,
                        if *readiness_s > 0 {
                            format!(", moves {} min later", readiness_s / 60)
                        } else {
                            String::new()
                        }
                    ),
                });
                if kind == MessageKind::Request && recipient != ci {
                    comms.log.push(Message {
                        t: ev.t + delay_s,
                        side: si,
                        contingent: Some(recipient),
                        kind,
                        from: from.clone(),
                        to: to.clone(),
                        track: comms.tracks[si].by_unit.get(about).copied(),
                        text: format!(
                            "REQUEST {} FROM {from} TO {to}: {task}{about_text}",
                            dtg(&clock, ev.t + delay_s)
                        ),
                    });
                }
            }
            EventKind::FireMission { unit, target, weapon, x, y, delay_s } => {
                let Some((si, ci)) = side_of(unit) else { continue };
                let tr = comms.tracks[si].name(target).unwrap_or_else(|| "an unnumbered target".into());
                comms.log.push(Message {
                    t: ev.t,
                    side: si,
                    contingent: Some(ci),
                    kind: MessageKind::FireMission,
                    from: unit.clone(),
                    to: hq(&th, ci),
                    track: comms.tracks[si].by_unit.get(target).copied(),
                    text: format!(
                        "FIRE MISSION {} {unit} ({weapon}) on {tr} at {}: rounds on the way, impact in {} min",
                        dtg(&clock, ev.t),
                        place_text(&th, (*x, *y)),
                        delay_s.div_ceil(60)
                    ),
                });
            }
            EventKind::Sortie { unit, phase, target, reason, .. } => {
                let Some((si, ci)) = side_of(unit) else { continue };
                let tr = target.as_deref().and_then(|g| comms.tracks[si].name(g));
                comms.log.push(Message {
                    t: ev.t,
                    side: si,
                    contingent: Some(ci),
                    kind: MessageKind::Air,
                    from: unit.clone(),
                    to: hq(&th, ci),
                    track: target.as_deref().and_then(|g| comms.tracks[si].by_unit.get(g).copied()),
                    text: format!(
                        "AIR {} {unit}: {phase}{}{}",
                        dtg(&clock, ev.t),
                        tr.map(|s| format!(" against {s}")).unwrap_or_default(),
                        reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
                    ),
                });
            }
            _ => {}
        }
    }
    comms.seen = log.events.len();
    // situation reports on the hour
    let hour = t / 3600;
    if hour > comms.last_hour {
        comms.last_hour = hour;
        for (ci, c) in th.contingents.iter().enumerate() {
            let mut lines = Vec::new();
            let (mut active, mut start, mut killed, mut wounded, mut captured) = (0u32, 0u32, 0u32, 0u32, 0u32);
            let mut units: Vec<_> = q.iter().filter(|(i, ..)| i.contingent == ci).collect();
            units.sort_by_key(|(i, ..)| i.index);
            for (i, p, pe, st, cb, o) in &units {
                active += pe.active;
                start += pe.start;
                killed += pe.killed;
                wounded += pe.wounded;
                captured += pe.captured;
                let ty = &th.types[i.unit_type];
                let ammo: f64 = {
                    let full: f64 = ty.weapons.iter().map(|w| w.ammo as f64 * w.count as f64).sum();
                    if full > 0.0 { cb.ammo.iter().sum::<f64>() / full } else { 1.0 }
                };
                lines.push(format!(
                    "  {}: {} of {} in the fight, {}, {:?}, morale {:.0} %, ammunition {:.0} %, at {}",
                    i.id,
                    pe.active,
                    pe.start,
                    o.task.label(),
                    st.posture,
                    cb.morale * 100.0,
                    ammo * 100.0,
                    place_text(&th, p.0)
                ));
            }
            if units.is_empty() {
                continue;
            }
            let known = pics.sides[c.side].values().filter(|k| k.known_to(u64::MAX, ci, t)).count();
            comms.log.push(Message {
                t,
                side: c.side,
                contingent: Some(ci),
                kind: MessageKind::SitRep,
                from: hq(&th, ci),
                to: format!("{} joint HQ", th.sides[c.side]),
                track: None,
                text: format!(
                    "SITREP {} {} (D+{} {:02}:00): {active} of {start} in the fight; killed {killed}, wounded {wounded}, \
                     captured {captured}; {known} contact(s) known\n{}",
                    hq(&th, ci),
                    dtg(&clock, t),
                    t / 86_400,
                    (t % 86_400) / 3600,
                    lines.join("\n")
                ),
            });
        }
    }
}
