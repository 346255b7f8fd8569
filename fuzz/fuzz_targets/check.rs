//! Any bytes through the whole front end: `check_bytes`, then both
//! renderers. A panic, a stack overflow, a span outside the text or JSON
//! that does not parse is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;
use schemabridge::diagnostics::render::{self, Style};

fuzz_target!(|data: &[u8]| {
    let checked = schemabridge::check_bytes("fuzz.yaml", data);
    let text = checked.file.text();
    assert_eq!(checked.schema.is_some(), !checked.has_errors());
    for d in &checked.diagnostics {
        for span in std::iter::once(d.span).chain(d.related.iter().map(|(s, _)| *s)) {
            assert!(span.start <= span.end && span.end <= text.len(), "{d:?}");
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{d:?}"
            );
        }
    }
    let human = render::human(&checked.diagnostics, &checked.file, Style::PLAIN);
    assert_eq!(human.is_empty(), checked.diagnostics.is_empty());
    let json = render::json(&checked.diagnostics, &checked.file);
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("JSON diagnostics parse");
    for entry in parsed.as_array().expect("a JSON array") {
        for key in ["line", "column", "endLine", "endColumn"] {
            assert!(entry[key].as_u64().is_some_and(|n| n >= 1), "{entry}");
        }
    }
});
