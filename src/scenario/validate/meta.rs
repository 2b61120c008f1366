//! The scenario's format version and its `meta` section: name, start time, duration, tick.
//!
//! Must not: look at anything but `format` and `meta`.

use crate::scenario::limits::TICK_S;
use chrono::{DateTime, FixedOffset};

use super::{Ctx, MAX_DURATION_S};
use crate::format::duration::parse_duration;
use crate::format::schema::*;
use crate::scenario::locate::Path;

/// Checks the scenario's format version.
pub(super) fn format(c: &mut Ctx, scn: &Scenario) {
    let root = Path::root();
    if scn.format != FORMAT_VERSION {
        c.err(
            &root.f("format"),
            format!("scenario format {} is not supported", scn.format),
            Some(format!("this jets reads format {FORMAT_VERSION}")),
        );
    }
}

/// Checks `meta`; returns the start time and the duration in seconds (when they are sound).
pub(super) fn meta(c: &mut Ctx, scn: &Scenario) -> (Result<DateTime<FixedOffset>, chrono::ParseError>, Option<u64>) {
    let root = Path::root();
    // --- meta
    let mp = root.f("meta");
    if scn.meta.name.trim().is_empty() {
        c.err(
            &mp.f("name"),
            "the scenario needs a name",
            Some("give `meta.name`, shown in summaries and the app".into()),
        );
    }
    let start = chrono::DateTime::parse_from_rfc3339(scn.meta.start.trim());
    if let Err(e) = &start {
        c.err(
            &mp.f("start"),
            format!("`{}` is not a date-time with UTC offset: {e}", scn.meta.start),
            Some("write RFC 3339, e.g. \"2000-03-29T19:00:00+06:00\" (Kyrgyz summer time from 26 March 2000)".into()),
        );
    }
    let duration_s = match parse_duration(&scn.meta.duration) {
        Ok(d) if d == 0 || d > MAX_DURATION_S => {
            c.err(
                &mp.f("duration"),
                format!("duration {} is outside 1 s..60 days", scn.meta.duration),
                Some("give a duration from 1s to 60d, e.g. \"72h\"".into()),
            );
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            c.err(
                &mp.f("duration"),
                e,
                Some("write a duration like \"90s\", \"45m\", \"6h\", \"3d\" or \"1h30m\"".into()),
            );
            None
        }
    };
    if !TICK_S.contains(&scn.meta.tick_s) {
        c.err(
            &mp.f("tick_s"),
            format!("tick_s {} is outside {}..={} seconds", scn.meta.tick_s, TICK_S.start(), TICK_S.end()),
            Some(format!("a tick of 10 to 60 s suits a tactical scenario; {} s is the longest", TICK_S.end())),
        );
    }
    (start, duration_s)
}
