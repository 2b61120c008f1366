//! Writing a scenario back to RON: a stable, readable layout that reloads to the same values,
//! with the comments of the hand-written file carried over to the things they annotate.
//!
//! Unchanged parts: with the original text, every field or list element whose value is the same
//! in the original and the new scenario (compared as JSON trees; list elements with an `id` are
//! matched by it) is copied from the original byte for byte, comments and alignment included.
//! An unchanged scenario therefore saves to its own file, and a diff shows only what was edited.
//!
//! Changed parts: the scenario is serialised by serde (every field the schema has is written;
//! optional fields left at their default are left out) and laid out by one rule: a value goes on
//! one line when it fits in [`WIDTH`] columns, otherwise it opens a line, puts each member on
//! its own line(s) four spaces further in, and closes on a line of its own.
//!
//! Comments outside the copied parts are anchored to the field or list element they stand
//! before (or, for a comment at the end of a line, the one on that line), named by a stable key
//! (`units[#kg_mrc_1].at`, see `locate::keyed_spans`), and written again at the same key.
//! Comments whose thing was deleted cannot be placed; they are listed in [`Saved::dropped`] so
//! that the caller can tell the user before anything is written.
//!
//! Must not: touch rendering or write files (callers write with `fsio::write_atomic`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

pub use super::locate::comment_spans;
use super::locate::{child_key, keyed_spans};
use crate::format::schema::Scenario;

/// Lines are wrapped to this many columns where the structure allows.
pub const WIDTH: usize = 100;

/// A scenario laid out as RON text.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    /// The text to write.
    pub text: String,
    /// Comments of the original text written again.
    pub kept: usize,
    /// Comments that belonged to things no longer in the scenario (first line of each).
    pub dropped: Vec<String>,
}

/// Lays out `scenario` as RON. With `original` (the text it was loaded from), that text's
/// comments are carried over.
pub fn to_ron(scenario: &Scenario, original: Option<&str>) -> Result<Saved, String> {
    let compact = ron::to_string(scenario).map_err(|e| format!("cannot serialise the scenario: {e}"))?;
    let tree = Compact { b: compact.as_bytes(), s: &compact, i: 0 }.value().ok_or("cannot lay out the scenario")?;
    let mut out = Layout::default();
    // the original's fields and elements by key, read once for copying and for comments
    let anchors = original.map(keyed_spans).unwrap_or_default();
    if let Some(src) = original
        && let Ok(old) = ron::from_str::<Scenario>(src)
        && let (Ok(old), Ok(new)) = (serde_json::to_value(&old), serde_json::to_value(scenario))
    {
        out.same = Some(Same { old, new, src, spans: anchors.iter().cloned().collect() });
    }
    out.emit(&tree, 0, "", "", "", true);
    out.keys.insert(String::new(), (0, out.lines.len().saturating_sub(1)));
    let (text, kept, dropped) = match original {
        Some(src) => out.with_comments(src, &anchors),
        None => (out.lines.iter().map(|l| l.text.clone() + "\n").collect(), 0, Vec::new()),
    };
    Ok(Saved { text, kept, dropped })
}

/// Points the scenario's library and DEM paths, written relative to the file it came from,
/// at the same files from a file saved at `to`.
pub fn rebase(scenario: &mut Scenario, from: &super::Origin, to: &Path) {
    for lib in scenario.library.iter_mut() {
        *lib = from.rebase(lib, to);
    }
    if let crate::format::schema::Terrain::Dem(d) = &mut scenario.map.terrain {
        d.path = from.rebase(&d.path, to);
    }
}

// ---------------------------------------------------------------------------------------------
// The value tree of serde's compact RON

#[derive(Debug)]
enum Node {
    Atom(String),
    Seq { head: String, open: char, close: char, items: Vec<(Option<String>, Node)> },
}

struct Compact<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
}

