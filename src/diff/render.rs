//! Printing changes: for people (miette excerpts of both versions), for
//! tools (JSON) and for GitHub Actions (workflow annotations).

use std::fmt;

use miette::{LabeledSpan, SourceCode};
use serde::Serialize;

use super::{Change, Class, Located};
use crate::diagnostics::render::{escape_data, escape_property, Style};
use crate::source::SourceFile;

/// Every change with excerpts of OLD and NEW where it has a place there,
/// then the [`summary`] line.
pub fn human(changes: &[Change], old: &SourceFile, new: &SourceFile, style: Style) -> String {
    let handler = crate::diagnostics::render::handler(style);
    let mut out = String::new();
    for change in changes {
        let view = ChangeView {
            change,
            both: Both { old, new },
        };
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, &view);
        out.push('\n');
    }
    out.push_str(&summary(changes));
    out.push('\n');
    out
}

/// `2 breaking changes (1 stored data, 1 clients), 3 safe`, or `no changes`.
pub fn summary(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no changes".into();
    }
    let count = |class: Class| changes.iter().filter(|c| c.class == class).count();
    let (data, clients, safe) = (count(Class::Data), count(Class::Client), count(Class::Safe));
    let breaking = data + clients;
    let plural = if breaking == 1 { "" } else { "s" };
    if breaking == 0 {
        format!("no breaking changes, {safe} safe")
    } else {
        format!("{breaking} breaking change{plural} ({data} stored data, {clients} clients), {safe} safe")
    }
}

/// A position in one file, as the JSON output gives it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonPlace<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub label: &'a str,
}

/// One entry of `diff --format json`.
#[derive(Debug, Serialize)]
pub struct JsonChange<'a> {
    pub class: &'static str,
    pub message: &'a str,
    pub reason: &'a str,
    pub old: Option<JsonPlace<'a>>,
    pub new: Option<JsonPlace<'a>>,
}

pub fn json_entries<'a>(
    changes: &'a [Change],
    old: &'a SourceFile,
    new: &'a SourceFile,
) -> Vec<JsonChange<'a>> {
    let place = |file: &'a SourceFile, located: &'a Option<Located>| {
        located.as_ref().map(|l| {
            let start = file.line_col(l.span.start);
            let end = file.line_col(l.span.end);
            JsonPlace {
                file: file.name(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                label: &l.label,
            }
        })
    };
    changes
        .iter()
        .map(|c| JsonChange {
            class: c.class.json_name(),
            message: &c.message,
            reason: &c.reason,
            old: place(old, &c.old),
            new: place(new, &c.new),
        })
        .collect()
}

/// The JSON array of `diff --format json`, pretty-printed, with a newline.
pub fn json(changes: &[Change], old: &SourceFile, new: &SourceFile) -> String {
    let mut text = serde_json::to_string_pretty(&json_entries(changes, old, new))
        .expect("changes serialize to JSON");
    text.push('\n');
    text
}

/// GitHub Actions annotations, one line per change, all on the NEW file
/// (`new_path` is its path in the repository): `::error` for breaking
/// changes, `::notice` for safe ones. A change with no place in NEW (a
/// removal) is annotated on the file as a whole and says where it was.
pub fn github(changes: &[Change], old: &SourceFile, new: &SourceFile, new_path: &str) -> String {
    let mut out = String::new();
    for change in changes {
        let command = if change.class.is_breaking() {
            "error"
        } else {
            "notice"
        };
        let mut properties = format!("file={}", escape_property(new_path));
        let mut message = format!("{}: {}", change.class.as_str(), change.message);
        match (&change.new, &change.old) {
            (Some(located), _) => {
                let start = new.line_col(located.span.start);
                let end = new.line_col(located.span.end);
                properties.push_str(&format!(
                    ",line={},col={},endLine={},endColumn={}",
                    start.line, start.column, end.line, end.column
                ));
            }
            (None, Some(located)) => {
                let start = old.line_col(located.span.start);
                message.push_str(&format!(
                    " (was at {}:{}:{})",
                    old.name(),
                    start.line,
                    start.column
                ));
            }
            (None, None) => {}
        }
        message.push('\n');
        message.push_str(&change.reason);
        out.push_str(&format!(
            "::{command} {properties},title={}::{}\n",
            escape_property("schemabridge diff"),
            escape_data(&message)
        ));
    }
    out
}

/// One change for miette: one report whose labels lie in both versions,
/// read through [`Both`], so each version gets its own excerpt with its
/// own file name and line numbers.
struct ChangeView<'a> {
    change: &'a Change,
    both: Both<'a>,
}

impl fmt::Debug for ChangeView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for ChangeView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.change.class.as_str(), self.change.message)
    }
}

impl std::error::Error for ChangeView<'_> {}

impl miette::Diagnostic for ChangeView<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.change.class.is_breaking() {
            miette::Severity::Error
        } else {
            miette::Severity::Advice
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.change.reason))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.both)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let old = self.change.old.as_ref().map(|l| label(l, 0));
        let new = self
            .change
            .new
            .as_ref()
            .map(|l| label(l, self.both.new_base()));
        Some(Box::new(old.into_iter().chain(new)))
    }
}

fn label(located: &Located, base: usize) -> LabeledSpan {
    let text = (!located.label.is_empty()).then(|| located.label.clone());
    let span = located.span;
    LabeledSpan::new_primary_with_span(text, (base + span.start, span.len()))
}

/// OLD and NEW as one source for miette: NEW's offsets start after OLD's
/// text (and one more, so that an empty span at OLD's end stays in OLD).
/// A span is read from the version it lies in, with that version's name
/// and line numbers; a span across both cannot be read, which keeps miette
/// from merging an excerpt of OLD with one of NEW.
struct Both<'a> {
    old: &'a SourceFile,
    new: &'a SourceFile,
}

impl Both<'_> {
    fn new_base(&self) -> usize {
        self.old.text().len() + 1
    }
}

impl SourceCode for Both<'_> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        let base = self.new_base();
        let (file, shift) = if end <= self.old.text().len() {
            (self.old, 0)
        } else if start >= base {
            (self.new, base)
        } else {
            return Err(miette::MietteError::OutOfBounds);
        };
        let inner = (start - shift, span.len()).into();
        let contents = file.read_span(&inner, context_lines_before, context_lines_after)?;
        let read = contents.span();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            file.name().to_string(),
            contents.data(),
            (read.offset() + shift, read.len()).into(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}
