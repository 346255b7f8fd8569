//! Hostile inputs (SPEC §1.3: "no input may crash the tool or overflow its
//! stack", "the parser must never expand input beyond its own size").
//!
//! Each input is checked twice: in process with `check_bytes` (which must
//! report an error and render it in both formats without panicking), and
//! through the real binary with `schemabridge check FILE`, which must exit
//! with 1 and print a diagnostic, not a panic or a stack overflow.
//!
//! No timings are asserted (they belong in benchmarks), but each phase's
//! time is printed; run `cargo test --release --test hostile -- --nocapture`
//! to see them.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use schemabridge::diagnostics::render::{self, Style};
use schemabridge::diagnostics::Code;
use schemabridge::Checked;

/// A fixed xorshift64 stream, so every run sees the same "random" bytes.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next().to_le_bytes());
        }
        out.truncate(len);
        out
    }

    /// Printable ASCII (`' '..='~'`), so the text gets past the UTF-8 check
    /// and into the YAML scanner.
    fn printable(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            for b in self.next().to_le_bytes() {
                if out.len() < len {
                    out.push(b' ' + b % 95);
                }
            }
        }
        out
    }
}

const MB: usize = 1024 * 1024;

/// Checks `bytes` in process and through the binary; returns the in-process
/// result for case-specific assertions.
fn hostile(name: &str, bytes: &[u8]) -> Checked {
    let file_name = format!("{name}.yaml");

    // The binary first: a stack overflow there fails this test with a
    // message, where one in process would abort every test of this file.
    let (binary_time, stderr_len) = run_binary(name, &file_name, bytes);
    eprintln!(
        "hostile {name:<30} binary `check` {:>10}  ({stderr_len} bytes on stderr)",
        ms(binary_time)
    );

    let started = Instant::now();
    let checked = schemabridge::check_bytes(&file_name, bytes);
    let check_time = started.elapsed();
    // Printed before anything that may fail, so a slow case still shows.
    eprintln!(
        "hostile {name:<30} {:>9} bytes  check_bytes {:>10}  ({} diagnostics)",
        bytes.len(),
        ms(check_time),
        checked.diagnostics.len()
    );
    assert!(
        checked.has_errors(),
        "{name}: expected an error, got {:?}",
        checked.diagnostics
    );
    assert!(checked.schema.is_none(), "{name}: a model despite errors");

    let started = Instant::now();
    let text = checked.file.text();
    for d in &checked.diagnostics {
        for span in std::iter::once(d.span).chain(d.related.iter().map(|(s, _)| *s)) {
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{name}: span {span:?} outside the text ({} bytes): {d:?}",
                text.len()
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{name}: span {span:?} not on char boundaries: {d:?}"
            );
        }
    }
    let human = render::human(&checked.diagnostics, &checked.file, Style::PLAIN);
    assert!(!human.is_empty(), "{name}: no human output");
    let json = render::json(&checked.diagnostics, &checked.file);
    let parsed: serde_json::Value = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{name}: JSON output does not parse: {e}"));
    let entries = parsed.as_array().expect("a JSON array");
    assert_eq!(entries.len(), checked.diagnostics.len());
    for entry in entries {
        for key in ["line", "column", "endLine", "endColumn"] {
            assert!(
                entry[key].as_u64().is_some_and(|n| n >= 1),
                "{name}: bad {key} in {entry}"
            );
        }
    }
    eprintln!(
        "hostile {name:<30} render human+json {:>10}  ({} bytes of human output)",
        ms(started.elapsed()),
        human.len()
    );

    checked
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// `schemabridge check FILE`: exit 1, a diagnostic on stderr, no panic.
fn run_binary(name: &str, file_name: &str, bytes: &[u8]) -> (Duration, usize) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).expect("create the temp dir");
    let path = dir.join(file_name);
    std::fs::write(&path, bytes).expect("write the input");

    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_schemabridge"))
        .arg("check")
        .arg(&path)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env("NO_COLOR", "1")
        .output()
        .expect("run schemabridge");
    let elapsed = started.elapsed();

    let stderr = String::from_utf8_lossy(&output.stderr);
    let excerpt: String = stderr.chars().take(2000).collect();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{name}: `schemabridge check` should exit 1 (status {:?}); stderr:\n{excerpt}",
        output.status
    );
    assert!(!stderr.trim().is_empty(), "{name}: nothing on stderr");
    for bad in ["panicked", "RUST_BACKTRACE", "overflowed its stack"] {
        assert!(
            !stderr.contains(bad),
            "{name}: stderr mentions `{bad}`:\n{excerpt}"
        );
    }
    let _ = std::fs::remove_file(&path);
    (elapsed, output.stderr.len())
}

