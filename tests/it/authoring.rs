//! Scenario authoring: saving is lossless and stable, comments survive, the format reference's
//! examples parse, and editor operations leave valid scenarios.

use std::sync::Arc;

use jets::scenario::{self, Origin, save};

use super::scenarios::shipped;

/// Load -> save -> load gives equal values for every shipped scenario; a second save is
/// byte-identical; every comment of the hand-written file is kept; the saved file validates
/// from the same directory.
#[test]
fn saving_every_shipped_scenario_is_lossless_stable_and_keeps_its_comments() {
    for path in shipped() {
        let text = std::fs::read_to_string(&path).unwrap();
        let scn = scenario::parse_only("x", &text).unwrap();
        let saved = save::to_ron(&scn, Some(&text)).unwrap();
        let back = scenario::parse_only("saved", &saved.text)
            .unwrap_or_else(|p| panic!("{}: {}", path.display(), p.render(false)));
        assert_eq!(back, scn, "{}: values changed on save", path.display());
        assert!(saved.text == text, "{}: an unchanged scenario must save to its own bytes", path.display());
        let again = save::to_ron(&back, Some(&saved.text)).unwrap();
        assert_eq!(again.text, saved.text, "{}: a second save differs", path.display());
        let n = save::comment_spans(&text).len();
        assert_eq!(saved.kept, n, "{}: dropped {:?}", path.display(), saved.dropped);
        assert_eq!(save::comment_spans(&saved.text).len(), n);
        // the saved text loads and validates as the original does, from the same place
        let l = scenario::load_text(Origin::Disk(path.clone()), Arc::from(saved.text.as_str()))
            .unwrap_or_else(|p| panic!("{}", p.render(false)));
        assert_eq!(l.scenario, scn);
    }
}

/// Every `ron` example of docs/scenario-format.md parses as the type its section documents
/// (or a list of it): the reference cannot drift from the serde types unnoticed.
#[test]
fn every_example_in_the_format_reference_parses() {
    use jets::exercise::{Journal, SeatSpec};
    use jets::format::schema::*;
    use jets::sim::input::{Entry, Input};
    fn try_parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<(), String> {
        let one = ron::from_str::<T>(text).map_err(|e| e.to_string());
        match one {
            Ok(_) => Ok(()),
            Err(e) => ron::from_str::<Vec<T>>(text).map(|_| ()).map_err(|_| e),
        }
    }
    macro_rules! by_name {
        ($name:expr, $text:expr, $($t:ident),*) => {
            match $name {
                $(stringify!($t) => Some(try_parse::<$t>($text)),)*
                _ => None,
            }
        };
    }
    let parse = |name: &str, text: &str| -> Option<Result<(), String>> {
        by_name!(
            name,
            text,
            Scenario,
            Meta,
            LatLon,
            Loc,
            Map,
            Terrain,
            Procedural,
            Ridge,
            Valley,
            Noise,
            Dem,
            DemUnits,
            Road,
            RoadKind,
            River,
            Border,
            Nation,
            Region,
            Environment,
            Season,
            Place,
            PlaceKind,
            HostageGroup,
            Side,
            Rules,
            Contingent,
            Liaison,
            Trigger,
            Order,
            Condition,
            Unit,
            Posture,
            Task,
            Victory,
            Library,
            UnitType,
            PostureFactors,
            AirOps,
            Category,
            Echelon,
            Mobility,
            StrengthLimits,
            Movement,
            Capacity,
            Sensor,
            SensorKind,
            Weapon,
            WeaponKind,
            Morale,
            Journal,
            Entry,
            Input,
            SeatSpec
        )
    };
    let doc = std::fs::read_to_string(super::repo("docs/scenario-format.md")).unwrap();
    let mut heading = String::new();
    let mut block: Option<(usize, String)> = None;
    let mut checked = 0;
    let mut excerpts = 0;
    let mut failures = Vec::new();
    for (n, line) in doc.lines().enumerate() {
        if let Some((start, text)) = &mut block {
            if line.starts_with("```") {
                let types: Vec<&str> = heading.split('`').skip(1).step_by(2).collect();
                // a field as it appears in its record (`liaison: [...],`): the value is checked
                let body: String =
                    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
                let t = body.trim_start();
                let ident: String = t.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !ident.is_empty() && t[ident.len()..].trim_start().starts_with(':') {
                    let value = t[ident.len()..].trim_start()[1..].trim().trim_end_matches(',');
                    *text = value.to_string();
                }
                let results: Vec<(&str, Result<(), String>)> =
                    types.iter().filter_map(|t| parse(t, text).map(|r| (*t, r))).collect();
                assert!(!results.is_empty(), "line {start}: the section `{heading}` names no schema type");
                if !results.iter().any(|(_, r)| r.is_ok()) {
                    failures.push(format!("line {start} ({heading}): {results:?}\n{text}"));
                }
                checked += 1;
                block = None;
            } else {
                text.push_str(line);
                text.push('\n');
            }
        } else if line.starts_with("### ") {
            heading = line.to_string();
        } else if line.trim_start().starts_with("```ron excerpt") {
            // an excerpt with fields left out (`// ...`): shown, not checked
            excerpts += 1;
        } else if line.trim_start().starts_with("```ron") {
            block = Some((n + 1, String::new()));
        }
    }
    assert!(checked >= 60, "found only {checked} examples");
    assert!(excerpts <= 3, "{excerpts} examples are marked as excerpts and not checked");
    assert!(failures.is_empty(), "{} example(s) do not parse:\n{}", failures.len(), failures.join("\n\n"));
}

