//! Events in, a spanned tree out, with the rules of SPEC §1.3 enforced on
//! the way: no duplicate keys, anchors, aliases or tags, and no nesting
//! deeper than [`MAX_DEPTH`].

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle as SaphyrStyle};

use super::node::{Entry, Node, NodeKind, Scalar, ScalarStyle};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};

/// Mappings up to this size find duplicate keys by a linear search.
const LINEAR_SEARCH_MAX: usize = 32;

/// The deepest nesting of mappings and sequences a schema may use.
pub const MAX_DEPTH: usize = 32;

/// Reads the single document of `file`. Returns `None` when the document
/// cannot be turned into a tree at all (a syntax error, nesting too deep);
/// problems that leave a usable tree are reported and reading goes on.
pub fn read<'a>(file: &'a SourceFile, diagnostics: &mut Diagnostics) -> Option<Node<'a>> {
    let mut reader = Reader {
        file,
        ascii: file.text().is_ascii(),
        diagnostics,
        stack: Vec::new(),
        root: None,
        documents: 0,
        cursor: std::cell::Cell::new((0, 0)),
    };
    match reader.run() {
        Ok(()) => reader.root,
        Err(diagnostic) => {
            reader.diagnostics.push(diagnostic);
            None
        }
    }
}

enum Frame<'a> {
    Mapping {
        start: usize,
        flow: bool,
        entries: Vec<Entry<'a>>,
        key: Option<Node<'a>>,
        /// Key → entry index, built only once a mapping is large: small
        /// mappings are searched directly, without copying their keys.
        index: Option<HashMap<String, usize>>,
    },
    Sequence {
        start: usize,
        flow: bool,
        items: Vec<Node<'a>>,
    },
}

struct Reader<'a, 'd> {
    file: &'a SourceFile,
    ascii: bool,
    diagnostics: &'d mut Diagnostics,
    stack: Vec<Frame<'a>>,
    root: Option<Node<'a>>,
    documents: usize,
    /// The last (character index, byte offset) converted by `offset`.
    cursor: std::cell::Cell<(usize, usize)>,
}

