//! Problems found in scenario and library files, with their place in the source, and their
//! rendering as pretty diagnostics (file, line, column, a source snippet and a hint).
//!
//! The library never prints: [`Problems::render`] returns text for the binary to print.
//! Rendering costs the size of the snippets shown, not of the files: each source is read
//! once for paths and once for lines however many problems point into it, a snippet shows
//! a window of at most [`SNIPPET_COLUMNS`] characters of each line, and every character that
//! could drive a terminal (escape sequences in a scenario's strings, say) is shown escaped.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};

use super::locate::{Doc, Lines, Path};

/// Characters of a source line a snippet shows at most (a window around the problem).
pub const SNIPPET_COLUMNS: usize = 160;

/// A source text problems can point into.
#[derive(Debug, Clone)]
pub struct Source {
    /// Display name (the path as given, or `<embedded>/...`).
    pub name: String,
    /// Full text.
    pub text: Arc<str>,
    /// Show no lines around a problem, only the offending token: for files that failed to
    /// read as the expected format at all (a file named as a library may be anything).
    pub token_only: bool,
    doc: Arc<OnceLock<Doc>>,
    lines: Arc<OnceLock<Lines>>,
}

impl Source {
    fn doc(&self) -> &Doc {
        self.doc.get_or_init(|| Doc::parse(&self.text))
    }
    fn lines(&self) -> &Lines {
        self.lines.get_or_init(|| Lines::new(&self.text))
    }
}

pub use crate::term::printable;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The scenario cannot be run.
    Error,
    /// Suspicious but runnable.
    Warning,
}

/// One problem.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Index into [`Problems::sources`], if the problem is in a source text.
    pub source: Option<usize>,
    /// Byte span in that source.
    pub span: Option<Range<usize>>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// Error or warning.
    pub severity: Severity,
    /// The path of the value concerned (`units[3].task`), when known: lets the editor take the
    /// user to the thing.
    pub path: Option<String>,
}

/// Every problem found while loading, with the sources they point into.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// Source texts.
    pub sources: Vec<Source>,
    /// Problems, in the order found.
    pub items: Vec<Problem>,
}

impl Problems {
    /// Adds a source text and returns its index.
    pub fn add_source(&mut self, name: &str, text: Arc<str>) -> usize {
        self.sources.push(Source {
            name: name.to_string(),
            text,
            token_only: false,
            doc: Arc::default(),
            lines: Arc::default(),
        });
        self.sources.len() - 1
    }

    /// Marks a source as one whose snippets show only the offending token (see
    /// [`Source::token_only`]).
    pub fn show_token_only(&mut self, source: usize) {
        if let Some(s) = self.sources.get_mut(source) {
            s.token_only = true;
        }
    }

    /// An error not tied to any source (a missing file, say).
    pub fn error_bare(&mut self, message: impl Into<String>, hint: Option<String>) {
        self.items.push(Problem {
            source: None,
            span: None,
            message: message.into(),
            hint,
            severity: Severity::Error,
            path: None,
        });
    }

    /// An error at a byte span.
    pub fn error_at(&mut self, source: usize, span: Range<usize>, message: impl Into<String>, hint: Option<String>) {
        self.items.push(Problem {
            source: Some(source),
            span: Some(span),
            message: message.into(),
            hint,
            severity: Severity::Error,
            path: None,
        });
    }

    /// A problem at a path in a source; the span is found by [`locate`]. If the path cannot be
    /// followed all the way, the problem points at the nearest enclosing value and names the path.
    pub fn at_path(
        &mut self,
        severity: Severity,
        source: usize,
        path: &Path,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let mut message = message.into();
        let span = self.sources.get(source).and_then(|s| s.doc().locate(path)).map(|(span, full)| {
            if !full {
                message = format!("{message} (at `{path}`)");
            }
            span
        });
        self.items.push(Problem { source: Some(source), span, message, hint, severity, path: Some(path.to_string()) });
    }

    /// An error at a path.
    pub fn error(&mut self, source: usize, path: &Path, message: impl Into<String>, hint: Option<String>) {
        self.at_path(Severity::Error, source, path, message, hint);
    }

    /// A warning at a path.
    pub fn warning(&mut self, source: usize, path: &Path, message: impl Into<String>, hint: Option<String>) {
        self.at_path(Severity::Warning, source, path, message, hint);
    }

    /// Points the problems of `source` into another text of the same structure (the file a
    /// scenario changed by `--set` came from): each is placed again by its schema path, so
    /// that it is reported at the line of that file where the changed value stands.
    pub fn relocate(&mut self, source: usize, name: &str, text: Arc<str>) {
        let Some(src) = self.sources.get_mut(source) else { return };
        src.name = name.to_string();
        src.text = text;
        src.doc = Arc::default();
        src.lines = Arc::default();
        let src = &self.sources[source];
        for p in self.items.iter_mut().filter(|p| p.source == Some(source)) {
            let found = p.path.as_deref().and_then(Path::parse).and_then(|path| src.doc().locate(&path));
            p.span = match found {
                Some((span, _)) => Some(span),
                None => p.span.clone().map(|s| s.start.min(src.text.len())..s.end.min(src.text.len())),
            };
        }
    }

