//! The `jets` binary: the command line runs the headless subcommands (`cli`); this entry
//! chooses the front end for `jets view` and `jets` alone (the desktop app when built with the
//! `desktop` feature). Owns stdout, stderr and exit codes (0 ok, 1 internal failure, 2 bad
//! input).

mod cli;
#[cfg(feature = "desktop")]
mod desktop;

use std::process::ExitCode;

use cli::Outcome;

/// The front end: the desktop app.
#[cfg(feature = "desktop")]
mod front {
    pub(crate) use crate::desktop::launch::{default, view};
}

/// The front end of a headless build: `view` explains how to get the app, `jets` alone runs.
#[cfg(not(feature = "desktop"))]
mod front {
    use std::process::ExitCode;

    pub(crate) fn view(_a: crate::cli::ViewArgs) -> anyhow::Result<ExitCode> {
        crate::cli::no_desktop()
    }

    pub(crate) fn default() -> anyhow::Result<ExitCode> {
        crate::cli::run_default("this build has no desktop app")
    }
}

fn main() -> ExitCode {
    let done = cli::run().and_then(|outcome| match outcome {
        Outcome::Exit(code) => Ok(code),
        Outcome::View(args) => front::view(*args),
        Outcome::Default => front::default(),
    });
    match done {
        Ok(code) => code,
        Err(e) => {
            if e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) {
                return ExitCode::SUCCESS;
            }
            cli::term::err(&format!("error: {e:#}\n"));
            ExitCode::from(1)
        }
    }
}
