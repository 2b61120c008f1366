//! The order journal of a session: every input given, stamped with the tick it took effect in
//! and the seat that gave it, in a RON file. Replaying it on the same scenario and seed gives
//! the same run, byte for byte (`jets run SCENARIO --journal FILE`); turned into an excursion
//! (`jets journal FILE --to-excursion OUT.ron`) it reissues the players' decisions as
//! triggers, so that `jets batch` can replicate them over many seeds.
//!
//! Owns: [`Journal`] (the file), reading it with located problems, checking it against its
//! scenario, and [`to_excursion`]. Must not: print, or run anything but a replay.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::format::schema::{Condition, Order, Scenario};
use crate::scenario::locate::Path as RonPath;
use crate::scenario::{self, Loaded, Problems};
use crate::sim::events::EventKind;
use crate::sim::input::{Entry, Input};
use crate::sim::{self, RunOptions};

/// The journal format this jets writes and reads.
pub const FORMAT: u32 = 1;

/// A session's journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    /// Format version (1).
    pub format: u32,
    /// The scenario file, as the session named it.
    pub scenario: String,
    /// SHA-256 of the scenario and its library and DEM files: a replay checks it.
    pub scenario_hash: String,
    /// The run's seed.
    pub seed: u64,
    /// When the session started (wall clock, UTC; for the record only).
    #[serde(default)]
    pub started_utc: String,
    /// The seats of the session (for the record only).
    #[serde(default)]
    pub seats: Vec<String>,
    /// Every input, in the order given (ticks never decrease).
    pub entries: Vec<Entry>,
}

impl Journal {
    /// An empty journal of a run of `loaded` with `seed`.
    pub fn new(loaded: &Loaded, seed: u64, seats: Vec<String>, started_utc: String) -> Journal {
        Journal {
            format: FORMAT,
            scenario: loaded.file.clone(),
            scenario_hash: loaded.hash.clone(),
            seed,
            started_utc,
            seats,
            entries: Vec::new(),
        }
    }

    /// The journal as RON text, with a header comment saying how to replay it.
    pub fn to_ron(&self) -> String {
        let cfg = ron::ser::PrettyConfig::new().depth_limit(4).struct_names(false);
        let body = ron::ser::to_string_pretty(self, cfg).unwrap_or_default();
        format!(
            "// jets order journal: every order and control action of an exercise session, with the\n\
             // tick it took effect in. Replay it (on the scenario it names): jets run --journal THIS_FILE\n{body}\n"
        )
    }

    /// Writes the journal atomically.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        crate::fsio::write_atomic(path, self.to_ron().as_bytes())
    }

    /// Reads a journal file; problems are placed at their line and column.
    pub fn read(path: &Path) -> Result<Journal, Problems> {
        let mut problems = Problems::default();
        let text = match scenario::load::read_capped(path) {
            Ok(t) => t,
            Err(e) => {
                let hint = scenario::load::read_hint(&e);
                problems.error_bare(e, Some(hint));
                return Err(problems);
            }
        };
        let src = problems.add_source(&path.display().to_string(), text.clone());
        let Some(j) = scenario::load::parse_ron::<Journal>(&mut problems, src, &text) else {
            return Err(problems);
        };
        let root = RonPath::root();
        if j.format != FORMAT {
            problems.error(
                src,
                &root.f("format"),
                format!("journal format {} is not supported", j.format),
                Some(format!("this jets reads format {FORMAT}")),
            );
        }
        let mut last = 0;
        for (k, e) in j.entries.iter().enumerate() {
            if e.tick == 0 || e.tick < last {
                problems.error(
                    src,
                    &root.f("entries").i(k).f("tick"),
                    format!("tick {} comes before the tick of the entry above it ({last}), or is 0", e.tick),
                    Some("entries are in the order given; the first tick is 1".into()),
                );
            }
            last = e.tick;
        }
        if problems.has_errors() { Err(problems) } else { Ok(j) }
    }

    /// Checks the journal against the scenario it is to be replayed on: the same scenario (by
    /// hash), and every input valid there (orders a unit can carry out, triggers that exist,
    /// injects that validate). Problems are placed in the journal's text when `text` is given.
    pub fn check(&self, loaded: &Loaded, name: &str, text: Option<Arc<str>>) -> Result<(), Problems> {
        let mut problems = Problems::default();
        let src = text.map(|t| problems.add_source(name, t));
        if self.scenario_hash != loaded.hash {
            let msg = format!(
                "the journal was recorded on another scenario ({}, hash {}…), not on {} (hash {}…)",
                self.scenario,
                &self.scenario_hash.get(..12).unwrap_or(""),
                loaded.file,
                &loaded.hash.get(..12).unwrap_or("")
            );
            let hint = Some("replay it on the very file it was recorded with: any change to the scenario or its library changes the run".into());
            match src {
                Some(s) => problems.error(s, &RonPath::root().f("scenario_hash"), msg, hint),
                None => problems.error_bare(msg, hint),
            }
            return Err(problems);
        }
        let inputs: Vec<&Input> = self.entries.iter().map(|e| &e.input).collect();
        if let Err(bad) = super::check::inputs(loaded, &inputs) {
            for (k, msg, hint) in bad {
                match src {
                    Some(s) => problems.error(s, &RonPath::root().f("entries").i(k).f("input"), msg, hint),
                    None => problems.error_bare(format!("entry {k}: {msg}"), hint),
                }
            }
            return Err(problems);
        }
        Ok(())
    }
}

