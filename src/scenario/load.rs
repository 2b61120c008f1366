//! Reading scenario and library files: text to schema types, with syntax errors placed at
//! their line and column and given a hint. Files come from disk or from the copies embedded in
//! the binary (the default scenario and its library).

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::diag::Problems;
use super::locate::offset_of;

/// Largest scenario, library or DEM file read, bytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Files compiled into the binary, by their path in the repository.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("scenarios/cooperation_2000.ron", include_str!("../../scenarios/cooperation_2000.ron")),
    ("assets/units/cis.ron", include_str!("../../assets/units/cis.ron")),
    ("assets/units/armed_groups.ron", include_str!("../../assets/units/armed_groups.ron")),
    ("assets/templates/scenario.ron", include_str!("../../assets/templates/scenario.ron")),
    // the real ground of the Batken box (GEBCO 2023; assets/terrain/ATTRIBUTION.md)
    ("assets/terrain/batken_gebco2023.asc", include_str!("../../assets/terrain/batken_gebco2023.asc")),
];

/// Path of the embedded default scenario.
pub const DEFAULT_SCENARIO: &str = "scenarios/cooperation_2000.ron";

/// Where a scenario came from, so that the files it names can be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk; relative paths resolve against its directory.
    Disk(PathBuf),
    /// An embedded file; relative paths resolve inside the embedded tree.
    Embedded(String),
}

impl Origin {
    /// Display name of the file itself.
    pub fn name(&self) -> String {
        match self {
            Origin::Disk(p) => p.display().to_string(),
            Origin::Embedded(p) => format!("<embedded>/{p}"),
        }
    }

