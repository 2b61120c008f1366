//! Thousands of mutated and truncated versions of the shipped scenarios go through the loader:
//! each must come back as a scenario or as problems (each with a hint), never as a panic.
//! Mutations include deep nesting, huge numbers and control characters; invalid UTF-8 and
//! special files go through `load_file`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use jets::scenario::{self, Origin};

use super::repo;

const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "0",
    "-1",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "4294967296",
    "18446744073709551616",
    "0.0",
    "None",
    "Some(",
    "Place(\"x\")",
    "Geo(lat: 95.0, lon: 0.0)",
    "Xy(x: -1.0, y: 1e9)",
    "//",
    "/*",
    "r#\"",
    "'",
    "\\",
    "é",
    "\n",
    "1e400",
    "-1e400",
    "99999999999999999999999999999999999999999",
    "0x7fffffffffffffff",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
    "Some(Some(Some(Some(Some(Some(Some(Some(Some(Some(Some(Some(Some(Some(Some(Some(",
    "\u{1b}[2J",
    "\u{0}",
    "\u{202e}",
];

fn mutate(text: &str, rng: &mut ChaCha8Rng) -> String {
    if text.len() < 4 {
        return format!("{text}{}", SNIPPETS[rng.random_range(0..SNIPPETS.len())]);
    }
    let b = text.as_bytes();
    let at = |rng: &mut ChaCha8Rng| {
        let mut i = rng.random_range(0..=b.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match rng.random_range(0..6) {
        // truncate
        0 => text[..at(rng)].to_string(),
        // insert a snippet
        1 => {
            let i = at(rng);
            format!("{}{}{}", &text[..i], SNIPPETS[rng.random_range(0..SNIPPETS.len())], &text[i..])
        }
        // delete a range
        2 => {
            let (i, j) = (at(rng), at(rng));
            let (i, j) = (i.min(j), i.max(j).min(i.min(j) + 200));
            let j = (j..=text.len()).find(|&k| text.is_char_boundary(k)).unwrap_or(text.len());
            format!("{}{}", &text[..i], &text[j..])
        }
        // replace a number with an extreme one
        3 => {
            let nums: Vec<usize> = text.match_indices(|c: char| c.is_ascii_digit()).map(|(i, _)| i).collect();
            if nums.is_empty() {
                return text.to_string();
            }
            let i = nums[rng.random_range(0..nums.len())];
            let j = text[i..].find(|c: char| !(c.is_ascii_digit() || c == '.')).map(|k| i + k).unwrap_or(text.len());
            let v =
                ["0", "-0.0", "1e300", "999999999999", "4294967295", "1", "0.0001", "-5", "65"][rng.random_range(0..9)];
            format!("{}{}{}", &text[..i], v, &text[j..])
        }
        // duplicate a line
        4 => {
            let lines: Vec<&str> = text.lines().collect();
            let k = rng.random_range(0..lines.len());
            let mut out = lines.clone();
            out.insert(k, lines[k]);
            out.join("\n")
        }
        // swap two identifiers' worth of text: replace an id with another
        _ => {
            let ids: Vec<usize> = text.match_indices("\"").map(|(i, _)| i).collect();
            if ids.is_empty() {
                return text.to_string();
            }
            let k = ids[rng.random_range(0..ids.len())];
            format!("{}\"zz_{}{}", &text[..k], rng.random_range(0..5), &text[k + 1..])
        }
    }
}

fn fuzz_file(rel: &str, embedded: &str, n: usize, seed: u64) {
    let text = std::fs::read_to_string(repo(rel)).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut ok, mut bad) = (0, 0);
    let mut unhinted: Vec<String> = Vec::new();
    for i in 0..n {
        // a few mutations on top of each other now and then
        let mut m = mutate(&text, &mut rng);
        for _ in 0..rng.random_range(0..3) {
            m = mutate(&m, &mut rng);
        }
        let origin = Origin::Embedded(embedded.to_string());
        let res = catch_unwind(AssertUnwindSafe(|| {
            let r = scenario::load_text(origin, Arc::from(m.as_str()));
            if let Err(p) = &r {
                let text = p.render(false);
                assert!(!text.contains('\u{1b}'), "an escape character reached the rendering");
                for item in &p.items {
                    if item.hint.as_ref().is_none_or(|h| h.is_empty()) {
                        unhinted.push(item.message.clone());
                    }
                }
            }
            r.is_ok()
        }));
        match res {
            Ok(true) => ok += 1,
            Ok(false) => bad += 1,
            Err(_) => {
                let path = std::env::temp_dir().join(format!("jets-fuzz-panic-{seed}-{i}.ron"));
                let _ = std::fs::write(&path, &m);
                panic!("mutation {i} of {rel} made the loader panic; input saved to {}", path.display());
            }
        }
    }
    assert!(bad > n / 4, "most mutations should be errors ({ok} ok, {bad} errors)");
    unhinted.sort();
    unhinted.dedup();
    assert!(unhinted.is_empty(), "problems without a hint:\n{}", unhinted.join("\n"));
}

#[test]
fn invalid_utf8_and_special_files_come_back_as_problems() {
    let text = std::fs::read(repo("scenarios/cooperation_2000.ron")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for i in 0..200 {
        let mut bytes = text.clone();
        for _ in 0..rng.random_range(1..4) {
            let k = rng.random_range(0..bytes.len());
            bytes[k] = [0xff, 0xc3, 0x80, 0xe2, 0xf0, 0xed][rng.random_range(0..6)];
        }
        let p = dir.path().join(format!("m{i}.ron"));
        std::fs::write(&p, &bytes).unwrap();
        let r = catch_unwind(AssertUnwindSafe(|| {
            if let Err(problems) = scenario::load_file(&p) {
                assert!(problems.items.iter().all(|i| i.hint.is_some()), "hinted");
                problems.render(false);
            }
        }));
        assert!(r.is_ok(), "mutated bytes {i} made the loader panic");
    }
    for special in ["/dev/zero", "/dev/urandom", "/dev/null", "/"] {
        let problems = scenario::load_file(std::path::Path::new(special)).expect_err(special);
        let text = problems.render(false);
        assert!(text.contains("not a regular file"), "{special}: {text}");
    }
}

#[test]
fn mutated_cooperation_2000_never_panics() {
    fuzz_file("scenarios/cooperation_2000.ron", "scenarios/cooperation_2000.ron", 2500, 1);
}

#[test]
fn mutated_template_never_panics() {
    fuzz_file("assets/templates/scenario.ron", "assets/templates/scenario.ron", 1000, 2);
}
