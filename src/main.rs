//! The `jets` command line: dispatches to the subcommands, owns stdout, stderr and exit codes
//! (0 ok, 1 internal failure, 2 bad input).

mod cli;
#[cfg(feature = "desktop")]
mod desktop;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
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
