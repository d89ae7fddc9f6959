//! Diagnostics shared by every front end: a message, the spans it is about, and notes.
//!
//! Rendering goes through codespan-reporting, which prints `file:line:column`, the source
//! line and a caret under the span, the form compilers have taught users to read.

use std::fmt;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel};
use codespan_reporting::term::{self, Config};

use crate::source::{SourceMap, Span};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// Whether a diagnostic stops the command. Warnings are about input oscgen accepts the
/// way MIDL does, but that is probably not what was meant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

/// One problem with the input, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The main place the error is about; `None` for input with no source text (e.g. WinMD).
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn at(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(message).with_label(span, "")
    }

    /// A warning about input with no source text (a type library).
    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// A warning at `span`: rendered `warning:`, and the command goes on.
    pub fn warning_at(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::at(span, message)
        }
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// Sets the primary label; the text is printed under the caret.
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label {
            span,
            message: text.into(),
        });
        self
    }

    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: text.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn span(&self) -> Option<Span> {
        self.primary.as_ref().map(|l| l.span)
    }

    /// `file:line:column: error: message` (or `warning:`), then the snippet with a caret.
    ///
    /// A span inside a macro expansion is reported at the macro's use in the file the
    /// user wrote, with the macro text it came from as a secondary label; a span in an
    /// `#include`d file gets a note naming the `#include`.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        if let Some(span) = self.span() {
            out.push_str(&sources.location(span));
            out.push_str(": ");
        }
        out.push_str(match self.severity {
            Severity::Error => "error: ",
            Severity::Warning => "warning: ",
        });
        out.push_str(&self.message);
        out.push('\n');
        let mut labels = Vec::new();
        let mut notes = self.notes.clone();
        if let Some(primary) = &self.primary {
            let site = sources.use_site(primary.span);
            labels.push(CsLabel::primary(site.file, site.range()).with_message(&primary.message));
            let mut span = primary.span;
            while let Some(expansion) = sources.expansion(span.expansion) {
                let text = format!("in this expansion of `{}`", sources.text(expansion.macro_name));
                labels.push(CsLabel::secondary(span.file, span.range()).with_message(text));
                span = expansion.call_site;
            }
            let mut file = sources.file(site.file);
            while let Some(include) = file.included_from {
                notes.push(format!("in the file included from {}", sources.location(include)));
                file = sources.file(sources.use_site(include).file);
            }
        }
        for label in &self.secondary {
            let site = sources.use_site(label.span);
            labels.push(CsLabel::secondary(site.file, site.range()).with_message(&label.message));
        }
        if labels.is_empty() {
            for note in &notes {
                out.push_str(&format!("  = {note}\n"));
            }
            return out;
        }
        let snippet = match self.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_labels(labels)
        .with_notes(notes);
        let config = Config::default();
        // codespan's own first line is a bare "error" or "warning", already said above.
        if let Ok(text) = term::emit_into_string(&config, sources, &snippet) {
            out.push_str(text.split_once('\n').map_or("", |(_, rest)| rest));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Suggests the closest of `candidates` to `name`, for "did you mean" notes.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let max = (name.len() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|&(d, _)| d <= max)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbours (the commonest typo, `BTSR` for `BSTR`) each cost one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Origin;

    #[test]
    fn renders_location_snippet_and_caret() {
        let mut sources = SourceMap::new();
        let id = sources.add("a.idl".into(), Origin::Builtin, "interface X\n{ int y }\n".into());
        let diag = Diagnostic::at(Span::new(id, 18..19), "expected `;`").with_note("hint");
        let text = diag.render(&sources);
        assert!(text.starts_with("a.idl:2:7: error: expected `;`\n"), "{text}");
        assert!(text.contains("{ int y }"), "{text}");
        assert!(text.contains('^'), "{text}");
        assert!(text.contains("hint"), "{text}");
    }

    #[test]
    fn renders_warnings_as_warnings() {
        let mut sources = SourceMap::new();
        let id = sources.add("a.idl".into(), Origin::Builtin, "interface X : iunknown {}\n".into());
        let diag = Diagnostic::warning_at(Span::new(id, 14..22), "case differs");
        assert!(diag.is_warning());
        let text = diag.render(&sources);
        assert!(text.starts_with("a.idl:1:15: warning: case differs\n"), "{text}");
        assert!(!text.contains("error"), "{text}");
        assert!(text.contains('^'), "{text}");
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["ISocialPerson", "ISocialProfile", "IUnknown"];
        assert_eq!(closest("ISocialPersn", names), Some("ISocialPerson"));
        assert_eq!(closest("iunknown", names), Some("IUnknown"));
        assert_eq!(closest("Completely", names), None);
        assert_eq!(closest("BTSR", ["BSTR", "LPSTR"]), Some("BSTR"));
    }
}
