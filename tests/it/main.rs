//! Integration tests, one binary. Modules:
//! - `batch`: `jets batch` / `jets merge`: identical rows across threads, shards and resumes;
//! - `cli`: the `jets` binary's commands, output shapes and exit codes;
//! - `desktop`: the app under Xvfb renders the map, symbols and panels; a window changes no result;
//! - `exercise`: orders during play, the journal's exact replay and excursion, seats over
//!   loopback (what a side's seat may receive, bad tokens, reconnecting);
//! - `determinism`: same seed ⇒ byte-identical results across processes and thread counts,
//!   different seeds differ, and the golden hash;
//! - `scenarios`: every shipped scenario and library loads, validates and runs 72 h with
//!   personnel conserved every tick;
//! - `validation`: problems are all reported, placed at their line and column;
//! - `orders`: chain of command, triggers, the tasks and the armed groups' tactics;
//! - `fuzz`: mutated and truncated scenarios never make the loader panic, every problem has a hint;
//! - `hardening`: hostile input to every command: no panic, hang, unbounded memory or lost row;
//! - `layers`: no module imports a layer above it (the layering of ARCHITECTURE.md);
//! - `reference`: models against their named references through the public API (DEM loader).
//! - `slurm`: the sbatch job array and merge job against a real single-node Slurm;
//! - `validity`: sensing and combat against Lanchester, Koopman, terrain, light and the rules.

mod authoring;
mod batch;
mod cli;
mod desktop;
mod determinism;
mod exercise;
mod fuzz;
mod hardening;
mod layers;
mod orders;
mod reference;
mod scenarios;
mod slurm;
mod validation;
mod validity;

use std::path::PathBuf;

/// Path of a file in the repository.
pub fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs the `jets` binary with arguments, returning (exit code, stdout, stderr).
pub fn jets(args: &[&str]) -> (i32, String, String) {
    jets_in(&repo(""), args)
}

/// Runs the `jets` binary in a directory.
pub fn jets_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    // no display: a bare `jets` runs headless instead of opening the app
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jets"))
        .args(args)
        .current_dir(dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run jets");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Prints expected and actual in framed blocks when they differ.
#[track_caller]
pub fn assert_same(what: &str, expected: &str, actual: &str) {
    if expected != actual {
        let first = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
        panic!(
            "{what} differ (first differing line {:?})\n---- expected ----\n{}\n---- actual ----\n{}\n------------------",
            first.map(|l| l + 1),
            expected.lines().take(40).collect::<Vec<_>>().join("\n"),
            actual.lines().take(40).collect::<Vec<_>>().join("\n")
        );
    }
}