impl Compact<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }
    fn ident(&mut self) -> String {
        let st = self.i;
        while self.i < self.b.len() && (self.b[self.i].is_ascii_alphanumeric() || self.b[self.i] == b'_') {
            self.i += 1;
        }
        self.s[st..self.i].to_string()
    }
    fn value(&mut self) -> Option<Node> {
        match self.peek()? {
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let head = self.ident();
                if self.peek() == Some(b'(') { self.seq(head) } else { Some(Node::Atom(head)) }
            }
            b'(' | b'[' | b'{' => self.seq(String::new()),
            b'"' => {
                let st = self.i;
                self.i += 1;
                while self.i < self.b.len() && self.b[self.i] != b'"' {
                    if self.b[self.i] == b'\\' {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                self.i += 1;
                let raw = self.s.get(st..self.i)?;
                let v: String = ron::from_str(raw).ok()?;
                Some(Node::Atom(quote(&v)))
            }
            _ => {
                let st = self.i;
                while self.i < self.b.len() && !b",:()[]{} \n".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                (self.i > st).then(|| Node::Atom(self.s[st..self.i].to_string()))
            }
        }
    }
    fn seq(&mut self, head: String) -> Option<Node> {
        let open = self.b[self.i] as char;
        let close = match open {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        self.i += 1;
        let mut items = Vec::new();
        loop {
            match self.peek()? {
                c if c as char == close => {
                    self.i += 1;
                    return Some(Node::Seq { head, open, close, items });
                }
                b',' => self.i += 1,
                _ => {
                    // `name: value` inside a struct, or a plain element
                    let save = self.i;
                    if open == '(' && self.peek().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') {
                        let name = self.ident();
                        if self.peek() == Some(b':') {
                            self.i += 1;
                            items.push((Some(name), self.value()?));
                            continue;
                        }
                        self.i = save;
                    }
                    let v = self.value()?;
                    if self.peek() == Some(b':') {
                        // a map entry: keep the key as the member's name
                        self.i += 1;
                        let key = flat(&v);
                        items.push((Some(key), self.value()?));
                    } else {
                        items.push((None, v));
                    }
                }
            }
        }
    }
}

/// A string as RON text, escaping only what must be escaped (so `"Kara-Suu – Batken"` stays
/// readable).
fn quote(v: &str) -> String {
    let mut o = String::with_capacity(v.len() + 2);
    o.push('"');
    for c in v.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c if c.is_control() => o.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn flat(n: &Node) -> String {
    match n {
        Node::Atom(a) => a.clone(),
        Node::Seq { head, open, close, items } => {
            let inner: Vec<String> = items
                .iter()
                .map(|(name, v)| match name {
                    Some(k) => format!("{k}: {}", flat(v)),
                    None => flat(v),
                })
                .collect();
            format!("{head}{open}{}{close}", inner.join(", "))
        }
    }
}

/// The id of a list element that is a struct with an `id` string.
fn id_of(n: &Node) -> Option<String> {
    let Node::Seq { items, .. } = n else { return None };
    items.iter().find(|(k, _)| k.as_deref() == Some("id")).and_then(|(_, v)| match v {
        Node::Atom(a) => ron::from_str::<String>(a).ok(),
        _ => None,
    })
}

/// Where a comment goes in the new text.
enum Spot {
    /// On its own line before this line.
    Before(usize),
    /// At the end of this line.
    End(usize),
    /// On its own line after this line.
    Below(usize),
}

#[derive(Debug, Clone)]
struct Line {
    text: String,
    indent: usize,
}

#[derive(Default)]
struct Layout<'a> {
    lines: Vec<Line>,
    /// key -> (first line, last line)
    keys: BTreeMap<String, (usize, usize)>,
    /// The original text and both scenarios' values, to copy unchanged parts verbatim.
    same: Option<Same<'a>>,
    /// Spans of the original text copied verbatim (their comments come with them).
    copied: Vec<Range<usize>>,
}

/// What unchanged parts are judged by: the values of the original and the new scenario (as
/// JSON trees, navigated by key) and the original's spans by key.
struct Same<'a> {
    old: serde_json::Value,
    new: serde_json::Value,
    src: &'a str,
    spans: BTreeMap<String, Range<usize>>,
}

/// The value at a key (`units[#a].task`) of a JSON tree: fields by name, `[#id]` the element
/// whose `id` is that, `[i]` by index.
fn json_at<'a>(mut v: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    let mut rest = key;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = &r[..end];
            let arr = v.as_array()?;
            v = match inner.strip_prefix('#') {
                Some(id) => arr.iter().find(|x| x.get("id").and_then(|i| i.as_str()) == Some(id))?,
                None => arr.get(inner.parse::<usize>().ok()?)?,
            };
            rest = &r[end + 1..];
        } else {
            let r = rest.strip_prefix('.').unwrap_or(rest);
            let end = r.find(['.', '[']).unwrap_or(r.len());
            v = v.as_object()?.get(&r[..end])?;
            rest = &r[end..];
        }
    }
    Some(v)
}