fn codes(checked: &Checked) -> Vec<Code> {
    checked.diagnostics.iter().map(|d| d.code).collect()
}

fn assert_has(checked: &Checked, code: Code) {
    assert!(
        codes(checked).contains(&code),
        "expected {}, got {:?}",
        code.as_str(),
        checked
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), &d.message))
            .collect::<Vec<_>>()
    );
}

/// The error is reported with a bounded number of diagnostics: huge input
/// must not turn into one diagnostic per byte.
fn assert_few(checked: &Checked, max: usize) {
    assert!(
        checked.diagnostics.len() <= max,
        "{} diagnostics (at most {max} expected)",
        checked.diagnostics.len()
    );
}

#[test]
fn arbitrary_bytes() {
    let bytes = XorShift(0x9E37_79B9_7F4A_7C15).bytes(64 * 1024);
    let checked = hostile("arbitrary_bytes", &bytes);
    assert_few(&checked, 1);
}

#[test]
fn arbitrary_bytes_20mb() {
    let bytes = XorShift(0xDEAD_BEEF_CAFE_F00D).bytes(20 * MB);
    let checked = hostile("arbitrary_bytes_20mb", &bytes);
    assert_few(&checked, 1);
}

#[test]
fn printable_ascii_20mb() {
    let bytes = XorShift(0x0123_4567_89AB_CDEF).printable(20 * MB);
    let checked = hostile("printable_ascii_20mb", &bytes);
    assert_few(&checked, 100);
}

/// The same, cut into lines of random length, so the scanner sees block
/// structure (indentation, `- `, `key: `) rather than one huge line.
#[test]
fn printable_ascii_lines_20mb() {
    let mut rng = XorShift(0xFEED_FACE_0BAD_F00D);
    let mut bytes = rng.printable(20 * MB);
    let mut i = 0;
    while i < bytes.len() {
        bytes[i] = b'\n';
        i += 1 + (rng.next() % 80) as usize;
    }
    let checked = hostile("printable_ascii_lines_20mb", &bytes);
    assert_few(&checked, 100);
}

/// "Billion laughs": 9 levels of 9 aliases each. Expanded it would be 9^9
/// nodes; the reader must reject anchors and aliases without expanding.
#[test]
fn alias_bomb() {
    let mut text = String::from(
        "version: 1\ntables: {}\nbomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for level in 1..=9 {
        let prev = level - 1;
        let aliases = vec![format!("*a{prev}"); 9].join(", ");
        text.push_str(&format!("  a{level}: &a{level} [{aliases}]\n"));
    }
    let checked = hostile("alias_bomb", text.as_bytes());
    let anchors = codes(&checked)
        .iter()
        .filter(|&&c| c == Code::YamlAnchor)
        .count();
    // 10 anchors and 81 aliases, each reported once.
    assert_eq!(anchors, 10 + 9 * 9, "{:?}", codes(&checked));
    assert_few(&checked, 200);
}

#[test]
fn nested_flow_sequence_100k() {
    let text = "[".repeat(100_000) + &"]".repeat(100_000);
    let checked = hostile("nested_flow_sequence_100k", text.as_bytes());
    assert_has(&checked, Code::TooDeep);
    assert_few(&checked, 1);
}

#[test]
fn nested_flow_mapping_100k() {
    let text = "{a: ".repeat(100_000) + "b" + &"}".repeat(100_000);
    let checked = hostile("nested_flow_mapping_100k", text.as_bytes());
    assert_has(&checked, Code::TooDeep);
    assert_few(&checked, 1);
}

