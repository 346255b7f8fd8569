//! Rendering diagnostics for people (miette), for tools (JSON) and for
//! GitHub Actions (workflow annotations).

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::source::SourceFile;

/// How human-readable output looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Style {
    /// Stable output for tests and logs: no colour, 80 columns.
    pub const PLAIN: Style = Style {
        color: false,
        width: 80,
    };
}

/// Diagnostics rendered with a source excerpt; the rest (a hostile file can
/// have a hundred thousand) get one line each, since every excerpt costs a
/// scan of the file.
pub const MAX_EXCERPTS: usize = 100;

/// Lines longer than this are not excerpted: a label under column 70,000
/// helps nobody, the renderer cannot draw one, and it measures every
/// character of the line.
const MAX_EXCERPT_LINE: usize = 2_000;

/// Renders every diagnostic, as `check` prints them: with its source excerpt,
/// or on one line past [`MAX_EXCERPTS`] and for very long lines.
pub fn human(diagnostics: &[Diagnostic], file: &SourceFile, style: Style) -> String {
    let handler = handler(style);
    let mut out = String::new();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        if index >= MAX_EXCERPTS || !excerptable(diagnostic, file) {
            one_line(&mut out, diagnostic, file);
            continue;
        }
        let view = MietteView { diagnostic, file };
        let mut report = String::new();
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut report, &view);
        with_compiler_header(&mut out, &report, diagnostic);
    }
    out
}

/// The miette renderer for a style, shared with `diff`.
pub(crate) fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
}

/// Turns miette's `  × message` report into the compiler-style header of
/// SPEC §5, `error[schemabridge::code]: message`, with the excerpt below it
/// moved one column left to sit under the header as rustc's does.
fn with_compiler_header(out: &mut String, report: &str, d: &Diagnostic) {
    let mut lines = report.lines();
    let Some(first) = lines.next() else { return };
    let message = first
        .trim_start()
        .trim_start_matches(['×', '⚠'])
        .trim_start();
    out.push_str(&format!(
        "{}[{}]: {message}\n",
        d.severity.as_str(),
        d.code.as_str()
    ));
    let mut in_help = false;
    for line in lines {
        in_help = in_help || line.starts_with("  help:");
        // A wrapped message continues under `│`; help stays where miette
        // puts it; the excerpt moves left.
        let line = match line.strip_prefix("  │ ") {
            Some(rest) if !in_help => format!("  {rest}"),
            _ if in_help => line.to_string(),
            _ => line.strip_prefix(' ').unwrap_or(line).to_string(),
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
}

fn excerptable(diagnostic: &Diagnostic, file: &SourceFile) -> bool {
    let spans =
        std::iter::once(diagnostic.span).chain(diagnostic.related.iter().map(|(span, _)| *span));
    spans.into_iter().all(|span| {
        file.line_len(span.start) <= MAX_EXCERPT_LINE && file.line_len(span.end) <= MAX_EXCERPT_LINE
    })
}

/// `error[code]: message` with its position and help, without an excerpt.
fn one_line(out: &mut String, d: &Diagnostic, file: &SourceFile) {
    let at = file.line_col(d.span.start);
    out.push_str(&format!(
        "{}[{}]: {}\n  --> {}:{}:{}\n",
        d.severity.as_str(),
        d.code.as_str(),
        d.message,
        file.name(),
        at.line,
        at.column
    ));
    for (span, label) in &d.related {
        let at = file.line_col(span.start);
        out.push_str(&format!("  note: {label} at {}:{}\n", at.line, at.column));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("  help: {help}\n"));
    }
}

/// A one-line summary such as `2 errors, 1 warning`.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// One entry of `check --format json`, as SPEC §2 pins it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonDiagnostic<'a> {
    pub severity: &'static str,
    pub code: &'static str,
    pub message: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<&'a str>,
}

pub fn json_entries<'a>(
    diagnostics: &'a [Diagnostic],
    file: &'a SourceFile,
) -> Vec<JsonDiagnostic<'a>> {
    diagnostics
        .iter()
        .map(|d| {
            let start = file.line_col(d.span.start);
            let end = file.line_col(d.span.end);
            JsonDiagnostic {
                severity: d.severity.as_str(),
                code: d.code.as_str(),
                message: &d.message,
                file: file.name(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                help: d.help.as_deref(),
            }
        })
        .collect()
}

/// The JSON array of `check --format json`, pretty-printed, with a newline.
pub fn json(diagnostics: &[Diagnostic], file: &SourceFile) -> String {
    let mut text = serde_json::to_string_pretty(&json_entries(diagnostics, file))
        .expect("diagnostics serialize to JSON");
    text.push('\n');
    text
}

/// GitHub Actions workflow commands, one line per diagnostic.
pub fn github(diagnostics: &[Diagnostic], file: &SourceFile) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let start = file.line_col(d.span.start);
        let end = file.line_col(d.span.end);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(file.name()),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(d.code.as_str()),
            escape_data(&message),
        ));
    }
    out
}

// GitHub's workflow command syntax reserves these characters; see the
// `toolkit/packages/core` escaping rules.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Presents one of our diagnostics to miette's renderer.
struct MietteView<'a> {
    diagnostic: &'a Diagnostic,
    file: &'a SourceFile,
}

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.file)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let label = (!d.label.is_empty()).then(|| d.label.clone());
        let primary = LabeledSpan::new_primary_with_span(label, d.span);
        let related = d
            .related
            .iter()
            .map(|(span, label)| LabeledSpan::new_with_span(Some(label.clone()), *span));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text()
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name().to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use crate::source::Span;

    fn diagnostic(start: usize) -> Diagnostic {
        Diagnostic::error(Code::UnknownType, Span::new(start, start + 1), "bad").label("here")
    }

    /// miette panics drawing a label past column 65,535; such lines get
    /// the one-line form instead.
    #[test]
    fn very_long_lines_are_not_excerpted() {
        let text = format!("a: {}\n", "x".repeat(70_000));
        let file = SourceFile::new("long.yaml", text);
        let out = human(&[diagnostic(69_000)], &file, Style::PLAIN);
        assert_eq!(
            out,
            "error[schemabridge::unknown_type]: bad\n  --> long.yaml:1:69001\n"
        );
    }

    #[test]
    fn only_the_first_diagnostics_get_excerpts() {
        let file = SourceFile::new("many.yaml", "a: b\n".repeat(200));
        let diagnostics: Vec<Diagnostic> = (0..150).map(|i| diagnostic(i * 5)).collect();
        let out = human(&diagnostics, &file, Style::PLAIN);
        assert_eq!(out.matches("╭─[").count(), MAX_EXCERPTS);
        assert_eq!(
            out.matches("\n  --> many.yaml:").count(),
            150 - MAX_EXCERPTS
        );
    }
}
