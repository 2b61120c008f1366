//! Finding where a value sits in RON source text, so that semantic problems found after
//! deserialisation can be reported with file, line and column.
//!
//! serde gives no spans for values, so this module re-reads the text with a small tolerant
//! RON reader that keeps the byte span of every value and field, and walks it by a path such
//! as `units[3].task.pass`. It never panics: text it cannot follow yields `None`, and callers
//! fall back to the nearest enclosing path that it can find.

use std::ops::Range;

/// One step of a path into a RON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A named field of a struct or struct-like enum variant.
    Field(String),
    /// An element of a list (or a positional element of a tuple).
    Index(usize),
}

/// A path into a document, e.g. `units[3].task`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    /// The empty path (the whole document).
    pub fn root() -> Path {
        Path(Vec::new())
    }
    /// This path with a field appended.
    pub fn f(&self, name: &str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Field(name.to_string()));
        p
    }
    /// This path with an index appended.
    pub fn i(&self, index: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(index));
        p
    }

    /// Reads a path as [`Display`](std::fmt::Display) writes it (`units[3].task.pass`).
    pub fn parse(text: &str) -> Option<Path> {
        let mut segs = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let (name, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if !name.is_empty() {
                segs.push(Seg::Field(name.to_string()));
            }
            while let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']')?;
                segs.push(Seg::Index(r[..end].parse().ok()?));
                rest = &r[end + 1..];
            }
            if !rest.is_empty() {
                return None;
            }
        }
        Some(Path(segs))
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for s in &self.0 {
            match s {
                Seg::Field(n) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(n)?;
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    Ident,
    Scalar,
}

/// Byte spans of the comments in RON text (`//` to the end of the line, nested `/* */`);
/// comment markers inside strings are not comments.
pub fn comment_spans(src: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    tokenize(src, &mut out);
    out
}

fn tokenize(src: &str, comments: &mut Vec<Range<usize>>) -> Vec<(Tok, Range<usize>)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let st = i;
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                comments.push(st..i);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let st = i;
                let mut depth = 1;
                i += 2;
                while i < b.len() && depth > 0 {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
                comments.push(st..i.min(b.len()));
            }
            b'(' | b'[' | b'{' => {
                out.push((Tok::Open(c), i..i + 1));
                i += 1;
            }
            b')' | b']' | b'}' => {
                out.push((Tok::Close(c), i..i + 1));
                i += 1;
            }
            b',' => {
                out.push((Tok::Comma, i..i + 1));
                i += 1;
            }
            b':' => {
                out.push((Tok::Colon, i..i + 1));
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(b.len());
                out.push((Tok::Scalar, start..i));
            }
            b'\'' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(b.len());
                out.push((Tok::Scalar, start..i));
            }
            b'r' if matches!(b.get(i + 1), Some(b'"') | Some(b'#')) => {
                // raw string r#"..."#
                let start = i;
                i += 1;
                let mut hashes = 0;
                while i < b.len() && b[i] == b'#' {
                    hashes += 1;
                    i += 1;
                }
                i += 1; // opening quote
                loop {
                    if i >= b.len() {
                        break;
                    }
                    if b[i] == b'"' && b[i + 1..].iter().take(hashes).filter(|&&h| h == b'#').count() == hashes {
                        i += 1 + hashes;
                        break;
                    }
                    i += 1;
                }
                out.push((Tok::Scalar, start..i.min(b.len())));
            }
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push((Tok::Ident, start..i));
            }
            _ => {
                // numbers, signs and anything else: a scalar run up to a delimiter
                let start = i;
                i += 1;
                while i < b.len()
                    && !matches!(
                        b[i],
                        b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'/'
                    )
                {
                    i += 1;
                }
                out.push((Tok::Scalar, start..i));
            }
        }
    }
    out
}

/// A value with its span; containers keep their children.
#[derive(Debug)]
struct Node {
    span: Range<usize>,
    /// The enum variant or struct name before a container (`Procedural` in `Procedural((..))`).
    tag: Option<String>,
    fields: Vec<(String, Range<usize>, Node)>,
    items: Vec<Node>,
}

