//! TypeScript spelling of text from the schema: string literals, property
//! keys and doc comments. Docs, literals and file names are user text; each
//! function here makes sure such text cannot end the construct it sits in.

/// Characters that end a line in JavaScript source. U+2028 and U+2029 are
/// among them: one inside a `//` comment would end the comment.
const LINE_TERMINATORS: [char; 4] = ['\n', '\r', '\u{2028}', '\u{2029}'];

// The checker spells the model's property keys with these; the emitter
// uses the same ones for the strings it spells itself (literals, table keys).
pub(super) use crate::check::names::{ts_property as property_key, ts_string as string_literal};

/// The lines of a JSDoc comment holding `doc`; none for no or blank doc.
pub(super) fn doc_comment(doc: Option<&str>) -> Vec<String> {
    let Some(doc) = doc else {
        return Vec::new();
    };
    let mut lines = doc
        .split("\r\n")
        .flat_map(|line| line.split(LINE_TERMINATORS))
        // `*/` would close the comment early.
        .map(|line| line.trim_end().replace("*/", "*\\/"))
        .collect::<Vec<_>>();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let first = lines.iter().position(|line| !line.is_empty());
    let lines = &lines[first.unwrap_or(lines.len())..];
    match lines {
        [] => Vec::new(),
        [only] => vec![format!("/** {only} */")],
        _ => {
            let mut out = vec!["/**".to_owned()];
            out.extend(lines.iter().map(|line| match line.as_str() {
                "" => " *".to_owned(),
                text => format!(" * {text}"),
            }));
            out.push(" */".to_owned());
            out
        }
    }
}

/// `text` on one line, for a `//` comment: each line terminator becomes a
/// space (a schema file name may hold one).
pub(super) fn single_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(LINE_TERMINATORS, " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_quotes_backslashes_and_line_terminators() {
        assert_eq!(string_literal("users"), r#""users""#);
        assert_eq!(
            string_literal("a\"b\\c\nd\u{2028}e\u{2029}f\u{0}"),
            r#""a\"b\\c\nd\u2028e\u2029f\u0000""#
        );
    }

    #[test]
    fn property_keys_are_quoted_only_when_needed() {
        assert_eq!(property_key("firstName"), "firstName");
        assert_eq!(property_key("_x$1"), "_x$1");
        assert_eq!(property_key("constructor"), "constructor");
        assert_eq!(property_key("first-name"), r#""first-name""#);
        assert_eq!(property_key("1st"), r#""1st""#);
        assert_eq!(property_key("é"), r#""é""#);
    }

    #[test]
    fn doc_comments_cannot_be_closed_from_inside() {
        assert_eq!(doc_comment(None), Vec::<String>::new());
        assert_eq!(doc_comment(Some(" \n \n")), Vec::<String>::new());
        assert_eq!(
            doc_comment(Some("Ends */ here.")),
            ["/** Ends *\\/ here. */"]
        );
        assert_eq!(
            doc_comment(Some("\nOne\r\n\ntwo\u{2028}three\u{2029}four\rfive  \n\n")),
            ["/**", " * One", " *", " * two", " * three", " * four", " * five", " */"]
        );
    }

    #[test]
    fn single_line_replaces_every_line_terminator() {
        assert_eq!(single_line("a\r\nb\nc\rd\u{2028}e\u{2029}f"), "a b c d e f");
    }
}
