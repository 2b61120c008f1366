//! Same scenario and seed ⇒ byte-identical event log and summary, whatever the process or the
//! thread count; different seeds differ; and the golden hash pins today's behaviour.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use jets::scenario;
use jets::sim::{self, RunOptions};

use super::{assert_same, jets};

/// The summary as JSON without its one non-deterministic field.
fn summary_json(s: &jets::sim::metrics::Summary) -> String {
    let mut v = serde_json::to_value(s).unwrap();
    v.as_object_mut().unwrap().remove("wall_time_s");
    serde_json::to_string_pretty(&v).unwrap()
}

fn events_jsonl(events: &[jets::sim::events::Event]) -> String {
    events.iter().map(|e| serde_json::to_string(e).unwrap() + "\n").collect()
}

fn run(seed: u64, threads: usize, scale: u32) -> (String, String) {
    let mut loaded = scenario::load_default().expect("default scenario loads");
    scenario::scale_units(&mut loaded, scale).unwrap();
    let r = sim::run(
        Arc::new(loaded),
        &RunOptions { seed: Some(seed), threads, scale, check_invariants: true, ..Default::default() },
    );
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    (events_jsonl(&r.events), summary_json(&r.summary))
}

#[test]
fn same_seed_same_bytes_across_thread_counts() {
    let (e1, s1) = run(11, 1, 2);
    let (e2, s2) = run(11, 4, 2);
    let (e3, s3) = run(11, 0, 2);
    assert_same("event logs (1 vs 4 threads)", &e1, &e2);
    assert_same("summaries (1 vs 4 threads)", &s1, &s2);
    assert_same("event logs (1 vs all threads)", &e1, &e3);
    assert_same("summaries (1 vs all threads)", &s1, &s3);
}

#[test]
fn same_seed_same_bytes_across_processes() {
    let dir = tempfile::tempdir().unwrap();
    let mut logs = Vec::new();
    let mut sums = Vec::new();
    for (k, threads) in ["1", "2"].iter().enumerate() {
        let path = dir.path().join(format!("e{k}.jsonl"));
        let (code, out, err) = jets(&[
            "run",
            "--seed",
            "42",
            "--threads",
            threads,
            "--summary",
            "json",
            "--events",
            path.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v.as_object_mut().unwrap().remove("wall_time_s");
        sums.push(v.to_string());
        logs.push(std::fs::read_to_string(&path).unwrap());
    }
    assert_same("event logs of two processes", &logs[0], &logs[1]);
    assert_same("summaries of two processes", &sums[0], &sums[1]);
    // the CLI and the library agree too
    let (e, _) = run(42, 1, 1);
    assert_same("CLI and library event logs", &logs[0], &e);
}

#[test]
fn different_seeds_differ() {
    let (a, _) = run(1, 1, 1);
    let (b, _) = run(2, 1, 1);
    assert_ne!(a, b, "seeds 1 and 2 gave the same event log");
}

/// Golden hash of the event log and summary of Cooperation 2000, seed 2000, 72 h.
///
/// If this fails, behaviour changed. Update `GOLDEN` (in tests/it/determinism.rs) to the value
/// printed below ONLY when the change was intended (a model change, a tuned parameter, an edit
/// of the scenario or its library) and say so in the commit message.
#[test]
fn golden_hash() {
    const GOLDEN: &str = "bfd5f669ce9c535f6340b0aa98e6455d5b14819b798384aa87c6821600357d7f";
    let (e, s) = run(2000, 1, 1);
    let mut h = Sha256::new();
    h.update(e.as_bytes());
    h.update(s.as_bytes());
    let got = format!("{:x}", h.finalize());
    assert_eq!(
        got, GOLDEN,
        "\nThe golden hash changed: the event log or summary of Cooperation 2000 (seed 2000) is different.\n\
         If the change is intended, set GOLDEN in tests/it/determinism.rs to \"{got}\"\n\
         and explain the behaviour change in the commit message. If not, a change broke determinism or the model."
    );
}
