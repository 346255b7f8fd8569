//! Identifiers and doc comments: turning the checker's strings into tokens.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The identifier for a Rust name decided by the checker; names that start
/// with `r#` become raw identifiers (`r#type`).
pub fn ident(name: &str) -> Ident {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    // The checker guarantees identifiers; a bad one here is a checker bug,
    // and proc_macro2's own panic would not say which name it was.
    assert!(
        is_identifier(bare),
        "the resolved model holds {name:?} where a Rust identifier belongs"
    );
    if raw {
        Ident::new_raw(bare, Span::call_site())
    } else {
        Ident::new(bare, Span::call_site())
    }
}

/// Whether serde needs `#[serde(rename)]`: serde strips `r#` itself, so
/// `r#type` already serializes as `type`.
pub fn needs_rename(wire: &str, rust: &str) -> bool {
    wire != rust.strip_prefix("r#").unwrap_or(rust)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// `#[doc]` attributes for a schema doc, one per line so that prettyplease
/// prints them as `///` comments.
pub fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc else {
        return TokenStream::new();
    };
    let lines = doc_lines(doc);
    quote!(#(#[doc = #lines])*)
}

/// The lines of a doc comment, each with the leading space rustdoc expects.
///
/// prettyplease prints a one-line `#[doc]` verbatim after `///`, so text
/// that may not appear raw in a comment is written as a visible escape:
/// control characters (a bare CR is an error in doc comments) and the
/// bidirectional overrides that `text_direction_codepoint_in_comment`
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
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("user_id").to_string(), "user_id");
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