#[test]
fn nested_block_sequence_100k() {
    let text = "- ".repeat(100_000) + "x\n";
    let checked = hostile("nested_block_sequence_100k", text.as_bytes());
    assert_has(&checked, Code::TooDeep);
    assert_few(&checked, 1);
}

/// `a:` on each line, one space deeper each time: 2,000 levels (2 MB of
/// indentation).
#[test]
fn nested_block_mapping_2000() {
    let mut text = String::new();
    for depth in 0..2_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str("a:\n");
    }
    text.push_str(&" ".repeat(2_000));
    text.push_str("x\n");
    let checked = hostile("nested_block_mapping_2000", text.as_bytes());
    assert_has(&checked, Code::TooDeep);
    assert_few(&checked, 1);
}

fn in_a_type(expr: &str) -> String {
    format!("version: 1\ntypes:\n  Deep: {expr}\ntables: {{}}\n")
}

#[test]
fn nested_type_expression_100k() {
    let expr = "array<".repeat(100_000) + "string" + &">".repeat(100_000);
    let checked = hostile("nested_type_expression_100k", in_a_type(&expr).as_bytes());
    assert_has(&checked, Code::TooDeep);
    assert_few(&checked, 1);
}

#[test]
fn nested_type_parentheses_100k() {
    let expr = "(".repeat(100_000) + "string" + &")".repeat(100_000);
    let checked = hostile("nested_type_parentheses_100k", in_a_type(&expr).as_bytes());
    assert_has(&checked, Code::TooDeep);
    assert_few(&checked, 1);
}

/// `string[][]…`: the postfix `[]` builds nesting in a loop, not through
/// recursion, so the depth limit must hold for it too.
#[test]
fn nested_type_postfix_100k() {
    let expr = "string".to_string() + &"[]".repeat(100_000);
    let checked = hostile("nested_type_postfix_100k", in_a_type(&expr).as_bytes());
    assert_has(&checked, Code::TooDeep);
    assert_few(&checked, 1);
}

#[test]
fn empty_file() {
    let checked = hostile("empty_file", b"");
    assert_few(&checked, 5);
}

#[test]
fn only_whitespace_and_comments() {
    let mut text = String::new();
    for i in 0..1_000 {
        text.push_str(&" ".repeat(i % 17));
        text.push_str(if i % 3 == 0 { "# a comment\n" } else { "\t \n" });
    }
    text.push_str("   # the end, without a newline");
    let checked = hostile("only_whitespace_and_comments", text.as_bytes());
    assert_few(&checked, 5);
}

/// 100,000 distinct string literals, plus an `any` that makes it an error.
#[test]
fn union_of_100k_string_literals() {
    let members: Vec<String> = (0..100_000).map(|i| format!("\"m{i}\"")).collect();
    let expr = format!("'{} | any'", members.join(" | ").replace('\'', "''"));
    let checked = hostile("union_of_100k_string_literals", in_a_type(&expr).as_bytes());
    assert_has(&checked, Code::AnyInUnion);
    assert_few(&checked, 5);
}

/// 100,000 distinct number literals (each its own untagged member), plus
/// an `any` that makes it an error; ten members a line, so no line is long.
#[test]
fn union_of_100k_number_literals() {
    let members: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
    let lines: Vec<String> = members.chunks(10).map(|c| c.join(" | ")).collect();
    let expr = format!("{} | any", lines.join(" |\n    "));
    let checked = hostile("union_of_100k_number_literals", in_a_type(&expr).as_bytes());
    assert_has(&checked, Code::AnyInUnion);
    assert_few(&checked, 5);
}

/// 100,000 references to types that do not exist: 100,000 errors on one
/// line, each with its "did you mean" search.
#[test]
fn union_of_100k_unknown_types() {
    let members: Vec<String> = (0..100_000).map(|i| format!("T{i}")).collect();
    let expr = members.join(" | ");
    let checked = hostile("union_of_100k_unknown_types", in_a_type(&expr).as_bytes());
    assert_has(&checked, Code::UnknownType);
}