/// The journal's decisions as an excursion of its scenario: each order becomes a trigger at
/// the time it was given (through the same headquarters, with the same delays); an inject
/// becomes a trigger that cannot fire before the time it was added; a trigger the control
/// fired by hand fires at that time; a trigger held and released cannot fire before its
/// release, and one held to the end is left out. Holds are the one approximation: in another
/// replication the trigger's condition may come earlier than the hold began, and the
/// excursion still waits for the release.
///
/// The session is replayed once (same scenario, same seed) to learn which triggers the
/// control's actions actually affected. The scenario is written back over its own text, so
/// its comments are kept and only the triggers differ.
pub fn to_excursion(loaded: &Arc<Loaded>, journal: &Journal) -> Result<(Scenario, String), String> {
    let tick_s = loaded.scenario.meta.tick_s as u64;
    let at = |tick: u64| format!("{}s", tick * tick_s);
    let replay = sim::run_with(
        loaded.clone(),
        &RunOptions { seed: Some(journal.seed), ..Default::default() },
        &journal.entries,
    )?;
    let forced: Vec<(String, u64)> = replay
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Trigger { id, condition } if condition.starts_with("fired by the exercise control") => {
                Some((id.clone(), e.t))
            }
            _ => None,
        })
        .collect();
    let mut scn = loaded.scenario.clone();
    let mut held: Vec<(String, u64)> = Vec::new();
    // a new trigger's id: `journal_007_cis`, with a suffix in the unlikely case it is taken
    let fresh = |base: String, scn: &Scenario| {
        let mut id = base.clone();
        let mut n = 2;
        while scn.triggers.iter().any(|t| t.id == id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    };
    for (k, e) in journal.entries.iter().enumerate() {
        match &e.input {
            Input::Order { unit, task } => {
                let id = fresh(format!("journal_{k:03}_{}", sanitize(&e.seat)), &scn);
                scn.triggers.push(crate::format::schema::Trigger {
                    id,
                    when: Condition::At(at(e.tick)),
                    delay: None,
                    after: None,
                    orders: vec![Order { unit: unit.clone(), task: task.clone() }],
                });
            }
            Input::Inject(t) => {
                let mut t = t.clone();
                t.after = Some(at(e.tick));
                scn.triggers.push(t);
            }
            Input::FireTrigger(id) => {
                if let Some((_, t_fired)) = forced.iter().find(|(f, _)| f == id)
                    && let Some(tr) = scn.triggers.iter_mut().find(|t| &t.id == id)
                {
                    tr.when = Condition::At(format!("{t_fired}s"));
                    tr.delay = None;
                    tr.after = None;
                }
            }
            Input::HoldTrigger(id) => held.push((id.clone(), e.tick)),
            Input::ReleaseTrigger(id) => {
                if let Some(k) = held.iter().position(|(h, _)| h == id) {
                    held.remove(k);
                    if let Some(tr) = scn.triggers.iter_mut().find(|t| &t.id == id) {
                        tr.after = Some(at(e.tick));
                    }
                }
            }
        }
    }
    // held to the end: it never fired in the session
    scn.triggers.retain(|t| !held.iter().any(|(h, _)| *h == t.id));
    scn.meta.name = format!("{} — excursion of the session of {}", scn.meta.name, journal.started_utc);
    let text = scenario::save::to_ron(&scn, Some(&loaded.text))?.text;
    Ok((scn, text))
}

fn sanitize(seat: &str) -> String {
    seat.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}
