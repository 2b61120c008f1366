//! Every shipped scenario and unit library loads, validates and runs its full duration with
//! personnel conserved at every tick.

use std::sync::Arc;

use jets::scenario::{self, Origin};
use jets::sim::{self, RunOptions};

use super::repo;

pub(crate) fn shipped() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

#[test]
fn every_shipped_scenario_validates_without_warnings_and_runs_conserving_personnel() {
    for path in shipped() {
        let loaded = scenario::load_file(&path)
            .unwrap_or_else(|p| panic!("{} does not load:\n{}", path.display(), p.render(false)));
        assert!(loaded.warnings.items.is_empty(), "{}: {}", path.display(), loaded.warnings.render(false));
        // 72 simulated hours (or the scenario's whole duration when shorter)
        let tick = loaded.scenario.meta.tick_s as u64;
        let until = loaded.duration_s.min(72 * 3600);
        let r = sim::run(
            Arc::new(loaded),
            &RunOptions { check_invariants: true, until_s: Some(until), ..Default::default() },
        );
        assert!(r.violations.is_empty(), "{}: {:?}", path.display(), &r.violations[..r.violations.len().min(5)]);
        assert_eq!(r.summary.sim_time_s, r.summary.ticks * tick);
        assert_eq!(r.summary.sim_time_s, until.div_ceil(tick) * tick, "{}: ran 72 h", path.display());
        for (side, t) in &r.summary.sides {
            assert!(t.conserved(), "{}: side {side} {t:?}", path.display());
        }
    }
}

#[test]
fn embedded_default_is_the_shipped_file() {
    let disk = std::fs::read_to_string(repo("scenarios/cooperation_2000.ron")).unwrap();
    assert_eq!(scenario::load::embedded(scenario::DEFAULT_SCENARIO).unwrap(), disk);
    for lib in ["cis.ron", "armed_groups.ron"] {
        let disk = std::fs::read_to_string(repo("assets/units").join(lib)).unwrap();
        assert_eq!(scenario::load::embedded(&format!("assets/units/{lib}")).unwrap(), disk);
    }
    let a = scenario::load_default().unwrap();
    let b = scenario::load_file(&repo("scenarios/cooperation_2000.ron")).unwrap();
    assert_eq!(a.hash, b.hash, "embedded and on-disk copies hash the same");
}

#[test]
fn the_template_validates() {
    let text = scenario::load::embedded("assets/templates/scenario.ron").unwrap();
    let l = scenario::load_text(Origin::Embedded("assets/templates/scenario.ron".into()), Arc::from(text));
    assert!(l.is_ok(), "{}", l.err().unwrap().render(false));
}

/// Cooperation 2000 is built from the fact sheet (section 8A): five contingents, about 400
/// fighters in 8-12 bands of 20-60 (the exercise's groups), the Batken map box.
#[test]
fn cooperation_2000_matches_the_fact_sheet() {
    let l = scenario::load_default().unwrap();
    let s = &l.scenario;
    let nations: std::collections::BTreeSet<_> =
        s.sides.iter().flat_map(|x| &x.contingents).map(|c| format!("{:?}", c.nation)).collect();
    for n in ["Kyrgyzstan", "Uzbekistan", "Kazakhstan", "Tajikistan", "Russia", "ArmedGroup"] {
        assert!(nations.contains(n), "no {n} contingent");
    }
    let red: Vec<_> = s.units.iter().filter(|u| u.side == s.victory.attacker).collect();
    let total: u32 = red.iter().map(|u| u.strength).sum();
    assert!((390..=410).contains(&total), "red strength {total}");
    assert!((8..=12).contains(&red.len()), "{} bands", red.len());
    assert_eq!((s.map.origin.lat, s.map.origin.lon), (39.50, 70.30));
    assert!((l.terrain.width_m() - 100_000.0).abs() < 1000.0 && (l.terrain.height_m() - 62_000.0).abs() < 1000.0);
    assert_eq!(l.duration_s, 72 * 3600);
    // Batken town sits near the north edge on the plain (~1,036 m)
    let batken = l.places["batken"];
    let z = l.terrain.elevation_at(batken);
    assert!((800.0..1400.0).contains(&z), "Batken at {z} m");
}

/// The worked example in the README is a real scenario: it validates and runs.
#[test]
fn the_readme_example_runs() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let start = readme.find("```ron\n").expect("a ```ron block in the README") + 7;
    let end = start + readme[start..].find("```").unwrap();
    let l = scenario::load_text(Origin::Disk(repo("readme_example.ron")), Arc::from(&readme[start..end]))
        .unwrap_or_else(|p| panic!("README example:\n{}", p.render(false)));
    let r = sim::run(Arc::new(l), &RunOptions { check_invariants: true, ..Default::default() });
    assert!(r.violations.is_empty());
    assert!(r.events.iter().any(|e| matches!(e.kind, jets::sim::events::EventKind::MovedThroughPass { .. })));
}

/// Every field and enum variant of the schema is documented in docs/scenario-format.md.
#[test]
fn the_format_reference_covers_every_field() {
    let schema = std::fs::read_to_string(repo("src/format/schema.rs")).unwrap();
    let doc = std::fs::read_to_string(repo("docs/scenario-format.md")).unwrap();
    let mut names = std::collections::BTreeSet::new();
    let mut in_enum = false;
    for line in schema.lines() {
        let l = line.trim();
        if l.starts_with("//") || l.starts_with("#[") {
            continue;
        }
        if l.starts_with("pub enum ") {
            in_enum = true;
            continue;
        }
        if l.starts_with("pub struct ") || l == "}" {
            in_enum = l.starts_with("pub enum ");
            continue;
        }
        if let Some(rest) = l.strip_prefix("pub ") {
            if let Some((name, _)) = rest.split_once(':')
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                names.insert(name.to_string());
            }
        } else if in_enum && line.starts_with("    ") && !line.starts_with("     ") {
            let variant: String = l.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if variant.starts_with(|c: char| c.is_ascii_uppercase()) {
                names.insert(variant);
            }
            // fields of struct variants: `Block { pass: String, at: Option<Loc> }`
            if let Some(body) = l.split_once('{').map(|(_, b)| b) {
                for part in body.split(',') {
                    let part = part.trim().trim_start_matches("#[serde(default)]").trim();
                    if let Some((name, _)) = part.split_once(':') {
                        let name = name.trim();
                        if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                            names.insert(name.to_string());
                        }
                    }
                }
            }
        }
    }
    assert!(names.len() > 100, "parsed only {} names", names.len());
    let missing: Vec<_> = names.iter().filter(|n| !doc.contains(&format!("`{n}`"))).collect();
    assert!(missing.is_empty(), "docs/scenario-format.md does not mention: {missing:?}");
}