/// 20,000 types that each contain themselves: one error per cycle, found
/// without a pass over all types per cycle.
#[test]
fn many_infinite_types() {
    let types: String = (0..20_000)
        .map(|i| format!("  T{i}:\n    next: T{i}\n"))
        .collect();
    let text = format!("version: 1\ntypes:\n{types}tables: {{}}\n");
    let checked = hostile("many_infinite_types", text.as_bytes());
    assert_eq!(codes(&checked), vec![Code::InfiniteType; 20_000]);
}

/// One cycle through 20,000 types: one error, its path abbreviated.
#[test]
fn long_infinite_cycle() {
    let n = 20_000;
    let types: String = (0..n)
        .map(|i| format!("  T{i}:\n    next: T{}\n", (i + 1) % n))
        .collect();
    let text = format!("version: 1\ntypes:\n{types}tables: {{}}\n");
    let checked = hostile("long_infinite_cycle", text.as_bytes());
    assert_eq!(codes(&checked), vec![Code::InfiniteType]);
    let message = &checked.diagnostics[0].message;
    assert!(message.len() < 300, "{message}");
    assert!(
        message.contains("(19994 more) → T19998.next → T19999.next → T0"),
        "{message}"
    );
}

/// One error 200,000 characters into a line.
#[test]
fn error_at_column_200k() {
    let expr = format!("'{}strng'", " ".repeat(200_000));
    let checked = hostile("error_at_column_200k", in_a_type(&expr).as_bytes());
    assert_has(&checked, Code::UnknownType);
    assert_few(&checked, 1);
}

/// A plain 1 MB key. YAML limits implicit keys to 1024 characters, so
/// this is a YAML syntax error before it is a bad field name.
#[test]
fn field_with_1mb_name() {
    let name = "f".repeat(MB);
    let text = format!("version: 1\ntables:\n  t:\n    fields:\n      {name}: string\n");
    let checked = hostile("field_with_1mb_name", text.as_bytes());
    assert_has(&checked, Code::YamlSyntax);
    assert_few(&checked, 5);
}

/// The same name as an explicit key (`? name`), which YAML allows at any
/// length, so it reaches the field-name rules.
#[test]
fn field_with_1mb_name_as_explicit_key() {
    let name = "f".repeat(MB);
    let text = format!("version: 1\ntables:\n  t:\n    fields:\n      ? {name}\n      : string\n");
    let checked = hostile("field_with_1mb_name_as_explicit_key", text.as_bytes());
    assert_has(&checked, Code::InvalidFieldName);
    assert_few(&checked, 5);
}

/// A 1 MB explicit key at the top level, where "did you mean" compares it
/// against every known key.
#[test]
fn top_level_key_of_1mb() {
    let name = "v".repeat(MB);
    let text = format!("version: 1\ntables: {{}}\n? {name}\n: 1\n");
    let checked = hostile("top_level_key_of_1mb", text.as_bytes());
    assert_has(&checked, Code::UnknownKey);
    assert_few(&checked, 5);
}

/// Found by `fuzz/` (minimized): a lone `\r` (a YAML line break) before a
/// non-ASCII character. The span of the table's value came out reversed
/// (32..31), and the human renderer panicked slicing it.
#[test]
fn lone_carriage_return_before_non_ascii() {
    let bytes = b"\rtables:\n aa\xf0\x9f\x98\x80aaa: a\n  a\x00\naaaa";
    let checked = hostile("lone_carriage_return_before_non_ascii", bytes);
    assert_has(&checked, Code::WrongKind);
}

/// Classic Mac line endings (`\r` only) in a file with one non-ASCII
/// character: the label must still sit under the misspelt type.
#[test]
fn carriage_return_line_endings_with_non_ascii() {
    let example = include_str!("../schema.example.yaml");
    let text = example
        .replace("timezone: string", "timezone: strng")
        .replace('\n', "\r")
        + "# café\r";
    let checked = hostile(
        "carriage_return_line_endings_with_non_ascii",
        text.as_bytes(),
    );
    let unknown = checked
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UnknownType)
        .expect("an unknown_type error");
    assert_eq!(checked.file.slice(unknown.span), "strng");
}