    /// Resolves `rel` against this file's directory and reads it. `builtin:units/cis.ron`
    /// names the copy of `assets/units/cis.ron` built into the binary, wherever the file is.
    pub fn read_relative(&self, rel: &str) -> Result<(Origin, Arc<str>), String> {
        if let Some(rest) = rel.strip_prefix("builtin:") {
            let key = format!("assets/{}", normalise(rest));
            return match EMBEDDED.iter().find(|(k, _)| *k == key) {
                Some((k, text)) => Ok((Origin::Embedded(k.to_string()), Arc::from(*text))),
                None => Err(format!(
                    "`{rel}` is not built into jets; built in are: {}",
                    EMBEDDED
                        .iter()
                        .filter_map(|(k, _)| k.strip_prefix("assets/units/"))
                        .map(|k| format!("builtin:units/{k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
        }
        match self {
            Origin::Disk(p) => {
                let dir = p.parent().unwrap_or(FsPath::new("."));
                let path = dir.join(rel);
                let text = read_capped(&path)?;
                Ok((Origin::Disk(path), text))
            }
            Origin::Embedded(p) => {
                let joined = normalise(&format!("{}/{rel}", parent_of(p)));
                match EMBEDDED.iter().find(|(k, _)| *k == joined) {
                    Some((k, text)) => Ok((Origin::Embedded(k.to_string()), Arc::from(*text))),
                    None => Err(format!("`{rel}` is not among the files built into jets (resolved to `{joined}`)")),
                }
            }
        }
    }
}

impl Origin {
    /// Like [`Origin::read_relative`], for files that need not be text (a DEM): the bytes.
    pub fn read_relative_bytes(&self, rel: &str) -> Result<(Origin, Arc<[u8]>), String> {
        match self {
            Origin::Disk(p) if !rel.starts_with("builtin:") => {
                let dir = p.parent().unwrap_or(FsPath::new("."));
                let path = dir.join(rel);
                let bytes = read_bytes_capped(&path, MAX_FILE_BYTES)?;
                Ok((Origin::Disk(path), Arc::from(bytes)))
            }
            _ => self.read_relative(rel).map(|(o, t)| (o, Arc::from(t.as_bytes()))),
        }
    }

    /// `rel` (a path relative to this file, as a scenario names its library and DEM files) as
    /// seen from a file saved at `to`: the same file on disk, or the built-in copy of an
    /// embedded one. `builtin:` paths stay as they are.
    pub fn rebase(&self, rel: &str, to: &FsPath) -> String {
        if rel.starts_with("builtin:") {
            return rel.to_string();
        }
        let to_dir = to.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(FsPath::new("."));
        match self {
            Origin::Disk(p) => {
                let target = p.parent().unwrap_or(FsPath::new(".")).join(rel);
                crate::fsio::relative_path(&target, to_dir)
                    .or_else(|| std::fs::canonicalize(&target).ok().map(|t| t.display().to_string()))
                    .unwrap_or_else(|| rel.to_string())
            }
            Origin::Embedded(p) => {
                let joined = normalise(&format!("{}/{rel}", parent_of(p)));
                match joined.strip_prefix("assets/") {
                    Some(rest) if EMBEDDED.iter().any(|(k, _)| *k == joined) => format!("builtin:{rest}"),
                    _ => rel.to_string(),
                }
            }
        }
    }
}

fn parent_of(p: &str) -> &str {
    p.rfind('/').map(|i| &p[..i]).unwrap_or("")
}

/// Normalises `a/b/../c` to `a/c` for embedded paths.
fn normalise(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            x => out.push(x),
        }
    }
    out.join("/")
}

/// Reads a text file: only a regular file (a FIFO, a device or a directory is refused before
/// it is opened, so nothing can block or stream forever), at most [`MAX_FILE_BYTES`] (read
/// through a bounded reader, whatever its size claims), UTF-8 (an invalid byte is reported at
/// its line and column). The message names the file; it never quotes the file's content.
pub fn read_capped(path: &FsPath) -> Result<Arc<str>, String> {
    read_bytes_capped(path, MAX_FILE_BYTES).and_then(|bytes| utf8(path, bytes))
}

/// The bytes of a regular file of at most `cap` bytes (see [`read_capped`]).
pub fn read_bytes_capped(path: &FsPath, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let shown = crate::fsio::shown(path);
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read `{shown}`: {}", crate::fsio::io_text(&e)))?;
    if !meta.is_file() {
        let what = crate::fsio::kind_of(&meta);
        return Err(format!("`{shown}` is {what}, not a regular file; jets reads its inputs only from files"));
    }
    if meta.len() > cap {
        return Err(format!("`{shown}` is {} bytes; the limit is {cap}", meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{shown}`: {}", crate::fsio::io_text(&e)))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read `{shown}`: {}", crate::fsio::io_text(&e)))?;
    if bytes.len() as u64 > cap {
        return Err(format!("`{shown}` holds more than {cap} bytes, the limit"));
    }
    Ok(bytes)
}

/// UTF-8 text of a file's bytes, or where the first invalid byte is (line and column).
fn utf8(path: &FsPath, bytes: Vec<u8>) -> Result<Arc<str>, String> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Arc::from(s)),
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let col = valid.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
            Err(format!(
                "{}:{line}:{col}: the file is not UTF-8 text (byte 0x{:02x} cannot start or continue a character)",
                crate::fsio::shown(path),
                bytes[at]
            ))
        }
    }
}

/// The hint for an error of [`read_capped`].
pub fn read_hint(message: &str) -> String {
    if message.contains("not UTF-8") {
        "save the file as UTF-8 text (most editors offer it under \"Save with encoding\")".into()
    } else if message.contains("not a regular file") {
        "give the path of a file (not a pipe, device or directory); copy the data to a file first".into()
    } else if message.contains("the limit") {
        format!("files jets reads are at most {MAX_FILE_BYTES} bytes; is this the right file?")
    } else {
        "check the path (relative paths are relative to the current directory for a file given on the \
         command line, and to the scenario's folder for a file a scenario names); `jets new FILE` writes a \
         template to start from"
            .into()
    }
}

/// Text of an embedded file.
pub fn embedded(path: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(k, _)| *k == path).map(|(_, t)| *t)
}

/// Parses RON text into `T`. A syntax or shape error is added to `problems` at its line and
/// column, with a hint.
pub fn parse_ron<T: DeserializeOwned>(problems: &mut Problems, source: usize, text: &str) -> Option<T> {
    parse_ron_with(problems, source, text, ron::Options::default())
}

/// [`parse_ron`] with RON options (extensions); nesting is limited to 128 levels whatever
/// the options say.
pub fn parse_ron_with<T: DeserializeOwned>(
    problems: &mut Problems,
    source: usize,
    text: &str,
    opts: ron::Options,
) -> Option<T> {
    let opts = opts.with_recursion_limit(128);
    match opts.from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let start = offset_of(text, e.span.start.line, e.span.start.col);
            let mut end = offset_of(text, e.span.end.line, e.span.end.col);
            if end <= start {
                end = (start + 1).min(text.len());
                while end < text.len() && !text.is_char_boundary(end) {
                    end += 1;
                }
            }
            let (msg, hint) = explain(&e.code);
            problems.error_at(source, start..end, msg, hint);
            None
        }
    }
}

/// A message and hint for a RON error.
fn explain(code: &ron::Error) -> (String, Option<String>) {
    use ron::Error as E;
    let msg = code.to_string();
    let hint = match code {
        E::NoSuchStructField { expected, found, .. } => Some(match closest(found, expected) {
            Some(s) => format!("did you mean `{s}`? The fields allowed here are: {}", expected.join(", ")),
            None => format!("the fields allowed here are: {}", expected.join(", ")),
        }),
        E::NoSuchEnumVariant { expected, found, .. } => Some(match closest(found, expected) {
            Some(s) => format!("did you mean `{s}`? Choose one of: {}", expected.join(", ")),
            None => format!("choose one of: {}", expected.join(", ")),
        }),
        E::MissingStructField { field, .. } => Some(format!("add `{field}: ...` (see docs/scenario-format.md)")),
        E::DuplicateStructField { field, .. } => Some(format!("remove one of the two `{field}` fields")),
        E::ExpectedComma => Some("separate fields and list items with commas".into()),
        E::Eof => Some("the file ends too early: a `(`, `[` or string is not closed".into()),
        E::TrailingCharacters => {
            Some("there is text after the end of the top-level value; check for an extra `)`".into())
        }
        E::ExpectedFloat | E::ExpectedInteger => Some("write a plain number such as `2850` or `2850.0`".into()),
        E::IntegerOutOfBounds => Some("the number is too large or negative where only positive values fit".into()),
        E::ExpectedString | E::ExpectedStringEnd => {
            Some("text values are written in double quotes: \"like this\"".into())
        }
        E::ExpectedOption => Some("optional values are written `Some(value)` or `None`".into()),
        E::UnclosedBlockComment => Some("a `/*` comment is never closed with `*/`".into()),
        E::ExpectedStructLikeEnd | E::ExpectedArrayEnd | E::ExpectedMapEnd => {
            Some("a bracket is not closed where expected; check the commas and brackets before this point".into())
        }
        E::ExceededRecursionLimit => {
            Some("values are nested more than 128 levels deep; a scenario never needs that many brackets".into())
        }
        E::ExpectedBoolean => Some("write `true` or `false`".into()),
        E::InvalidValueForType { .. } | E::ExpectedDifferentLength { .. } => {
            Some("see docs/scenario-format.md for the kind of value this field takes".into())
        }
        _ => Some(
            "compare this part with the same part of a shipped scenario or `jets new`'s template; \
                   docs/scenario-format.md describes every field"
                .into(),
        ),
    };
    (msg, hint)
}

/// A hint for an unknown name: the closest candidate when one is a likely typo, else the
/// candidates (`what` names them, e.g. "units"), at most twelve.
pub fn suggest<S: AsRef<str>>(word: &str, candidates: &[S], what: &str) -> String {
    match closest(word, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None if candidates.is_empty() => format!("the scenario has no {what}"),
        None => {
            let mut names: Vec<&str> = candidates.iter().map(|c| c.as_ref()).take(12).collect();
            if candidates.len() > 12 {
                names.push("…");
            }
            format!("the {what} are: {}", names.join(", "))
        }
    }
}

/// Closest candidate by edit distance, if close enough to be a likely typo.
pub fn closest<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let c = c.as_ref();
        let d = edit_distance(word, c);
        if d <= (word.len().max(c.len()) / 3).max(1) && best.is_none_or(|b| d < b.0) {
            best = Some((d, c));
        }
    }
    best.map(|b| b.1)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX / 2;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_paths_resolve() {
        let o = Origin::Embedded(DEFAULT_SCENARIO.into());
        let (origin, text) = o.read_relative("../assets/units/cis.ron").unwrap();
        assert_eq!(origin, Origin::Embedded("assets/units/cis.ron".into()));
        assert!(!text.is_empty());
        assert!(o.read_relative("../assets/units/nope.ron").is_err());
        let d = Origin::Disk("/nonexistent/x.ron".into());
        assert_eq!(
            d.read_relative("builtin:units/cis.ron").unwrap().0,
            Origin::Embedded("assets/units/cis.ron".into())
        );
        assert!(d.read_relative("builtin:units/nope.ron").is_err());
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("strenght", &["strength", "side"]), Some("strength"));
        assert_eq!(closest("zzz", &["strength", "side"]), None);
    }
}