impl<'a> Reader<'a, '_> {
    fn run(&mut self) -> Result<(), Diagnostic> {
        let text = self.file.text();
        for event in Parser::new_from_str(text) {
            let (event, span) = event.map_err(|error| self.scan_error(&error))?;
            let span = Span::new(self.offset(&span.start), self.offset(&span.end));
            match event {
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(Diagnostic::error(
                            Code::MultipleDocuments,
                            span,
                            "a schema file holds one YAML document",
                        )
                        .label("a second document starts here")
                        .help("remove the `---` line, or split the file"));
                    }
                }
                Event::Alias(_) => {
                    self.reject_anchor(span, "alias");
                    // Stands in for the alias so that checking goes on; `any`
                    // reads as a valid type, so no second error follows.
                    let null = Scalar {
                        value: "any".into(),
                        style: ScalarStyle::Plain,
                        content_start: None,
                    };
                    self.finish(Node {
                        kind: NodeKind::Scalar(null),
                        span,
                    });
                }
                Event::Scalar(value, style, anchor, tag) => {
                    if anchor != 0 {
                        self.reject_anchor(span, "anchor");
                    }
                    if tag.is_some() {
                        self.reject_tag(span);
                    }
                    let span = match style {
                        SaphyrStyle::Literal | SaphyrStyle::Folded => self.trim_end(span),
                        _ => span,
                    };
                    let scalar = self.scalar(value, style, span);
                    self.finish(Node {
                        kind: NodeKind::Scalar(scalar),
                        span,
                    });
                }
                Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                    if anchor != 0 {
                        self.reject_anchor(span, "anchor");
                    }
                    if tag.is_some() {
                        self.reject_tag(span);
                    }
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(too_deep(span));
                    }
                    let flow = matches!(text.as_bytes().get(span.start), Some(b'[' | b'{'));
                    let frame = if matches!(event, Event::SequenceStart(..)) {
                        Frame::Sequence {
                            start: span.start,
                            flow,
                            items: Vec::new(),
                        }
                    } else {
                        Frame::Mapping {
                            start: span.start,
                            flow,
                            entries: Vec::new(),
                            key: None,
                            index: None,
                        }
                    };
                    self.stack.push(frame);
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let node = match self.stack.pop() {
                        Some(Frame::Sequence {
                            start,
                            flow,
                            mut items,
                        }) => {
                            items.shrink_to_fit();
                            let end = end_of(flow, span, items.last().map(|n| n.span));
                            Node {
                                kind: NodeKind::Sequence(items),
                                span: Span::new(start, end.max(start)),
                            }
                        }
                        Some(Frame::Mapping {
                            start,
                            flow,
                            mut entries,
                            ..
                        }) => {
                            entries.shrink_to_fit();
                            let end = end_of(flow, span, entries.last().map(|e| e.value.span));
                            Node {
                                kind: NodeKind::Mapping(entries),
                                span: Span::new(start, end.max(start)),
                            }
                        }
                        None => continue,
                    };
                    self.finish(node);
                }
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            }
        }
        Ok(())
    }

    /// Hands a completed node to its parent, or makes it the root.
    fn finish(&mut self, node: Node<'a>) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                entries,
                key,
                index,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let Some(name) = k.as_str().map(str::to_owned) else {
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::WrongKind,
                                k.span,
                                format!("a mapping key must be text, not {}", k.kind_name()),
                            )
                            .label("complex key"),
                        );
                        return;
                    };
                    // YAML parsers often keep the last of two equal keys
                    // silently; a schema must not lose a definition that way.
                    let earlier = match index {
                        Some(index) => index.get(&name).copied(),
                        None => entries
                            .iter()
                            .position(|e| e.key.as_str() == Some(name.as_str())),
                    };
                    if let Some(first) = earlier.map(|i| entries[i].key.span) {
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::DuplicateKey,
                                k.span,
                                format!("duplicate key `{name}`"),
                            )
                            .label("defined again here")
                            .related(first, "first defined here")
                            .help("remove one of the two entries"),
                        );
                        return;
                    }
                    if let Some(index) = index {
                        index.insert(name, entries.len());
                    } else if entries.len() >= LINEAR_SEARCH_MAX {
                        let mut built: HashMap<String, usize> = entries
                            .iter()
                            .enumerate()
                            .filter_map(|(i, e)| e.key.as_str().map(|k| (k.to_string(), i)))
                            .collect();
                        built.insert(name, entries.len());
                        *index = Some(built);
                    }
                    entries.push(Entry {
                        key: k,
                        value: node,
                    });
                }
            },
        }
    }

    fn scalar(
        &self,
        value: std::borrow::Cow<'_, str>,
        style: SaphyrStyle,
        span: Span,
    ) -> Scalar<'a> {
        let (style, inner) = match style {
            SaphyrStyle::Plain => (ScalarStyle::Plain, span),
            SaphyrStyle::SingleQuoted => (
                ScalarStyle::SingleQuoted,
                Span::new(span.start + 1, span.end.saturating_sub(1)),
            ),
            SaphyrStyle::DoubleQuoted => (
                ScalarStyle::DoubleQuoted,
                Span::new(span.start + 1, span.end.saturating_sub(1)),
            ),
            SaphyrStyle::Literal | SaphyrStyle::Folded => (ScalarStyle::Block, Span::default()),
        };
        // Only when the text between the delimiters is exactly the value
        // (no escapes, no folded lines) can positions inside it be mapped.
        let text: &'a str = self.file.text();
        let source = (style != ScalarStyle::Block && inner.start <= inner.end)
            .then(|| text.get(inner.start..inner.end))
            .flatten()
            .filter(|source| *source == value.as_ref());
        match source {
            Some(source) => Scalar {
                value: std::borrow::Cow::Borrowed(source),
                style,
                content_start: Some(inner.start),
            },
            None => Scalar {
                value: std::borrow::Cow::Owned(value.into_owned()),
                style,
                content_start: None,
            },
        }
    }

    /// `span` without trailing whitespace. The scanner ends a block scalar
    /// (`|`, `>-`) where the next token starts, lines later, so a label on
    /// it would also underline the line after it.
    fn trim_end(&self, span: Span) -> Span {
        let text = self.file.text().as_bytes();
        let mut end = span.end.min(text.len());
        while end > span.start && text[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        Span::new(span.start, end)
    }

    fn scan_error(&self, error: &saphyr_parser::ScanError) -> Diagnostic {
        let at = self.offset(error.marker());
        let span = Span::new(at, at);
        // The scanner has its own flow-nesting limit, reached before our
        // depth check sees the events.
        if error.info().contains("recursion limit") {
            return too_deep(span);
        }
        super::quoting::trailing_content(self.file.text(), error.info(), at).unwrap_or_else(|| {
            Diagnostic::error(Code::YamlSyntax, span, error.info().to_string()).label("here")
        })
    }

    fn reject_anchor(&mut self, span: Span, what: &str) {
        let plural = if what == "alias" {
            "aliases"
        } else {
            "anchors"
        };
        self.diagnostics.push(
            Diagnostic::error(
                Code::YamlAnchor,
                span,
                format!("YAML {plural} are not allowed in a schema"),
            )
            .label(format!("{what} used here"))
            .help("declare the shared part under `types:` and refer to it by name"),
        );
    }

    fn reject_tag(&mut self, span: Span) {
        self.diagnostics.push(
            Diagnostic::error(Code::YamlTag, span, "YAML tags are not allowed in a schema")
                .label("tagged node")
                .help("remove the `!tag`; types are written as type expressions"),
        );
    }

    /// A saphyr marker as a byte offset. Markers count characters; in
    /// non-ASCII text they are converted by walking from the last converted
    /// position (markers arrive nearly in order). Lines are not used: saphyr
    /// also breaks lines at a lone `\r`.
    fn offset(&self, marker: &Marker) -> usize {
        let text = self.file.text();
        if self.ascii {
            return marker.index().min(text.len());
        }
        let target = marker.index();
        let (mut chars, mut byte) = self.cursor.get();
        if target >= chars {
            match text[byte..].char_indices().nth(target - chars) {
                Some((delta, _)) => byte += delta,
                None => byte = text.len(),
            }
        } else {
            let back = chars - target;
            byte = text[..byte]
                .char_indices()
                .rev()
                .nth(back - 1)
                .map_or(0, |(b, _)| b);
        }
        chars = target;
        self.cursor.set((chars, byte));
        byte
    }
}

fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::TooDeep,
        span,
        format!("nesting deeper than {MAX_DEPTH} levels"),
    )
    .label("too deep")
    .help("declare the inner object under `types:` and refer to it by name")
}

/// Where a collection ends: after its closing bracket in flow style,
/// after its last child in block style (a block collection's end event
/// sits at the next token, possibly lines later).
fn end_of(flow: bool, end_event: Span, last_child: Option<Span>) -> usize {
    match (flow, last_child) {
        (true, _) | (false, None) => end_event.end,
        (false, Some(child)) => child.end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str) -> (Option<Node<'static>>, Vec<Diagnostic>) {
        // Nodes borrow the file; a test may keep it for good.
        let file: &'static SourceFile = Box::leak(Box::new(SourceFile::new("t.yaml", text)));
        let mut diagnostics = Diagnostics::new();
        let node = read(file, &mut diagnostics);
        (node, diagnostics.into_sorted())
    }

    fn entries<'a>(node: &'a Node<'a>) -> &'a [Entry<'a>] {
        match &node.kind {
            NodeKind::Mapping(entries) => entries,
            other => panic!("not a mapping: {other:?}"),
        }
    }

    #[test]
    fn scalar_spans_point_at_their_text() {
        let text = "a: array<strng>\nb: 'x | y'\nc: \"q\"\nü: é\n";
        let (root, diags) = read_str(text);
        assert!(diags.is_empty(), "{diags:?}");
        let root = root.unwrap();
        let e = entries(&root);
        assert_eq!(
            &text[e[0].value.span.start..e[0].value.span.end],
            "array<strng>"
        );
        assert_eq!(e[0].value.sub_span(6..11), Span::new(9, 14));
        assert_eq!(&text[e[1].value.span.start..e[1].value.span.end], "'x | y'");
        assert_eq!(&text[e[1].value.sub_span(4..5).start..][..1], "y");
        assert_eq!(&text[e[3].key.span.start..e[3].key.span.end], "ü");
        assert_eq!(&text[e[3].value.span.start..e[3].value.span.end], "é");
    }

    #[test]
    fn non_ascii_offsets_survive_lone_carriage_returns() {
        // saphyr breaks lines at a lone `\r`, the line index does not: spans
        // must come from character positions, not lines.
        let text = "\rtables:\n aa\u{1F600}aaa: a\n  a\u{0}\naaaa";
        let (_, diags) = read_str(text);
        for d in &diags {
            assert!(
                d.span.start <= d.span.end && d.span.end <= text.len(),
                "{d:?}"
            );
        }
        let text = "a: é\rb: strng\r";
        let (root, _) = read_str(text);
        let root = root.unwrap();
        let value = &entries(&root)[1].value;
        assert_eq!(&text[value.span.start..value.span.end], "strng");
    }

    #[test]
    fn escapes_fall_back_to_the_whole_scalar() {
        let (root, _) = read_str("a: \"x\\ty\"\n");
        let root = root.unwrap();
        let value = &entries(&root)[0].value;
        assert_eq!(value.sub_span(0..1), value.span);
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let (_, diags) = read_str("a: 1\nb: 2\na: 3\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::DuplicateKey);
        assert_eq!(diags[0].span, Span::new(10, 11));
        assert_eq!(diags[0].related[0].0, Span::new(0, 1));
    }

    #[test]
    fn anchors_aliases_and_tags_are_rejected() {
        let (_, diags) = read_str("a: &x 1\nb: *x\nc: !foo 2\n");
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::YamlAnchor, Code::YamlAnchor, Code::YamlTag]);
    }

    #[test]
    fn deep_nesting_stops_early() {
        for text in [
            "[".repeat(100_000),
            "{a: ".repeat(100_000),
            "- ".repeat(100_000),
        ] {
            let (root, diags) = read_str(&text);
            assert!(root.is_none());
            assert_eq!(diags[0].code, Code::TooDeep, "{}", &text[..8]);
        }
    }

    #[test]
    fn block_mapping_span_ends_at_last_value() {
        let text = "a:\n  b: c\n\n# trailing\nd: e\n";
        let (root, _) = read_str(text);
        let root = root.unwrap();
        let inner = &entries(&root)[0].value;
        assert_eq!(&text[inner.span.start..inner.span.end], "b: c");
    }

    #[test]
    fn block_scalar_span_ends_at_its_last_line() {
        // The scanner ends a block scalar at the next token, lines later;
        // a label on the scalar must not reach into them.
        for (text, expected) in [
            ("a: >-\n  array<\n  strin\nb: string\n", "array<\n  strin"),
            ("a: |\n  x\n\n   y  \n\n# note\nb: c\n", "x\n\n   y"),
            ("a:\n  b: >\n    x\n  c: d", "x"),
            ("a: >-\n  x\r\n  y\r\n", "x\r\n  y"),
            ("a: |\n", "|"),
            ("a: |  # why\n  x\n", "x"),
        ] {
            let (root, diags) = read_str(text);
            assert!(diags.is_empty(), "{diags:?}");
            let root = root.unwrap();
            let mut value = &entries(&root)[0].value;
            if let NodeKind::Mapping(inner) = &value.kind {
                value = &inner[0].value;
            }
            assert_eq!(
                &text[value.span.start..value.span.end],
                expected,
                "{text:?}"
            );
        }
    }
}
