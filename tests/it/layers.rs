//! The layering of ARCHITECTURE.md, checked on the source: a module imports only layers below
//! it (`batch` and `exercise` sit side by side and do not import each other; the command line
//! never imports the desktop, which sits above it on the binary side).

use std::path::{Path, PathBuf};

/// Each top-level module and its layer, bottom up.
const LAYERS: &[(&str, u32)] = &[
    ("format", 0),
    ("term", 0),
    ("fsio", 1),
    ("terrain", 2),
    ("scenario", 3),
    ("sim", 4),
    ("batch", 5),
    ("exercise", 5),
    ("cli", 6),
    ("desktop", 7),
];

fn rank(m: &str) -> Option<u32> {
    LAYERS.iter().find(|(n, _)| *n == m).map(|&(_, r)| r)
}

fn files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(p).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else if p.extension().is_some_and(|e| e == "rs") {
        out.push(p.to_path_buf());
    }
}

/// The top-level modules a source text names through `crate::` or `jets::` (comments left out).
fn imports(text: &str) -> Vec<String> {
    let code: String = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let mut found = Vec::new();
    for root in ["crate::", "jets::"] {
        let mut rest = code.as_str();
        while let Some(k) = rest.find(root) {
            let before = rest[..k].chars().last();
            rest = &rest[k + root.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a, b::c}`: the first name of each member
                let end = group.find('}').unwrap_or(group.len());
                group[..end].split(',').map(|m| m.trim().split("::").next().unwrap_or("").trim()).collect()
            } else {
                vec![rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("")]
            };
            found.extend(names.into_iter().filter(|n| !n.is_empty()).map(String::from));
        }
    }
    found
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut seen = 0;
    for &(module, r) in LAYERS {
        let mut list = Vec::new();
        let dir = src.join(module);
        if dir.is_dir() {
            files(&dir, &mut list);
        } else {
            list.push(src.join(format!("{module}.rs")));
        }
        assert!(!list.is_empty(), "module {module} has no source");
        for f in list {
            seen += 1;
            let text = std::fs::read_to_string(&f).unwrap();
            for m in imports(&text) {
                if let Some(other) = rank(&m)
                    && m != module
                    && other >= r
                {
                    wrong.push(format!("{} ({module}, layer {r}) imports {m} (layer {other})", f.display()));
                }
            }
        }
    }
    assert!(seen > 40, "only {seen} files read");
    assert!(wrong.is_empty(), "imports against the layering:\n{}", wrong.join("\n"));
}

#[test]
fn the_import_scan_finds_what_it_must() {
    let text = "use crate::sim::Sim;\nuse jets::{batch, scenario::Loaded};\n// crate::desktop in a comment\nlet x = my_crate::cli;";
    assert_eq!(imports(text), vec!["sim", "batch", "scenario"]);
}

/// The modules of `src/sim` that a file names through `super::` or `crate::sim::`.
fn sim_imports(text: &str) -> Vec<String> {
    let code: String = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let mut found = Vec::new();
    for root in ["super::", "crate::sim::"] {
        for (k, _) in code.match_indices(root) {
            if code[..k].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &code[k + root.len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            if !name.is_empty() && rest[name.len()..].starts_with("::") {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn the_sim_modules_import_each_other_without_a_cycle() {
    // shared resources live in `theatre` and the tick is ordered in `mod.rs`, so no system
    // module needs another that needs it back (the root `mod.rs` and the tests are left out)
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    let mut graph: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        if p.extension().is_none_or(|x| x != "rs") || name == "mod" || name == "tests" {
            continue;
        }
        let mut deps = sim_imports(&std::fs::read_to_string(&p).unwrap());
        deps.retain(|d| *d != name && dir.join(format!("{d}.rs")).exists() && d != "tests");
        deps.sort();
        deps.dedup();
        graph.insert(name, deps);
    }
    assert!(graph.len() > 15, "{} modules", graph.len());
    // depth-first search for a back edge
    fn visit(
        m: &str,
        g: &std::collections::BTreeMap<String, Vec<String>>,
        state: &mut std::collections::BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(2) => return None,
            Some(1) => {
                let from = path.iter().position(|x| x == m).unwrap_or(0);
                let mut cycle = path[from..].to_vec();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(m.to_string(), 1);
        path.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, g, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(m.to_string(), 2);
        None
    }
    let mut state = Default::default();
    for m in graph.keys() {
        if let Some(cycle) = visit(m, &graph, &mut state, &mut Vec::new()) {
            panic!("an import cycle in src/sim: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_sim_import_scan_finds_what_it_must() {
    let text =
        "use super::clock::Clock;\nlet x = crate::sim::command::liaison(1);\nuse super::{a, b};\n// super::events::X";
    assert_eq!(sim_imports(text), vec!["clock", "command"]);
}
