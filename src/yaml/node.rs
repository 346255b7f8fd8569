//! The tree the reader builds: mappings, sequences and scalars with spans.

use std::borrow::Cow;

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub kind: NodeKind<'a>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind<'a> {
    Scalar(Scalar<'a>),
    /// Entries in file order; duplicate keys were reported and dropped.
    Mapping(Vec<Entry<'a>>),
    Sequence(Vec<Node<'a>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    pub key: Node<'a>,
    pub value: Node<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Block,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar<'a> {
    /// Borrowed from the file when it is written there exactly, which is
    /// the common case and saves an allocation per scalar.
    pub value: Cow<'a, str>,
    pub style: ScalarStyle,
    /// Where `value[0]` sits in the file when every character of `value`
    /// maps one to one onto the source (no escapes, no line folding);
    /// `None` otherwise.
    pub content_start: Option<usize>,
}

impl<'a> Node<'a> {
    pub fn as_scalar(&self) -> Option<&Scalar<'a>> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.value.as_ref())
    }

    /// The span of `value[range]` when it can be mapped exactly, else the
    /// whole node: a label then still points at the right scalar.
    pub fn sub_span(&self, range: std::ops::Range<usize>) -> Span {
        match self.as_scalar().and_then(|s| s.content_start) {
            Some(start) => Span::new(start + range.start, start + range.end),
            None => self.span,
        }
    }

    /// What a diagnostic calls this kind of node.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(_) => "a scalar",
            NodeKind::Mapping(_) => "a mapping",
            NodeKind::Sequence(_) => "a sequence",
        }
    }

    /// A plain `~`, `null` or empty scalar, which YAML reads as null.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s)
            if s.style == ScalarStyle::Plain && matches!(s.value.as_ref(), "" | "~" | "null" | "Null" | "NULL"))
    }
}