    /// Number of errors (warnings excluded).
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|p| p.severity == Severity::Error).count()
    }

    /// True when there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// Moves all problems and sources of `other` into `self`.
    pub fn absorb(&mut self, other: Problems) {
        let base = self.sources.len();
        self.sources.extend(other.sources);
        for mut p in other.items {
            p.source = p.source.map(|s| s + base);
            self.items.push(p);
        }
    }

    /// `file:line:col` of a problem, when it has a place.
    pub fn place(&self, p: &Problem) -> Option<(String, usize, usize)> {
        let src = self.sources.get(p.source?)?;
        let (l, c) = src.lines().line_col(&src.text, p.span.as_ref()?.start);
        Some((src.name.clone(), l, c))
    }

    /// Renders every problem as a diagnostic with a snippet, followed by a count line.
    pub fn render(&self, color: bool) -> String {
        let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(2).with_width(400);
        let mut out = String::new();
        for p in &self.items {
            let place = self.place(p);
            let head = match &place {
                Some((f, l, c)) => format!("{f}:{l}:{c}: {}", p.message),
                None => match p.source.and_then(|s| self.sources.get(s)) {
                    Some(src) => format!("{}: {}", src.name, p.message),
                    None => p.message.clone(),
                },
            };
            let snippet = match (p.source.and_then(|s| self.sources.get(s)), &p.span, &place) {
                (Some(src), Some(span), Some((_, l, c))) => Some(Snippet::new(src, span.clone(), *l, *c)),
                _ => None,
            };
            let diag = Report {
                head: printable(&head).into_owned(),
                hint: p.hint.as_ref().map(|h| printable(h).into_owned()),
                severity: p.severity,
                snippet,
            };
            let mut buf = String::new();
            if handler.render_report(&mut buf, &diag).is_err() {
                buf = format!("{}\n", diag.head);
            }
            out.push_str(&buf);
        }
        let errors = self.error_count();
        let warnings = self.items.len() - errors;
        if !self.items.is_empty() {
            out.push_str(&format!(
                "{} error{}, {} warning{}\n",
                errors,
                if errors == 1 { "" } else { "s" },
                warnings,
                if warnings == 1 { "" } else { "s" }
            ));
        }
        out
    }
}

/// The lines shown around one problem: at most two either side (none for a token-only
/// source), each cut to a window of [`SNIPPET_COLUMNS`] characters around the problem's
/// column and escaped ([`printable`]); the span is mapped into this text, and the line and
/// column miette prints are those of the file.
#[derive(Debug)]
struct Snippet {
    name: String,
    text: String,
    /// 0-based line of the file the snippet's first line is.
    first_line: usize,
    /// The problem's span in `text`.
    label: Range<usize>,
    /// 0-based line and column of the problem in the file.
    at: (usize, usize),
}

impl Snippet {
    fn new(src: &Source, span: Range<usize>, line: usize, col: usize) -> Snippet {
        let text = &*src.text;
        let lines = src.lines();
        let l0 = line - 1;
        let context = if src.token_only { 0 } else { 2 };
        let (first, last) = (l0.saturating_sub(context), (l0 + context).min(lines.count() - 1));
        // the window: columns [w0, w0 + SNIPPET_COLUMNS) of every line, around the problem
        let w0 = if col - 1 < SNIPPET_COLUMNS * 3 / 4 { 0 } else { (col - 1) - SNIPPET_COLUMNS / 3 };
        let mut out = String::new();
        let mut label = 0..0;
        for k in first..=last {
            let r = lines.range(text, k);
            let line_text = &text[r.clone()];
            if k == l0 && src.token_only {
                // only the offending token: from the problem to the next blank or bracket
                let from = span.start.clamp(r.start, r.end) - r.start;
                let rest = &line_text[from..];
                let len = rest
                    .char_indices()
                    .find(|(i, c)| *i > 0 && (c.is_whitespace() || "()[]{},:".contains(*c)))
                    .map(|(i, _)| i)
                    .unwrap_or(rest.len())
                    .min(rest.char_indices().nth(40).map(|(i, _)| i).unwrap_or(rest.len()));
                let shown = printable(&rest[..len]);
                label = out.len()..out.len() + shown.len().max(1);
                out.push_str(&shown);
                out.push('\n');
                continue;
            }
            let chars: Vec<(usize, char)> = line_text.char_indices().collect();
            let (c0, c1) = (w0.min(chars.len()), (w0 + SNIPPET_COLUMNS).min(chars.len()));
            let byte = |c: usize| chars.get(c).map(|x| x.0).unwrap_or(line_text.len());
            if c0 > 0 && c0 < chars.len() {
                out.push('…');
            }
            let base = out.len();
            let (b0, b1) = (byte(c0), byte(c1));
            let shown = &line_text[b0..b1];
            if k == l0 {
                let s = span.start.clamp(r.start + b0, r.start + b1) - r.start - b0;
                let e = span.end.clamp(r.start + b0, r.start + b1) - r.start - b0;
                let (ps, pe) = (printable(&shown[..s]).len(), printable(&shown[..e.max(s)]).len());
                label = base + ps..base + pe.max(ps + 1);
            }
            out.push_str(&printable(shown));
            if c1 < chars.len() {
                out.push('…');
            }
            out.push('\n');
        }
        label.end = label.end.min(out.len().saturating_sub(1)).max(label.start);
        Snippet { name: printable(&src.name).into_owned(), text: out, first_line: first, label, at: (l0, col - 1) }
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        // miette asks for the primary label's own span (no context) for the `[file:line:col]`
        // heading: that is the problem's place in the file
        let (line, column) = if span.offset() == self.label.start && before == 0 && after == 0 {
            self.at
        } else {
            (inner.line() + self.first_line, inner.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}

#[derive(Debug)]
struct Report {
    head: String,
    hint: Option<String>,
    severity: Severity,
    snippet: Option<Snippet>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.head)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.hint.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let s = self.snippet.as_ref()?;
        let len = s.label.end.saturating_sub(s.label.start);
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some("here".into()), (s.label.start, len)))))
    }
}