struct Reader<'a> {
    src: &'a str,
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.pos).map(|t| t.0)
    }
    fn peek_at(&self, k: usize) -> Option<Tok> {
        self.toks.get(self.pos + k).map(|t| t.0)
    }
    fn span(&self) -> Range<usize> {
        self.toks.get(self.pos).map(|t| t.1.clone()).unwrap_or(self.src.len()..self.src.len())
    }

    fn value(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > 256 {
            return None;
        }
        let start = self.span().start;
        let node = match self.peek()? {
            Tok::Ident => {
                self.pos += 1;
                let tag = self.src.get(self.toks[self.pos - 1].1.clone()).map(str::to_string);
                if self.peek() == Some(Tok::Open(b'(')) {
                    let mut n = self.container(b')')?;
                    n.span.start = start;
                    n.tag = tag;
                    n
                } else {
                    Node { span: start..self.toks[self.pos - 1].1.end, tag, fields: vec![], items: vec![] }
                }
            }
            Tok::Open(b'(') => self.container(b')')?,
            Tok::Open(b'[') => self.container(b']')?,
            Tok::Open(b'{') => self.container(b'}')?,
            Tok::Scalar => {
                let s = self.span();
                self.pos += 1;
                Node { span: s, tag: None, fields: vec![], items: vec![] }
            }
            _ => return None,
        };
        self.depth -= 1;
        Some(node)
    }

    /// Reads `( ... )`, `[ ... ]` or `{ ... }` starting at the opening token.
    fn container(&mut self, close: u8) -> Option<Node> {
        let start = self.span().start;
        self.pos += 1;
        let mut fields = Vec::new();
        let mut items = Vec::new();
        loop {
            match self.peek()? {
                Tok::Close(c) if c == close => {
                    let end = self.span().end;
                    self.pos += 1;
                    return Some(Node { span: start..end, tag: None, fields, items });
                }
                Tok::Comma => self.pos += 1,
                Tok::Ident if self.peek_at(1) == Some(Tok::Colon) && close == b')' => {
                    let name_span = self.span();
                    let name = self.src.get(name_span.clone())?.to_string();
                    self.pos += 2;
                    let v = self.value()?;
                    fields.push((name, name_span, v));
                }
                _ => {
                    let v = self.value()?;
                    if self.peek() == Some(Tok::Colon) {
                        // map entry `key: value`: keep the value as an item
                        self.pos += 1;
                        let v2 = self.value()?;
                        items.push(v2);
                    } else {
                        items.push(v);
                    }
                }
            }
        }
    }
}

fn parse(src: &str) -> Option<Node> {
    let mut r = Reader { src, toks: tokenize(src, &mut Vec::new()), pos: 0, depth: 0 };
    // skip `#![enable(...)]` style attributes
    r.value()
}

fn step<'n>(node: &'n Node, seg: &Seg) -> Option<(&'n Node, Range<usize>)> {
    match seg {
        Seg::Field(name) => {
            if let Some((_, name_span, v)) = node.fields.iter().find(|(n, _, _)| n == name) {
                return Some((v, name_span.start..v.span.end));
            }
            // an enum variant named in the path (`terrain.Procedural.base_m`): the value itself
            if node.tag.as_deref() == Some(name.as_str()) {
                return Some((node, node.span.clone()));
            }
            // newtype wrappers (`Some(x)`, `Procedural((..))`): look inside the only item
            if node.fields.is_empty() && node.items.len() == 1 {
                return step(&node.items[0], seg);
            }
            None
        }
        Seg::Index(i) => {
            if let Some(v) = node.items.get(*i) {
                return Some((v, v.span.clone()));
            }
            if node.fields.is_empty() && node.items.len() == 1 {
                return step(&node.items[0], seg);
            }
            None
        }
    }
}

/// RON text read once by the tolerant reader, for many [`Doc::locate`] lookups (a file with
/// thousands of problems is read once, not once a problem).
#[derive(Debug)]
pub struct Doc {
    root: Option<Node>,
}

impl Doc {
    /// Reads `src`; text the reader cannot follow gives a document where nothing is found.
    pub fn parse(src: &str) -> Doc {
        Doc { root: parse(src) }
    }

    /// Span of the value at `path`, or of the deepest enclosing value that could be found.
    /// Field paths point at `name: value`; the second element says whether the whole path
    /// was found.
    pub fn locate(&self, path: &Path) -> Option<(Range<usize>, bool)> {
        let root = self.root.as_ref()?;
        let mut node = root;
        let mut span = root.span.clone();
        for seg in &path.0 {
            match step(node, seg) {
                Some((n, s)) => {
                    node = n;
                    span = s;
                }
                None => return Some((span, false)),
            }
        }
        Some((span, true))
    }
}

/// Span of the value at `path` in `src` (see [`Doc::locate`]; for many lookups in one text,
/// parse a [`Doc`] once).
pub fn locate(src: &str, path: &Path) -> Option<(Range<usize>, bool)> {
    Doc::parse(src).locate(path)
}

/// Every field and list element of RON text with a stable key (`units[#kg_mrc_1].task.pass`:
/// fields by name, list elements with an `id` by that id, others by index), and its span (a
/// field from its name to the end of its value), sorted by start. The whole document is `""`.
/// Used to carry comments over when a scenario is saved again.
pub fn keyed_spans(src: &str) -> Vec<(String, Range<usize>)> {
    let Some(root) = parse(src) else { return Vec::new() };
    let mut out = vec![(String::new(), root.span.clone())];
    walk(src, &root, "", &mut out);
    out.sort_by_key(|(k, s)| (s.start, k.len()));
    out
}

