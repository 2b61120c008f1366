//! Whether inputs are valid on a scenario, by the very rules `jets validate` applies to a
//! trigger's orders and to a trigger: an order is checked as the order of a trigger, an
//! inject as a trigger, a trigger action against the triggers that exist by then.
//!
//! Owns: [`inputs`]. Must not: judge a seat's rights (the session does).

use crate::format::schema::{Condition, Order, Trigger};
use crate::scenario::{self, Loaded};
use crate::sim::input::Input;

/// Prefix of the triggers the check adds for orders (on its own copy of the scenario).
const CHECK: &str = "jets_check_order_";

/// Checks `inputs` (in the order given) on `loaded`; the problems as (input index, message,
/// hint).
pub fn inputs(loaded: &Loaded, inputs: &[&Input]) -> Result<(), Vec<(usize, String, Option<String>)>> {
    let mut scn = loaded.scenario.clone();
    let mut bad = Vec::new();
    // which trigger the check adds for each input, to map problems back
    let mut added: Vec<(usize, usize)> = Vec::new();
    for (k, input) in inputs.iter().enumerate() {
        match input {
            Input::Order { unit, task } => {
                added.push((scn.triggers.len(), k));
                scn.triggers.push(Trigger {
                    id: format!("{CHECK}{k}"),
                    when: Condition::At("0s".into()),
                    delay: None,
                    after: None,
                    orders: vec![Order { unit: unit.clone(), task: task.clone() }],
                });
            }
            Input::Inject(t) => {
                if scn.triggers.iter().any(|x| x.id == t.id) {
                    bad.push((
                        k,
                        format!("a trigger `{}` exists already", t.id),
                        Some("give the inject a new id".into()),
                    ));
                    continue;
                }
                added.push((scn.triggers.len(), k));
                scn.triggers.push(t.clone());
            }
            Input::FireTrigger(id) | Input::HoldTrigger(id) | Input::ReleaseTrigger(id) => {
                if !scn.triggers.iter().any(|x| &x.id == id && !x.id.starts_with(CHECK)) {
                    let ids: Vec<&String> =
                        scn.triggers.iter().map(|x| &x.id).filter(|x| !x.starts_with(CHECK)).collect();
                    bad.push((k, format!("no trigger `{id}`"), Some(scenario::load::suggest(id, &ids, "triggers"))));
                }
            }
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    if added.is_empty() {
        return Ok(());
    }
    match scenario::load_value(loaded.origin.clone(), &scn) {
        Ok(_) => Ok(()),
        Err(problems) => {
            for p in problems.items.iter().filter(|p| p.severity == scenario::Severity::Error) {
                let path = p.path.clone().unwrap_or_default();
                let index = path
                    .strip_prefix("triggers[")
                    .and_then(|r| r.split(']').next())
                    .and_then(|n| n.parse::<usize>().ok());
                let k = index.and_then(|i| added.iter().find(|(t, _)| *t == i)).map(|(_, k)| *k);
                match k {
                    Some(k) => bad.push((k, p.message.clone(), p.hint.clone())),
                    // a problem elsewhere: the scenario itself changed underneath (cannot happen
                    // for a scenario that loaded), reported against the first input
                    None => bad.push((0, format!("{path}: {}", p.message), p.hint.clone())),
                }
            }
            if bad.is_empty() { Ok(()) } else { Err(bad) }
        }
    }
}
