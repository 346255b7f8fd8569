//! Source text, byte spans, and the line index that turns offsets into
//! line/column pairs for diagnostics.

use std::sync::{Arc, OnceLock};

/// A half-open byte range `start..end` into one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// A 1-based line and a 1-based column counted in characters, as editors
/// and the JSON diagnostics format count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One schema file: its display name, its text and where its lines start.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    // `Arc<String>` rather than `Arc<str>`: the file's buffer is kept, not
    // copied, which matters for peak memory on large schemas.
    text: Arc<String>,
    /// Built on first use: only diagnostics need lines, and a valid schema
    /// has none.
    line_starts: Arc<OnceLock<Vec<usize>>>,
    /// Columns are then byte distances: no need to count characters.
    ascii: bool,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let ascii = text.is_ascii();
        SourceFile {
            ascii,
            name: Arc::from(name.into()),
            text: Arc::new(text),
            line_starts: Arc::new(OnceLock::new()),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            // Sized exactly up front: on a large schema this vector is big,
            // and growing it by doubling costs copies and fresh pages.
            let lines = self.text.bytes().filter(|&b| b == b'\n').count();
            let mut starts = Vec::with_capacity(lines + 1);
            starts.push(0);
            starts.extend(memchr_newlines(&self.text));
            starts
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// Line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts()[line];
        if self.ascii {
            return LineCol {
                line: line + 1,
                column: offset - line_start + 1,
            };
        }
        let mut char_start = offset;
        while !self.text.is_char_boundary(char_start) {
            char_start -= 1;
        }
        let column = self.text[line_start..char_start].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The length in bytes of the line holding `offset`.
    pub fn line_len(&self, offset: usize) -> usize {
        let line = self.line_col(offset).line;
        let start = self.line_starts()[line - 1];
        let end = self
            .line_starts()
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        end - start
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let file = SourceFile::new("s.yaml", "ab\ncé: x\n");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        // `:` follows the two-byte `é`, so it is byte 6 but column 3.
        assert_eq!(file.line_col(6), LineCol { line: 2, column: 3 });
    }
}