/// The key of a member: `parent.name`, `parent[#id]` (a list element with that `id`) or
/// `parent[i]`.
pub fn child_key(parent: &str, name: Option<&str>, index: usize, id: Option<&str>) -> String {
    match (name, id) {
        (Some(n), _) if parent.is_empty() => n.to_string(),
        (Some(n), _) => format!("{parent}.{n}"),
        (None, Some(id)) => format!("{parent}[#{id}]"),
        (None, None) => format!("{parent}[{index}]"),
    }
}

fn walk(src: &str, node: &Node, key: &str, out: &mut Vec<(String, Range<usize>)>) {
    for (name, name_span, v) in &node.fields {
        let k = child_key(key, Some(name), 0, None);
        out.push((k.clone(), name_span.start..v.span.end));
        walk(src, v, &k, out);
    }
    for (i, v) in node.items.iter().enumerate() {
        let id = v
            .fields
            .iter()
            .find(|(n, _, _)| n == "id")
            .and_then(|(_, _, idv)| src.get(idv.span.clone()))
            .and_then(|t| ron::from_str::<String>(t).ok());
        let k = child_key(key, None, i, id.as_deref());
        out.push((k.clone(), v.span.clone()));
        walk(src, v, &k, out);
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    Lines::new(src).line_col(src, offset)
}

/// Where each line of a text starts: line and column of an offset in O(log n + line length).
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    /// Indexes `src`.
    pub fn new(src: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(src.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// Byte range of 0-based line `line` (without its newline), clamped to the text.
    pub fn range(&self, src: &str, line: usize) -> Range<usize> {
        let start = self.starts.get(line).copied().unwrap_or(src.len()).min(src.len());
        let end = self.starts.get(line + 1).map(|e| e - 1).unwrap_or(src.len()).clamp(start, src.len());
        start..end
    }

    /// Number of lines.
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line and column (in characters) of a byte offset of `src`, the text indexed.
    pub fn line_col(&self, src: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(src.len());
        let line = self.line_of(offset);
        let start = self.starts[line].min(offset);
        let col = String::from_utf8_lossy(&src.as_bytes()[start..offset]).chars().count() + 1;
        (line + 1, col)
    }
}

/// Byte offset of a 1-based line and column (clamped to the text).
pub fn offset_of(src: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let mut o = off;
            for (k, (bi, _)) in l.char_indices().enumerate() {
                if k + 1 == col {
                    return off + bi;
                }
                o = off + bi;
            }
            return (o + 1).min(src.len());
        }
        off += l.len();
    }
    src.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"// comment with ( brackets [
(
    meta: (name: "x", start: "2000"),
    units: [
        (id: "a", task: Block(pass: "p1")),
        (id: "b", task: Move(to: Geo(lat: 1.0, lon: 2.0))), /* a ( comment */
    ],
    terrain: Procedural((base_m: 900.0, ridges: [])),
    opt: Some(3.0),
)"#;

    fn text(p: Path) -> String {
        let (s, full) = locate(DOC, &p).unwrap();
        assert!(full, "{p} not found");
        DOC[s].to_string()
    }

    #[test]
    fn finds_fields_items_and_newtypes() {
        let root = Path::root();
        assert_eq!(text(root.f("meta").f("name")), r#"name: "x""#);
        assert_eq!(text(root.f("units").i(1).f("id")), r#"id: "b""#);
        assert_eq!(text(root.f("units").i(0).f("task").f("pass")), r#"pass: "p1""#);
        assert_eq!(text(root.f("units").i(1).f("task").f("to").f("lon")), "lon: 2.0");
        assert_eq!(text(root.f("terrain").f("base_m")), "base_m: 900.0");
        assert_eq!(text(root.f("terrain").f("Procedural").f("base_m")), "base_m: 900.0");
        assert!(text(root.f("opt")).starts_with("opt: Some"));
    }

    #[test]
    fn paths_read_back() {
        for t in ["units[3].task.pass", "meta", "map.terrain.Procedural.ridges[0][1]", ""] {
            assert_eq!(Path::parse(t).unwrap().to_string(), t);
        }
        assert!(Path::parse("units[x]").is_none());
    }

    #[test]
    fn missing_path_gives_enclosing_span() {
        let (s, full) = locate(DOC, &Path::root().f("units").i(7)).unwrap();
        assert!(!full);
        assert!(DOC[s].starts_with("units: ["));
    }

    #[test]
    fn line_col_round_trip() {
        let off = DOC.find("lat").unwrap();
        let (l, c) = line_col(DOC, off);
        assert_eq!(l, 6);
        assert_eq!(offset_of(DOC, l, c), off);
    }

    #[test]
    fn garbage_never_panics() {
        for s in ["", "(", ")", "[[[", "(a: ", "r#\"", "\"abc", "(a: b: c)", "/*", "'x"] {
            let _ = locate(s, &Path::root().f("a").i(2));
        }
    }
}
