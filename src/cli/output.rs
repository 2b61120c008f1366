//! Writing files atomically and formatting the text summary.

use jets::format::duration::format_duration;
use jets::sim::events::{Event, EventKind};
use jets::sim::metrics::Summary;

pub use jets::batch::output::write_atomic;

fn opt_time(t: Option<u64>) -> String {
    t.map(|s| format!("T+{}", format_duration(s))).unwrap_or_else(|| "—".into())
}

/// The human-readable summary.
pub fn summary_text(s: &Summary, events: &[Event]) -> String {
    let mut o = String::new();
    let rtf = if s.wall_time_s > 0.0 { s.sim_time_s as f64 / s.wall_time_s } else { 0.0 };
    o.push_str(&format!(
        "{} — seed {}{}\n{} simulated ({} ticks) in {:.3} s wall ({:.0}x real time)\n\n",
        s.scenario,
        s.seed,
        if s.scale > 1 { format!(", forces x{}", s.scale) } else { String::new() },
        format_duration(s.sim_time_s),
        s.ticks,
        s.wall_time_s,
        rtf
    ));
    let reason = events
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::Outcome { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .unwrap_or_default();
    o.push_str(&format!("Outcome: {}  ({reason})\n\n", s.outcome.as_str()));
    o.push_str(&format!(
        "{:<8} {:>7} {:>7} {:>8} {:>9} {:>7} {:>12} {:>10} {:>10}\n",
        "side", "start", "killed", "wounded", "captured", "active", "exfiltrated", "objective", "moved km"
    ));
    for (id, t) in &s.sides {
        o.push_str(&format!(
            "{:<8} {:>7} {:>7} {:>8} {:>9} {:>7} {:>12} {:>10} {:>10.1}\n",
            id,
            t.start,
            t.killed,
            t.wounded,
            t.captured,
            t.active,
            t.exfiltrated,
            t.reached_objective,
            s.distance_km.get(id).copied().unwrap_or(0.0)
        ));
    }
    o.push_str(&format!("\n{:<10} {:>7} {:>7} {:>8}\n", "contingent", "start", "killed", "wounded"));
    for (id, c) in &s.contingents {
        o.push_str(&format!("{:<10} {:>7} {:>7} {:>8}\n", id, c.start, c.killed, c.wounded));
    }
    o.push_str(&format!(
        "\nfirst pass crossing {}   first at objective {}   attacker units over a pass {}   at objectives {}\n",
        opt_time(s.first_pass_crossing_s),
        opt_time(s.first_objective_s),
        s.attacker_units_crossed,
        s.attacker_units_at_objective
    ));
    o.push_str(&format!(
        "defender units dug in {}   first detection {}   first engagement {}   civilians killed {}   hostages taken {} / freed {}\n",
        s.defender_units_dug_in,
        opt_time(s.first_detection_s),
        opt_time(s.first_engagement_s),
        s.civilians_killed,
        s.hostages_taken,
        s.hostages_freed
    ));
    let per_side = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    };
    o.push_str(&format!(
        "detections {}   units broken {}   surrendered {}   fire missions {}   air sorties {}   civilians wounded {}   hostages still held {}\n",
        per_side(&s.detections),
        per_side(&s.units_broken),
        per_side(&s.units_surrendered),
        s.fire_missions,
        s.sorties,
        s.civilians_wounded,
        s.hostages_held
    ));
    o.push_str(&format!("{} events; scenario hash {}\n", s.events, &s.scenario_hash[..s.scenario_hash.len().min(16)]));
    o
}
