//! The sbatch script against a real single-node Slurm (`../shared/tools/slurm-local.sh`): a
//! 4-task job array and its dependent merge job give the same rows as one `jets batch`.
//! Skipped, with the reason printed, only where Slurm cannot run: not root, or no
//! slurm-local.sh beside the repository. `.ci/run` starts Slurm before the tests.

use std::process::Command;

use super::{jets, repo};

fn sh(cmd: &mut Command) -> (bool, String) {
    match cmd.output() {
        Ok(o) => (
            o.status.success(),
            format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)),
        ),
        Err(e) => (false, e.to_string()),
    }
}

#[test]
fn slurm_job_array_matches_a_single_process() {
    let tool = repo("../shared/tools/slurm-local.sh");
    let running = sh(Command::new("sinfo").arg("-h")).0;
    let mut started_here = false;
    if !running {
        let root = sh(Command::new("id").arg("-u")).1.trim() == "0";
        if !tool.exists() || !root {
            eprintln!(
                "SKIPPED slurm_job_array_matches_a_single_process: Slurm is not running, and it can only be started as root with {} (root: {root}, tool present: {})",
                tool.display(),
                tool.exists()
            );
            return;
        }
        let (ok, log) = sh(Command::new("bash").arg(&tool).arg("start"));
        assert!(ok, "slurm-local.sh start failed:\n{log}");
        started_here = true;
    }
    // in the build's own folder for test files (not /tmp, which a Slurm job may not share),
    // wherever CARGO_TARGET_DIR puts it
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let single = dir.path().join("single");
    let (code, _, err) = jets(&["batch", "--runs", "8", "--seed", "5", "--quiet", "--out", single.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("array");
    let (ok, log) = sh(Command::new("bash")
        .arg(repo("scripts/slurm/batch.sbatch"))
        .args([out.to_str().unwrap(), "4", "--runs", "8", "--seed", "5"])
        .current_dir(dir.path())
        .env("JETS", env!("CARGO_BIN_EXE_jets"))
        .env("JETS_WAIT", "1"));
    if started_here {
        let _ = sh(Command::new("bash").arg(&tool).arg("stop"));
    }
    assert!(ok, "sbatch failed:\n{log}");
    let read = |p: std::path::PathBuf| {
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}\nsbatch said:\n{log}", p.display()))
    };
    for k in 0..4 {
        assert!(out.join(format!("shard-{k}/runs.csv")).exists(), "shard {k} missing:\n{log}");
    }
    super::assert_same(
        "runs.csv (single process vs Slurm array + merge)",
        &read(single.join("runs.csv")),
        &read(out.join("merged/runs.csv")),
    );
    super::assert_same(
        "summary.csv (single process vs Slurm array + merge)",
        &read(single.join("summary.csv")),
        &read(out.join("merged/summary.csv")),
    );
}
