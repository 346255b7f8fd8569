//! Help for a common YAML syntax error in schemas: a union of string
//! literals written `Role: "owner" | "admin"`. YAML takes `"owner"` for
//! the whole value, then finds text after its closing quote.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// saphyr's message for any text after a closing quote (it says
/// "double-quoted" for single quotes too).
const TRAILING_CONTENT: &str = "invalid trailing content after double-quoted scalar";

/// A diagnostic explaining the quoting, for saphyr's error `info` at byte
/// `at` of `text`; `None` for other errors.
pub(super) fn trailing_content(text: &str, info: &str, at: usize) -> Option<Diagnostic> {
    if info != TRAILING_CONTENT {
        return None;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let before = text[line_start..at].trim_end();
    let quote = before.chars().last().filter(|c| matches!(c, '"' | '\''))?;
    let close = line_start + before.len() - 1;
    let open = opening_quote(&text[line_start..close], quote)? + line_start;
    let quoted = &text[open..=close];
    let trailing = without_comment(&text[at..line_end]).trim_end();

    let help = match union_of_literals(quoted, trailing) {
        Some(union) => format!(
            "YAML reads `{quoted}` as the whole value, a string without its quotes; quote the whole type, with the string literals in double quotes inside: `{}'{union}'`",
            text[line_start..open].trim_start()
        ),
        None => "a quoted YAML string ends at its closing quote: quote the whole value, or none of it".to_owned(),
    };
    Some(
        Diagnostic::error(
            Code::YamlSyntax,
            Span::new(at, at + trailing.len()),
            format!("unexpected `{trailing}` after the quoted YAML string {quoted}"),
        )
        .label("after the closing quote")
        .help(help),
    )
}

/// Where the quoted scalar that ends `line` (before its closing `quote`)
/// opens: the last unescaped `quote`.
fn opening_quote(line: &str, quote: char) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut i = line.len();
    while i > 0 {
        i -= 1;
        if bytes[i] != quote as u8 {
            continue;
        }
        match quote {
            '"' if i > 0 && bytes[i - 1] == b'\\' => {}
            // `''` is an escaped quote inside a single-quoted scalar.
            '\'' if i > 0 && bytes[i - 1] == b'\'' => i -= 1,
            _ => return Some(i),
        }
    }
    None
}

/// The text before a YAML comment (` #`).
fn without_comment(text: &str) -> &str {
    match text.find(" #") {
        Some(i) => &text[..i],
        None => text,
    }
}

/// `"owner" | "admin"` when the value reads as a union written without the
/// outer quotes: the quoted first member, then `| …` members. Members
/// written as `'x'` become `"x"`, the type language's literals.
fn union_of_literals(first: &str, rest: &str) -> Option<String> {
    let rest = rest.strip_prefix('|')?;
    let mut members = vec![literal(first)?];
    for member in rest.split('|') {
        let member = member.trim();
        if member.is_empty() {
            return None;
        }
        members.push(literal(member)?);
    }
    Some(members.join(" | "))
}

/// A member as the type language writes it; `None` if it cannot go inside
/// a single-quoted YAML string as is.
fn literal(member: &str) -> Option<String> {
    let inner = member
        .strip_prefix('\'')
        .and_then(|m| m.strip_suffix('\''))
        .or_else(|| member.strip_prefix('"').and_then(|m| m.strip_suffix('"')));
    match inner {
        Some(inner) if !inner.contains(['"', '\'', '\\']) => Some(format!("\"{inner}\"")),
        Some(_) => None,
        None if member.contains(['"', '\'']) => None,
        None => Some(member.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain(text: &str) -> (String, String) {
        // The error sits where the trailing text starts: at `|` or `x`.
        let at = text.find(" |").or_else(|| text.find(" x")).unwrap() + 1;
        let diagnostic = trailing_content(text, TRAILING_CONTENT, at).expect("a diagnostic");
        (diagnostic.message, diagnostic.help.unwrap())
    }

    #[test]
    fn suggests_quoting_the_whole_union() {
        let (message, help) = explain("types:\n  Role: \"owner\" | \"admin\"\n");
        assert_eq!(
            message,
            "unexpected `| \"admin\"` after the quoted YAML string \"owner\""
        );
        assert!(help.ends_with("`Role: '\"owner\" | \"admin\"'`"), "{help}");
        let (_, help) = explain("  - 'a' | 'b' | null # three\n");
        assert!(help.ends_with("`- '\"a\" | \"b\" | null'`"), "{help}");
        let (_, help) = explain("k: \"say \\\"hi\\\"\" | \"b\"\n");
        assert!(help.starts_with("a quoted YAML string ends"), "{help}");
    }

    #[test]
    fn other_trailing_text_gets_the_general_help() {
        let (message, help) = explain("doc: \"Hello\" x\n");
        assert_eq!(
            message,
            "unexpected `x` after the quoted YAML string \"Hello\""
        );
        assert!(help.starts_with("a quoted YAML string ends"), "{help}");
        assert!(trailing_content("a: b", "some other error", 1).is_none());
    }
}
