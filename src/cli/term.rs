//! The terminal: every line the command line prints goes through here.
//!
//! Owns: the colour choice (`--color auto|always|never`, then `NO_COLOR`, then whether stderr
//! is a terminal), escaping (text from files and arguments never reaches the terminal raw:
//! [`jets::term::printable`]), and closed pipes (`jets validate bad.ron 2>&1 | head -1`): a
//! write to a closed stdout or stderr stops that stream quietly instead of panicking, and the
//! exit code stays what the command decided.
//! Must not: decide exit codes or wording.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// When to colour diagnostics.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always, even into a file or pipe.
    Always,
    /// Never.
    Never,
}

static CHOICE: OnceLock<ColorChoice> = OnceLock::new();
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// The colour choice of the command line, read before clap parses it (so that clap's own
/// messages follow it too): `--color X` / `--color=X`, else `never` when `NO_COLOR` is set
/// and not empty, else `auto`.
pub fn choice_from_args() -> ColorChoice {
    let args: Vec<String> = std::env::args().collect();
    let given = args.iter().enumerate().find_map(|(i, a)| {
        if a == "--color" { args.get(i + 1).cloned() } else { a.strip_prefix("--color=").map(str::to_string) }
    });
    let choice = match given.as_deref() {
        Some("always") => ColorChoice::Always,
        Some("never") => ColorChoice::Never,
        Some(_) => ColorChoice::Auto,
        None if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => ColorChoice::Never,
        None => ColorChoice::Auto,
    };
    let _ = CHOICE.set(choice);
    choice
}

/// Whether diagnostics on stderr are coloured.
pub fn color() -> bool {
    match CHOICE.get().copied().unwrap_or_default() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn write_to(closed: &AtomicBool, mut w: impl Write, text: &str) {
    if closed.load(Ordering::Relaxed) {
        return;
    }
    if w.write_all(text.as_bytes()).and_then(|_| w.flush()).is_err() {
        // a closed pipe, or a full disk behind a redirection: nothing more can be said there
        closed.store(true, Ordering::Relaxed);
    }
}

/// Prints text to stdout as it is (a summary or JSON the command built; its strings from the
/// scenario are escaped by [`jets::term::printable`] here).
pub fn out(text: &str) {
    write_to(&STDOUT_CLOSED, std::io::stdout().lock(), &jets::term::printable(text));
}

/// Prints text to stderr, escaped.
pub fn err(text: &str) {
    write_to(&STDERR_CLOSED, std::io::stderr().lock(), &jets::term::printable(text));
}

/// Prints rendered problems to stderr (already escaped by `Problems::render`; may hold the
/// colour codes it chose).
pub fn problems(p: &jets::scenario::Problems) {
    write_to(&STDERR_CLOSED, std::io::stderr().lock(), &p.render(color()));
}

/// `println!` to stdout through [`out`].
macro_rules! outln {
    ($($t:tt)*) => { $crate::cli::term::out(&format!("{}\n", format_args!($($t)*))) };
}

/// `eprintln!` to stderr through [`err`].
macro_rules! errln {
    ($($t:tt)*) => { $crate::cli::term::err(&format!("{}\n", format_args!($($t)*))) };
}

pub(crate) use {errln, outln};