/// Editing Cooperation 2000 and saving changes only the lines of what was edited: the rest of
/// the hand-written file, comments and layout, stays byte for byte.
#[test]
fn a_save_after_an_edit_changes_only_the_edited_lines() {
    use jets::format::schema::{Loc, Task};
    use jets::scenario::edit::{Edit, apply};
    let path = super::repo("scenarios/cooperation_2000.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut scn = scenario::parse_only("c2000", &text).unwrap();
    let mut qrf = scn.units.iter().find(|u| u.id == "kz_amc_1").unwrap().clone();
    qrf.id = "kz_amc_qrf".into();
    apply(&mut scn, &Edit::AddUnit(qrf)).unwrap();
    let task = Task::Block { pass: "turo_pass".into(), at: Some(Loc::Geo { lat: 39.63, lon: 70.39 }) };
    apply(&mut scn, &Edit::SetTask { id: "kg_mrc_1".into(), task }).unwrap();
    let saved = save::to_ron(&scn, Some(&text)).unwrap();
    assert!(saved.dropped.is_empty());
    assert_eq!(scenario::parse_only("saved", &saved.text).unwrap(), scn);
    // every original line outside the edited unit is still there, in order
    let spans = scenario::locate::keyed_spans(&text);
    let unit = &spans.iter().find(|(k, _)| k == "units[#kg_mrc_1]").unwrap().1;
    let first = text[..unit.start].lines().count();
    let last = text[..unit.end].lines().count();
    let kept: Vec<&str> =
        text.lines().enumerate().filter(|(i, _)| *i + 1 < first || *i + 1 > last).map(|(_, l)| l).collect();
    let new_lines: Vec<&str> = saved.text.lines().collect();
    let mut j = 0;
    for l in &kept {
        while j < new_lines.len() && new_lines[j] != *l {
            j += 1;
        }
        assert!(j < new_lines.len(), "line lost or moved: {l:?}");
        j += 1;
    }
    let added = new_lines.len() - kept.len();
    assert!(added <= 25, "{added} new lines for one changed and one added unit");
    // and the next save of the same scenario is byte-identical
    assert_eq!(save::to_ron(&scn, Some(&saved.text)).unwrap().text, saved.text);
}
