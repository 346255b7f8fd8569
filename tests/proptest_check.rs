//! Mutation testing of the front end: every valid fixture (and the example
//! schema), damaged by a few random edits, goes through `check_bytes`,
//! which must not panic; every diagnostic must point inside the text on
//! character boundaries, and both renderers must cope with it.
//!
//! Each file gets `PROPTEST_CASES` cases (default 256); `PROPTEST_RNG_SEED`
//! replays a run. A failure prints the mutated text, shrunk to few edits.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use schemabridge::diagnostics::render::{self, Style};
use schemabridge::diagnostics::Severity;

mod support;

/// YAML punctuation, schema keywords and awkward characters, inserted whole.
const TOKENS: &[&str] = &[
    ": ",
    ":",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "!t ",
    "!!str ",
    "|",
    "|-\n",
    ">",
    ">\n",
    "\"",
    "'",
    "<",
    "?",
    "? ",
    "#",
    " #",
    "$type",
    "$type: ",
    "$doc: ",
    "$name: ",
    "id<",
    "doc<",
    "array<",
    "record<",
    "string",
    "null",
    "~",
    "any",
    " | ",
    " | null",
    "[]",
    "(",
    ")",
    "\"a\"",
    "1.5",
    "-1e999",
    "true",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\\",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "\u{feff}",
    "é",
    "☕",
    "😀",
    "\u{2028}",
    "\u{0}",
    "\u{85}",
    "ü: é",
    "version: 1\n",
    "tables: {}\n",
    "kind: query\n",
    "optional?",
    "?:",
];

/// A position in a text or a list of lines, taken modulo its length.
#[derive(Debug, Clone, Copy)]
struct Pos(usize);

impl Pos {
    fn of(self, len: usize) -> usize {
        self.0 % len.max(1)
    }
}

