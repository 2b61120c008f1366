//! Durations as people write them: `90s`, `45m`, `6h`, `3d`, or combined, `1h30m`.

/// Parses a duration into whole seconds. Errors say what was wrong and what is expected.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration; expected e.g. `90s`, `45m`, `6h`, `3d` or `1h30m`".into());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut seen_unit = false;
    for ch in t.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        let mult = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => {
                return Err(format!(
                    "`{t}` is not a duration: unexpected `{ch}`; expected numbers with units s, m, h or d (e.g. `1h30m`)"
                ));
            }
        };
        if num.is_empty() {
            return Err(format!("`{t}` is not a duration: unit `{ch}` without a number before it"));
        }
        let n: u64 = num.parse().map_err(|_| format!("`{t}` is not a duration: number too large"))?;
        total = n
            .checked_mul(mult)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("`{t}` is too long a duration"))?;
        num.clear();
        seen_unit = true;
    }
    if !num.is_empty() {
        return Err(format!("`{t}` is not a duration: the number `{num}` has no unit; add s, m, h or d"));
    }
    if !seen_unit {
        return Err(format!("`{t}` is not a duration"));
    }
    Ok(total)
}

/// Formats seconds as `3d 04h 05m 06s`-style text, leaving out leading zero parts.
pub fn format_duration(s: u64) -> String {
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    if d > 0 {
        format!("{d}d {h:02}h {m:02}m")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {sec:02}s")
    } else {
        format!("{sec}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("45m"), Ok(2700));
        assert_eq!(parse_duration("6h"), Ok(21_600));
        assert_eq!(parse_duration("3d"), Ok(259_200));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration(" 72h "), Ok(259_200));
    }

    #[test]
    fn rejects_bad_text() {
        for bad in ["", "h", "12", "3x", "1.5h", "-3h", "99999999999999999999d", "9999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn formats() {
        assert_eq!(format_duration(259_200), "3d 00h 00m");
        assert_eq!(format_duration(5400), "1h 30m");
        assert_eq!(format_duration(61), "1m 01s");
    }
}
