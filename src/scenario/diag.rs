//! Problems found in scenario and library files, with their place in the source, and their
//! rendering as pretty diagnostics (file, line, column, a source snippet and a hint).
//!
//! The library never prints: [`Problems::render`] returns text for the binary to print.

use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::locate::{Path, line_col, locate};

/// A source text problems can point into.
#[derive(Debug, Clone)]
pub struct Source {
    /// Display name (the path as given, or `<embedded>/...`).
    pub name: String,
    /// Full text.
    pub text: Arc<str>,
}

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
        self.sources.push(Source { name: name.to_string(), text });
        self.sources.len() - 1
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
        let span = self.sources.get(source).and_then(|s| locate(&s.text, path)).map(|(span, full)| {
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
        let (l, c) = line_col(&src.text, p.span.as_ref()?.start);
        Some((src.name.clone(), l, c))
    }

    /// Renders every problem as a diagnostic with a snippet, followed by a count line.
    pub fn render(&self, color: bool) -> String {
        let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(2).with_width(400);
        let mut out = String::new();
        for p in &self.items {
            let head = match self.place(p) {
                Some((f, l, c)) => format!("{f}:{l}:{c}: {}", p.message),
                None => match p.source.and_then(|s| self.sources.get(s)) {
                    Some(src) => format!("{}: {}", src.name, p.message),
                    None => p.message.clone(),
                },
            };
            let diag = Report {
                head,
                hint: p.hint.clone(),
                severity: p.severity,
                source: p
                    .source
                    .and_then(|s| self.sources.get(s))
                    .map(|s| NamedSource::new(s.name.clone(), s.text.to_string())),
                span: p.span.clone(),
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

#[derive(Debug)]
struct Report {
    head: String,
    hint: Option<String>,
    severity: Severity,
    source: Option<NamedSource<String>>,
    span: Option<Range<usize>>,
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
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        self.source.as_ref()?;
        let len = span.end.saturating_sub(span.start).min(400);
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some("here".into()), (span.start, len)))))
    }
}