fn pos() -> impl Strategy<Value = Pos> + Clone {
    any::<usize>().prop_map(Pos)
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteBytes(Pos, usize),
    InsertBytes(Pos, Vec<u8>),
    ReplaceByte(Pos, u8),
    InsertToken(Pos, &'static str),
    /// Inserts spaces at the start of a line.
    Indent(Pos, usize),
    DuplicateLine(Pos),
    DeleteLine(Pos),
    SwapLines(Pos, Pos),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Mostly printable ASCII, so most edits stay UTF-8 and reach the YAML
    // reader and the checker; some raw bytes for the UTF-8 path.
    let byte = prop_oneof![
        9 => 0x20u8..0x7f,
        1 => any::<u8>(),
    ];
    prop_oneof![
        2 => (pos(), 1usize..8).prop_map(|(i, n)| Mutation::DeleteBytes(i, n)),
        2 => (pos(), prop::collection::vec(byte.clone(), 1..6))
            .prop_map(|(i, b)| Mutation::InsertBytes(i, b)),
        2 => (pos(), byte).prop_map(|(i, b)| Mutation::ReplaceByte(i, b)),
        6 => (pos(), prop::sample::select(TOKENS))
            .prop_map(|(i, t)| Mutation::InsertToken(i, t)),
        1 => (pos(), prop_oneof![1usize..4, 30usize..80, 200usize..400])
            .prop_map(|(i, n)| Mutation::Indent(i, n)),
        1 => pos().prop_map(Mutation::DuplicateLine),
        1 => pos().prop_map(Mutation::DeleteLine),
        1 => (pos(), pos()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn apply(text: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.to_vec();
    for m in mutations {
        match m {
            Mutation::DeleteBytes(i, n) => {
                if !bytes.is_empty() {
                    let at = i.of(bytes.len());
                    let end = (at + n).min(bytes.len());
                    bytes.drain(at..end);
                }
            }
            Mutation::InsertBytes(i, b) => {
                let at = i.of(bytes.len() + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::ReplaceByte(i, b) => {
                if !bytes.is_empty() {
                    let at = i.of(bytes.len());
                    bytes[at] = *b;
                }
            }
            Mutation::InsertToken(i, t) => {
                let at = i.of(bytes.len() + 1);
                bytes.splice(at..at, t.bytes());
            }
            Mutation::Indent(i, n) => {
                let mut lines = split_lines(&bytes);
                let at = i.of(lines.len());
                lines[at].splice(0..0, std::iter::repeat_n(b' ', *n));
                bytes = lines.join(&b'\n');
            }
            Mutation::DuplicateLine(i) => {
                let mut lines = split_lines(&bytes);
                let at = i.of(lines.len());
                let line = lines[at].clone();
                lines.insert(at, line);
                bytes = lines.join(&b'\n');
            }
            Mutation::DeleteLine(i) => {
                let mut lines = split_lines(&bytes);
                let at = i.of(lines.len());
                lines.remove(at);
                bytes = lines.join(&b'\n');
            }
            Mutation::SwapLines(a, b) => {
                let mut lines = split_lines(&bytes);
                let (a, b) = (a.of(lines.len()), b.of(lines.len()));
                lines.swap(a, b);
                bytes = lines.join(&b'\n');
            }
        }
    }
    bytes
}

/// Never empty: an empty text is one empty line.
fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

/// Everything that must hold for any input.
fn check_invariants(
    bytes: &[u8],
    seen: &RefCell<BTreeMap<&'static str, usize>>,
) -> Result<(), TestCaseError> {
    let checked = schemabridge::check_bytes("mutated.yaml", bytes);
    {
        let mut seen = seen.borrow_mut();
        if checked.diagnostics.is_empty() {
            *seen.entry("(no diagnostics)").or_default() += 1;
        }
        for d in &checked.diagnostics {
            *seen.entry(d.code.as_str()).or_default() += 1;
        }
    }
    let text = checked.file.text();

    prop_assert_eq!(
        checked.schema.is_some(),
        !checked.has_errors(),
        "a model exactly when there are no errors"
    );
    for d in &checked.diagnostics {
        for span in std::iter::once(d.span).chain(d.related.iter().map(|(s, _)| *s)) {
            prop_assert!(
                span.start <= span.end && span.end <= text.len(),
                "span {:?} outside the text ({} bytes): {:?}",
                span,
                text.len(),
                d
            );
            prop_assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "span {:?} not on char boundaries: {:?}",
                span,
                d
            );
        }
        prop_assert!(!d.message.is_empty(), "empty message: {:?}", d);
    }
    // Diagnostics come in file order.
    prop_assert!(
        checked
            .diagnostics
            .windows(2)
            .all(|w| w[0].span.start <= w[1].span.start),
        "diagnostics out of file order"
    );

    let human = render::human(&checked.diagnostics, &checked.file, Style::PLAIN);
    if checked.has_errors() {
        prop_assert!(human.contains("schemabridge::"), "no code in:\n{}", human);
    }
    let _ = render::github(&checked.diagnostics, &checked.file);
    let json = render::json(&checked.diagnostics, &checked.file);
    let parsed: serde_json::Value = serde_json::from_str(&json)
        .map_err(|e| TestCaseError::fail(format!("JSON does not parse: {e}\n{json}")))?;
    let entries = parsed
        .as_array()
        .ok_or_else(|| TestCaseError::fail("JSON is not an array"))?;
    prop_assert_eq!(entries.len(), checked.diagnostics.len());
    let lines = text.split('\n').count() as u64;
    for (entry, d) in entries.iter().zip(&checked.diagnostics) {
        let get = |key: &str| entry[key].as_u64().unwrap_or(0);
        let (line, column) = (get("line"), get("column"));
        let (end_line, end_column) = (get("endLine"), get("endColumn"));
        prop_assert!(
            line >= 1 && column >= 1 && end_line >= 1 && end_column >= 1,
            "line/column below 1: {}",
            entry
        );
        prop_assert!(
            end_line <= lines && (line, column) <= (end_line, end_column),
            "bad range in {} ({} lines)",
            entry,
            lines
        );
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        prop_assert_eq!(entry["severity"].as_str(), Some(severity));
        prop_assert_eq!(entry["code"].as_str(), Some(d.code.as_str()));
    }
    Ok(())
}

fn inputs() -> Vec<PathBuf> {
    support::valid_schemas()
}

#[test]
fn mutated_valid_schemas_never_break_the_checker() {
    let paths = inputs();
    assert!(paths.len() > 1, "no fixtures found");
    let config = Config {
        // A failure prints its input; no regression files in the repo.
        failure_persistence: None,
        ..Config::default()
    };
    let mut failures = Vec::new();
    let seen = RefCell::new(BTreeMap::new());
    for path in &paths {
        let text = std::fs::read(path).expect("read a fixture");
        // The unmutated file is valid.
        let checked = schemabridge::check_bytes("fixture.yaml", &text);
        assert!(
            !checked.has_errors(),
            "{} has errors: {:?}",
            path.display(),
            checked.diagnostics
        );

        let mut runner = TestRunner::new(config.clone());
        let strategy = prop::collection::vec(mutation(), 1..6);
        let result = runner.run(&strategy, |mutations| {
            check_invariants(&apply(&text, &mutations), &seen)
        });
        match result {
            Ok(()) => {}
            Err(TestError::Fail(reason, mutations)) => {
                let mutated = apply(&text, &mutations);
                failures.push(format!(
                    "{}: {reason}\nmutations: {mutations:?}\nmutated text:\n{:?}",
                    path.display(),
                    String::from_utf8_lossy(&mutated)
                ));
            }
            Err(other) => failures.push(format!("{}: {other}", path.display())),
        }
    }
    // What the mutations reached, to see that they get past the parser.
    eprintln!("diagnostics seen (code: count, over every case and shrink step):");
    for (code, count) in seen.borrow().iter() {
        eprintln!("  {code}: {count}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The mutations themselves: each kind changes the text as meant.
#[test]
fn mutations_apply_as_described() {
    let text = b"a: 1\nb: 2\n";
    let first = Pos(0);
    let cases: Vec<(Mutation, &[u8])> = vec![
        (Mutation::DeleteBytes(first, 3), b"1\nb: 2\n"),
        (
            Mutation::InsertBytes(first, b"x".to_vec()),
            b"xa: 1\nb: 2\n",
        ),
        (Mutation::ReplaceByte(first, b'c'), b"c: 1\nb: 2\n"),
        (Mutation::InsertToken(first, "- "), b"- a: 1\nb: 2\n"),
        (Mutation::Indent(first, 2), b"  a: 1\nb: 2\n"),
        (Mutation::DuplicateLine(first), b"a: 1\na: 1\nb: 2\n"),
        (Mutation::DeleteLine(first), b"b: 2\n"),
        (Mutation::SwapLines(first, Pos(2)), b"\nb: 2\na: 1"),
    ];
    for (mutation, expected) in cases {
        assert_eq!(
            String::from_utf8_lossy(&apply(text, std::slice::from_ref(&mutation))),
            String::from_utf8_lossy(expected),
            "{mutation:?}"
        );
    }
}
