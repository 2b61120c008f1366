//! The desktop front end's entry: `jets view` (and `jets` alone with a display) checks its
//! arguments with the command line's helpers and opens the app.
//!
//! The command line (`cli`) runs the headless subcommands and never calls the desktop; the
//! binary's `main` chooses this front end when the `desktop` feature is built.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use jets::scenario;

use crate::cli::term::errln;
use crate::cli::{self, BAD_INPUT, ViewArgs, load, read_journal_arg, report, writable};

/// `jets` alone: the app when a display answers and the app starts on it; else the headless
/// run of the embedded scenario, saying why.
pub(crate) fn default() -> Result<ExitCode> {
    let why = match super::display_status() {
        Ok(()) => {
            // a display answers; if the app still cannot start (no Vulkan driver, say),
            // run headless rather than end in a panic
            let hook = std::panic::take_hook();
            std::panic::set_hook(Box::new(|_| {}));
            let opened = std::panic::catch_unwind(|| view(ViewArgs { frames: 30, ..ViewArgs::default() }));
            std::panic::set_hook(hook);
            match opened {
                Ok(r) => return r,
                Err(p) => {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    format!("the app could not start on this display ({msg})")
                }
            }
        }
        Err(why) => why,
    };
    cli::run_default(&why)
}

/// `jets view`: opens the desktop app.
pub(crate) fn view(a: ViewArgs) -> Result<ExitCode> {
    // a batch row (--set, --sweep --point): built as `jets run` builds it, and checked before
    // the display, so that bad input is reported as such wherever it is given
    let row = if a.row.given() {
        if a.connect.is_some() || a.journal.is_some() {
            errln!(
                "error: --set and --sweep change the scenario; a journal or a served exercise plays the one it was started on"
            );
            return Ok(ExitCode::from(BAD_INPUT));
        }
        let base = match load(a.scenario.as_deref()) {
            Ok(l) => l,
            Err(code) => return Ok(code),
        };
        match cli::batch::replay_row(&base, &a.row) {
            Ok(l) => Some(l),
            Err(code) => return Ok(code),
        }
    } else {
        None
    };
    if let Err(why) = super::display_status() {
        errln!(
            "error: no display to open a window on ({why})\n\
             hint: run it under Xvfb, e.g. `xvfb-run -a -s '-screen 0 1280x800x24' jets view ...`, or use `jets run`"
        );
        return Ok(ExitCode::from(BAD_INPUT));
    }
    // a seat of an exercise served elsewhere: its briefing is its scenario
    let mut remote = None;
    if let Some(addr) = &a.connect {
        let (Some(seat), Some(token)) = (&a.seat, &a.token) else {
            errln!("error: --connect needs --seat SEAT and --token TOKEN (or JETS_TOKEN); `jets serve` prints them");
            return Ok(ExitCode::from(BAD_INPUT));
        };
        match super::remote::connect(addr, seat, token) {
            Ok(x) => remote = Some(x),
            Err(e) => {
                errln!("error: cannot join {addr} as {seat}: {e}\nhint: check the address, the seat and its token");
                return Ok(ExitCode::from(BAD_INPUT));
            }
        }
    }
    // a journal names its scenario: it is the default then
    let journal = match read_journal_arg(a.journal.as_deref()) {
        Ok(j) => j,
        Err(code) => return Ok(code),
    };
    let loaded = match (row, &remote, &journal, a.scenario.as_deref()) {
        (Some(l), _, _, _) => Ok(l),
        (None, Some((l, _)), _, _) => Ok((**l).clone()),
        (None, None, Some(j), None) => cli::exercise::journal_scenario(j, None),
        (None, None, _, s) => load(s),
    };
    let loaded = match loaded {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let journal = match (&a.journal, journal) {
        (Some(p), Some(_)) => match cli::exercise::read_journal(p, &loaded) {
            Ok(j) => Some(j),
            Err(code) => return Ok(code),
        },
        _ => None,
    };
    let side = match &a.side {
        None => None,
        Some(s) => match loaded.scenario.sides.iter().position(|x| &x.id == s) {
            Some(k) => Some(k),
            None => {
                let ids: Vec<&str> = loaded.scenario.sides.iter().map(|x| x.id.as_str()).collect();
                errln!("error: unknown side `{s}`; the scenario's sides are: {}", ids.join(", "));
                return Ok(ExitCode::from(BAD_INPUT));
            }
        },
    };
    for (flag, id) in [("--select", &a.select), ("--why", &a.why)] {
        if let Some(id) = id
            && !loaded.scenario.units.iter().any(|u| &u.id == id)
            && !(flag == "--select" && loaded.places.contains_key(id))
        {
            errln!("error: unknown unit `{id}` for {flag}");
            return Ok(ExitCode::from(BAD_INPUT));
        }
    }
    if a.at > loaded.duration_s {
        errln!("error: --at is after the end of the scenario ({} s)", loaded.duration_s);
        return Ok(ExitCode::from(BAD_INPUT));
    }
    if let Some(path) = &a.record
        && let Err(e) = writable(path)
    {
        errln!("error: --record {}: {e}", path.display());
        return Ok(ExitCode::from(BAD_INPUT));
    }
    let seed = a.seed.or(journal.as_ref().map(|j| j.seed)).unwrap_or(loaded.scenario.meta.seed);
    let script = match &a.script {
        None => Vec::new(),
        Some(p) => match read_ron_list::<super::author::EditCommand>(p) {
            Ok(s) => s,
            Err(code) => return Ok(code),
        },
    };
    let orders = match &a.orders {
        None => Vec::new(),
        Some(p) => match read_ron_list::<(String, jets::sim::input::Input)>(p) {
            Ok(s) => s,
            Err(code) => return Ok(code),
        },
    };
    let exit = super::open(super::Options {
        // a batch row is the file changed: neither watched nor saved over (Save as still works)
        file: if a.row.given() { None } else { a.scenario.clone() },
        edit: a.edit || !script.is_empty(),
        zoom_km: a.zoom.filter(|z| z.is_finite() && *z > 0.1),
        script,
        loaded: Arc::new(loaded),
        seed,
        side,
        screenshot: a.screenshot,
        at_s: a.at,
        events: a.events,
        play: a.play,
        frames: a.frames,
        select: a.select,
        why: a.why,
        journal: journal.map(|j| j.entries).unwrap_or_default(),
        record: a.record,
        remote: remote.map(|(_, r)| r),
        orders,
        messages: a.messages,
    });
    Ok(match exit {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(c) => ExitCode::from(c.get()),
    })
}

/// A RON list from a file (edit scripts, scripted inputs), problems placed.
fn read_ron_list<T: serde::de::DeserializeOwned>(p: &Path) -> std::result::Result<Vec<T>, ExitCode> {
    let t = match scenario::load::read_capped(p) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: {e}\nhint: {}", scenario::load::read_hint(&e));
            return Err(ExitCode::from(BAD_INPUT));
        }
    };
    let mut problems = scenario::Problems::default();
    let src = problems.add_source(&p.display().to_string(), t.clone());
    scenario::load::parse_ron::<Vec<T>>(&mut problems, src, &t).ok_or_else(|| {
        report(&problems);
        ExitCode::from(BAD_INPUT)
    })
}