impl Layout<'_> {
    /// The original text of the value at `key` when it is unchanged, and the indentation of
    /// the line it started on.
    fn unchanged(&self, key: &str) -> Option<(Range<usize>, usize)> {
        let s = self.same.as_ref()?;
        if key.is_empty() || json_at(&s.old, key)? != json_at(&s.new, key)? {
            return None;
        }
        let span = s.spans.get(key)?.clone();
        // a field's span starts at its name: the value follows the first `:`
        let is_field = !key.ends_with(']');
        let start = if is_field {
            let colon = s.src[span.clone()].find(':')?;
            let after = &s.src[span.start + colon + 1..span.end];
            span.start + colon + 1 + (after.len() - after.trim_start().len())
        } else {
            span.start
        };
        let line_start = s.src[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let indent = s.src[line_start..].len() - s.src[line_start..].trim_start_matches(' ').len();
        Some((start..span.end, indent))
    }

    fn emit(&mut self, n: &Node, indent: usize, prefix: &str, suffix: &str, key: &str, root: bool) {
        let pad = " ".repeat(indent * 4);
        if !root && let Some((span, old_indent)) = self.unchanged(key) {
            // unchanged: the original text as it was, comments and all, re-indented
            let text = self.same.as_ref().map(|s| s.src[span.clone()].to_string()).unwrap_or_default();
            let first = self.lines.len();
            let parts: Vec<&str> = text.split('\n').collect();
            let last = parts.len() - 1;
            for (i, part) in parts.iter().enumerate() {
                let mut t = if i == 0 {
                    format!("{pad}{prefix}{part}")
                } else {
                    let own = part.len() - part.trim_start_matches(' ').len();
                    let shifted = (own + indent * 4).saturating_sub(old_indent);
                    format!("{}{}", " ".repeat(shifted), part.trim_start_matches(' '))
                };
                if i == last {
                    t.push_str(suffix);
                }
                let ind = if i == 0 { indent } else { (t.len() - t.trim_start().len()) / 4 };
                self.lines.push(Line { text: t, indent: ind });
            }
            self.keys.insert(key.to_string(), (first, self.lines.len() - 1));
            self.copied.push(span);
            return;
        }
        let one = format!("{pad}{prefix}{}{suffix}", flat(n));
        let fits = one.chars().count() <= WIDTH;
        match n {
            // `Procedural((` ... `))`: a variant or `Some` around a struct opens on one line
            Node::Seq { head, open: '(', items, .. }
                if !fits
                    && !head.is_empty()
                    && items.len() == 1
                    && items[0].0.is_none()
                    && matches!(&items[0].1, Node::Seq { head: h, items: inner, .. } if h.is_empty() && !inner.is_empty()) =>
            {
                let Node::Seq { open, close, items: inner, .. } = &items[0].1 else { return };
                let first = self.lines.len();
                self.lines.push(Line { text: format!("{pad}{prefix}{head}({open}"), indent });
                let ik = child_key(key, None, 0, id_of(&items[0].1).as_deref());
                self.members(inner, &ik, indent + 1);
                self.lines.push(Line { text: format!("{pad}{close}){suffix}"), indent });
                let last = self.lines.len() - 1;
                self.keys.insert(ik, (first, last));
                if !key.is_empty() {
                    self.keys.insert(key.to_string(), (first, last));
                }
            }
            Node::Seq { head, open, close, items } if (!fits || root) && !items.is_empty() => {
                let first = self.lines.len();
                self.lines.push(Line { text: format!("{pad}{prefix}{head}{open}"), indent });
                self.members(items, key, indent + 1);
                self.lines.push(Line { text: format!("{pad}{close}{suffix}"), indent });
                if !key.is_empty() {
                    self.keys.insert(key.to_string(), (first, self.lines.len() - 1));
                }
            }
            _ => {
                let line = self.lines.len();
                self.lines.push(Line { text: one, indent });
                self.mark(n, key, line);
            }
        }
    }

    /// The members of a container, each on its own line(s) at `indent`.
    fn members(&mut self, items: &[(Option<String>, Node)], key: &str, indent: usize) {
        for (k, (name, v)) in items.iter().enumerate() {
            let ck = child_key(key, name.as_deref(), k, id_of(v).as_deref());
            let p = name.as_ref().map(|s| format!("{s}: ")).unwrap_or_default();
            self.emit(v, indent, &p, ",", &ck, false);
        }
    }

    /// Every key inside a value written on one line starts and ends on that line.
    fn mark(&mut self, n: &Node, key: &str, line: usize) {
        if !key.is_empty() {
            self.keys.insert(key.to_string(), (line, line));
        }
        if let Node::Seq { items, .. } = n {
            for (k, (name, v)) in items.iter().enumerate() {
                let ck = child_key(key, name.as_deref(), k, id_of(v).as_deref());
                self.mark(v, &ck, line);
            }
        }
    }

    /// The text with the comments of `src` placed by their keys.
    fn with_comments(&self, src: &str, anchors: &[(String, Range<usize>)]) -> (String, usize, Vec<String>) {
        let mut before: BTreeMap<usize, Vec<(bool, String)>> = BTreeMap::new();
        let mut after: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        let mut below: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        let mut dropped = Vec::new();
        let mut kept = 0;
        for c in comment_spans(src) {
            if self.copied.iter().any(|s| s.start <= c.start && c.end <= s.end) {
                kept += 1;
                continue;
            }
            let text = src[c.clone()].trim_end().to_string();
            let line_start = src[..c.start].rfind('\n').map(|i| i + 1).unwrap_or(0);
            let trailing = !src[line_start..c.start].trim().is_empty();
            let gap = &src[..c.start];
            let prev = gap.trim_end().len();
            let blank = gap[prev..].matches('\n').count() >= 2 && prev > 0;
            let placed = if trailing {
                self.place_trailing(anchors, line_start, c.start)
            } else {
                self.place_leading(anchors, c.end)
            };
            match placed {
                Some(Spot::Before(line)) => before.entry(line).or_default().push((blank, text)),
                Some(Spot::End(line)) => after.entry(line).or_default().push(text),
                Some(Spot::Below(line)) => below.entry(line).or_default().push(text),
                None => {
                    dropped.push(text.lines().next().unwrap_or("").to_string());
                    continue;
                }
            }
            kept += 1;
        }
        let mut out = String::new();
        for (i, l) in self.lines.iter().enumerate() {
            if let Some(cs) = before.get(&i) {
                for (blank, t) in cs {
                    if *blank && !out.is_empty() && !out.ends_with("\n\n") {
                        out.push('\n');
                    }
                    out.push_str(&" ".repeat(l.indent * 4));
                    out.push_str(t);
                    out.push('\n');
                }
            }
            out.push_str(&l.text);
            let ends = after.get(&i).map(|v| v.as_slice()).unwrap_or(&[]);
            if let Some(t) = ends.first() {
                out.push(' ');
                out.push_str(t);
            }
            out.push('\n');
            // a second comment for the same line end goes on the next line (a `//` comment
            // would swallow it)
            for t in ends.iter().skip(1).chain(below.get(&i).into_iter().flatten()) {
                out.push_str(&" ".repeat(l.indent * 4));
                out.push_str(t);
                out.push('\n');
            }
        }
        (out, kept, dropped)
    }

    /// True when the key or an enclosing element named by id is gone.
    fn owner_gone(&self, key: &str) -> bool {
        let mut k = key;
        loop {
            if let Some(p) = k.rfind("[#") {
                let owner = &k[..k[p..].find(']').map(|e| p + e + 1).unwrap_or(k.len())];
                if !self.keys.contains_key(owner) {
                    return true;
                }
                k = &k[..p];
            } else {
                return false;
            }
        }
    }

    /// A comment on a line of its own: before the first key that follows it.
    fn place_leading(&self, anchors: &[(String, Range<usize>)], from: usize) -> Option<Spot> {
        let next = anchors.iter().filter(|(_, s)| s.start >= from).min_by_key(|(k, s)| (s.start, k.len()));
        let Some((key, _)) = next else {
            // after everything: the end of the file
            return Some(Spot::Below(self.lines.len().saturating_sub(1)));
        };
        if self.owner_gone(key) {
            return None;
        }
        if let Some((first, _)) = self.keys.get(key).copied() {
            return Some(Spot::Before(first));
        }
        // the key is no longer written (an option at its default): the next key that is
        let idx = anchors.iter().position(|(k, _)| k == key)?;
        for (k, _) in &anchors[idx..] {
            if self.owner_gone(k) {
                continue;
            }
            if let Some((first, _)) = self.keys.get(k).copied() {
                return Some(Spot::Before(first));
            }
        }
        Some(Spot::Below(self.lines.len().saturating_sub(1)))
    }

    /// A comment after code on its line: at the end of the new line of the outermost key that
    /// starts on that line, or of the closing line of a container that ends there.
    fn place_trailing(&self, anchors: &[(String, Range<usize>)], line_start: usize, at: usize) -> Option<Spot> {
        let starts = anchors
            .iter()
            .filter(|(_, s)| s.start >= line_start && s.start < at)
            .min_by_key(|(k, s)| (s.start, k.len()));
        if let Some((key, _)) = starts {
            if self.owner_gone(key) {
                return None;
            }
            if let Some((first, _)) = self.keys.get(key).copied() {
                return Some(Spot::End(first));
            }
        }
        let ends = anchors
            .iter()
            .filter(|(_, s)| s.end > line_start && s.end <= at)
            .max_by_key(|(k, s)| (s.end, usize::MAX - k.len()));
        if let Some((key, _)) = ends {
            if self.owner_gone(key) {
                return None;
            }
            if let Some((_, last)) = self.keys.get(key).copied() {
                return Some(Spot::End(last));
            }
        }
        // nothing on its line survives: keep it as a comment of its own before the next key
        self.place_leading(anchors, at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load, parse_only};

    fn template() -> String {
        load::embedded("assets/templates/scenario.ron").unwrap().to_string()
    }

    #[test]
    fn saving_is_stable_and_reloads_to_the_same_values() {
        let text = template();
        let scn = parse_only("t", &text).unwrap();
        let a = to_ron(&scn, Some(&text)).unwrap();
        let back = parse_only("a", &a.text).unwrap_or_else(|p| panic!("{}\n{}", p.render(false), a.text));
        assert_eq!(back, scn);
        let b = to_ron(&back, Some(&a.text)).unwrap();
        assert_eq!(a.text, b.text, "a second save changes nothing");
        assert_eq!(a.text, text, "an unchanged scenario saves to its own file, byte for byte");
        // laid out afresh (no original to copy from), lines wrap at WIDTH where they can: only
        // a single string or number longer than that stays long
        let fresh = to_ron(&scn, None).unwrap();
        assert_eq!(parse_only("fresh", &fresh.text).unwrap(), scn);
        for l in fresh.text.lines().filter(|l| l.chars().count() > WIDTH) {
            let t = l.trim_start();
            let atom = t.split_once(": ").map(|(_, v)| v).unwrap_or(t).trim_end_matches(',');
            assert!(!atom.contains(", "), "a line that could wrap: {l}");
        }
    }

    #[test]
    fn every_comment_is_kept_when_nothing_was_deleted() {
        let text = template();
        let scn = parse_only("t", &text).unwrap();
        let s = to_ron(&scn, Some(&text)).unwrap();
        let n = comment_spans(&text).len();
        assert!(n > 10);
        assert_eq!(s.kept, n, "{:?}", s.dropped);
        assert!(s.dropped.is_empty());
        assert_eq!(comment_spans(&s.text).len(), n);
    }

    #[test]
    fn comments_of_a_deleted_unit_are_reported_not_moved() {
        let text = "(\n    format: 1, // the version\n    // the only unit\n    units: [\n        // first\n        (id: \"a\", n: 1),\n        // second\n        (id: \"b\", n: 2), // b's note\n    ],\n)\n";
        let anchors = keyed_spans(text);
        assert!(anchors.iter().any(|(k, _)| k == "units[#b].n"), "{anchors:?}");
        // lay out a tree without b, by hand: the same as the text with b removed
        let tree = Compact { b: b"(format:1,units:[(id:\"a\",n:1)])", s: "(format:1,units:[(id:\"a\",n:1)])", i: 0 }
            .value()
            .unwrap();
        let mut l = Layout::default();
        l.emit(&tree, 0, "", "", "", true);
        let (out, kept, dropped) = l.with_comments(text, &anchors);
        assert_eq!(kept, 3, "{out}");
        assert_eq!(dropped, vec!["// second".to_string(), "// b's note".to_string()]);
        assert!(out.contains("format: 1, // the version"), "{out}");
        // `a` fits on the line of `units`: its comment goes before that line
        assert!(out.contains("    // the only unit\n    // first\n    units: [(id: \"a\", n: 1)],\n"), "{out}");
    }

    #[test]
    fn strings_keep_their_characters_and_escape_only_what_they_must() {
        assert_eq!(quote("Kara-Suu – Batken"), "\"Kara-Suu – Batken\"");
        assert_eq!(quote("a \"b\"\\\n"), "\"a \\\"b\\\"\\\\\\n\"");
        let back: String = ron::from_str(&quote("a \"b\"\\\n\u{1}")).unwrap();
        assert_eq!(back, "a \"b\"\\\n\u{1}");
    }

    #[test]
    fn comment_spans_skip_strings() {
        let s = "(a: \"// not\", /* yes */ b: r#\"/* no */\"#) // tail";
        let c: Vec<&str> = comment_spans(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(c, vec!["/* yes */", "// tail"]);
    }
}
