//! Scenario authoring: saving is lossless and stable, comments survive, the format reference's
//! examples parse, and editor operations leave valid scenarios.

use std::sync::Arc;

use jets::scenario::{self, Origin, save};

use super::repo;
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
