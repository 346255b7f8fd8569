//! Identifiers, string literals and doc comments: the checker's strings as
//! they appear in Rust source.

/// The identifier for a Rust name decided by the checker, printed as it is;
/// names that start with `r#` are raw identifiers (`r#type`).
pub fn ident(name: &str) -> &str {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    // The checker guarantees identifiers; a bad one here is a checker bug,
    // caught here rather than as generated code that does not compile.
    assert!(
        is_identifier(bare) && !(raw && matches!(bare, "_" | "super" | "self" | "Self" | "crate")),
        "the resolved model holds {name:?} where a Rust identifier belongs"
    );
    name
}

/// Whether serde needs `#[serde(rename)]`: serde strips `r#` itself, so
/// `r#type` already serializes as `type`.
pub fn needs_rename(wire: &str, rust: &str) -> bool {
    wire != rust.strip_prefix("r#").unwrap_or(rust)
}

fn is_identifier(s: &str) -> bool {
    if let [first, rest @ ..] = s.as_bytes() {
        if (first.is_ascii_alphabetic() || *first == b'_')
            && rest.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            return true;
        }
    }
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Writes `value` as a Rust string literal, escaped as `proc_macro2`
/// escapes one (`Literal::string`), which is what the emitter printed when
/// it went through tokens: `char::escape_debug` for every character except
/// `'`, and `\0` (or `\x00` before a digit that would extend it).
pub fn string_literal(value: &str, out: &mut String) {
    out.push('"');
    if value
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        out.push_str(value);
    } else {
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            match c {
                '\0' if chars
                    .as_str()
                    .starts_with(|next: char| next.is_ascii_digit() && next <= '7') =>
                {
                    out.push_str("\\x00");
                }
                '\0' => out.push_str("\\0"),
                '\'' => out.push(c),
                _ => out.extend(c.escape_debug()),
            }
        }
    }
    out.push('"');
}

/// The lines of a doc comment, each with the leading space rustdoc expects,
/// printed as `///` comments.
///
/// Text that may not appear raw in a comment is written as a visible
/// escape: control characters (a bare CR is an error in doc comments) and
/// the bidirectional overrides that `text_direction_codepoint_in_comment`
/// denies (they can make code read differently than it compiles).
pub fn doc_lines(doc: &str) -> Vec<String> {
    let doc = doc.replace("\r\n", "\n");
    let doc = doc.trim_matches('\n');
    doc.split('\n')
        .map(|line| {
            let line = line.trim_end();
            if line.is_empty() {
                return String::new();
            }
            format!(" {}", escape_for_comment(line))
        })
        .collect()
}

/// `text` with every character that may not appear raw in a `//` comment
/// written as a visible `\u{…}` escape (newlines included, so the text
/// stays on one line).
pub fn escape_for_comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if must_escape_in_comment(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

fn must_escape_in_comment(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_identifiers_keep_their_prefix() {
        assert_eq!(ident("r#type"), "r#type");
        assert_eq!(ident("user_id"), "user_id");
    }

    #[test]
    #[should_panic(expected = "r#self")]
    fn some_keywords_cannot_be_raw() {
        ident("r#self");
    }

    #[test]
    fn string_literals_escape_as_proc_macro2_does() {
        let literal = |value: &str| {
            let mut out = String::new();
            string_literal(value, &mut out);
            out
        };
        assert_eq!(literal("userId"), "\"userId\"");
        assert_eq!(
            literal("ünïcode \u{202E} \"quoted\"\n"),
            "\"ünïcode \\u{202e} \\\"quoted\\\"\\n\""
        );
        assert_eq!(literal("it's\t\\"), "\"it's\\t\\\\\"");
        assert_eq!(literal("\0a\u{0}7"), "\"\\0a\\x007\"");
        // A combining mark is escaped wherever it is, as `char::escape_debug`
        // does (unlike `str::escape_debug`).
        assert_eq!(literal("e\u{301}"), "\"e\\u{301}\"");
    }

    #[test]
    #[should_panic(expected = "first-name")]
    fn a_wire_name_is_no_identifier() {
        ident("first-name");
    }

    #[test]
    fn rename_ignores_the_raw_prefix() {
        assert!(!needs_rename("type", "r#type"));
        assert!(needs_rename("userId", "user_id"));
        assert!(!needs_rename("email", "email"));
    }

    #[test]
    fn doc_lines_escape_what_a_comment_cannot_hold() {
        assert_eq!(
            doc_lines("a\r\nb \n\n c\u{202E}d\re\n"),
            [" a", " b", "", "  c\\u{202e}d\\u{d}e"]
        );
        // Left alone: comment closers, quotes, backslashes, U+2028.
        assert_eq!(doc_lines("*/ \"\\ a\u{2028}b"), [" */ \"\\ a\u{2028}b"]);
    }
}
