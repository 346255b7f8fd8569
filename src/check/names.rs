//! The naming rules of SPEC §1.2, and the conversions from schema names
//! to Rust and TypeScript identifiers. Every identifier an emitter prints
//! is made here, so collisions can be reported where they arise.

use super::case;
use crate::ir::Name;

pub const MAX_NAME_LEN: usize = 64;

/// Table, module and function names: `[A-Za-z][A-Za-z0-9_]*`.
pub fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= MAX_NAME_LEN
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Named types, `typeName` and `$name`: `[A-Z][A-Za-z0-9]*`.
pub fn is_type_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= MAX_NAME_LEN
        && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Index names: `[a-z][a-z0-9_]*`.
pub fn is_index_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= MAX_NAME_LEN
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Why a field name is invalid, if it is.
pub fn field_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("a field name cannot be empty")
    } else if name.len() > MAX_NAME_LEN {
        Some("a field name has at most 64 characters")
    } else if name.starts_with('$') {
        Some("a field name cannot start with `$` (that marks settings)")
    } else if name.starts_with('_') {
        Some("a field name cannot start with `_` (reserved for `_id` and `_creationTime`)")
    } else if !name.bytes().all(|b| b.is_ascii_graphic()) {
        Some("a field name is printable ASCII without spaces")
    } else {
        None
    }
}

// Strict and reserved keywords of Rust 2021 and 2024, which need `r#`.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

// Keywords that cannot be raw identifiers.
const RUST_UNRAWABLE: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A snake_case Rust identifier for a field, module or function name,
/// escaped so that it is always valid (`type` → `r#type`, `self` → `self_`,
/// `1st` → `_1st`).
pub fn rust_snake(name: &str) -> String {
    let mut ident = case::snake(name);
    if ident.is_empty() {
        ident.push_str("field");
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    escape_rust(ident)
}

/// A PascalCase part of a generated type or variant name.
pub fn pascal(name: &str) -> String {
    case::pascal(name)
}

/// A Rust variant or type name from arbitrary text (a string literal):
/// PascalCase, prefixed when it would start with a digit or be empty.
pub fn rust_variant(text: &str) -> String {
    let mut ident = pascal(text);
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'V');
    }
    escape_rust(ident)
}

fn escape_rust(ident: String) -> String {
    if RUST_UNRAWABLE.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if RUST_KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// The identifier without a raw prefix, for comparing names.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// A TypeScript property key: the name itself when it is an identifier
/// name (keywords are fine as property names), a string literal otherwise.
pub fn ts_property(name: &str) -> String {
    let mut chars = name.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        name.to_string()
    } else {
        ts_string(name)
    }
}

/// A TypeScript string literal for any text.
pub fn ts_string(text: &str) -> String {
    let json = serde_json::to_string(text).expect("strings serialize");
    // JSON allows these raw; older JavaScript and some tools do not.
    json.replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The three spellings of a field, module or function name.
pub fn member_name(wire: &str) -> Name {
    Name {
        wire: wire.to_string(),
        rust: rust_snake(wire),
        ts: ts_property(wire),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_idents_are_escaped() {
        assert_eq!(rust_snake("userId"), "user_id");
        assert_eq!(rust_snake("type"), "r#type");
        assert_eq!(rust_snake("self"), "self_");
        assert_eq!(rust_snake("first-name"), "first_name");
        assert_eq!(rust_snake("1st"), "_1st");
        assert_eq!(rust_snake("+"), "field");
        assert_eq!(rust_variant("in-progress"), "InProgress");
        assert_eq!(rust_variant("1"), "V1");
        assert_eq!(rust_variant("Self"), "Self_");
    }

    #[test]
    fn ts_properties_are_quoted_when_needed() {
        assert_eq!(ts_property("constructor"), "constructor");
        assert_eq!(ts_property("first-name"), "\"first-name\"");
        assert_eq!(ts_string("a\u{2028}\"b"), "\"a\\u2028\\\"b\"");
    }

    #[test]
    fn name_rules() {
        assert!(is_plain_name("get_Profile2"));
        assert!(!is_plain_name("2x") && !is_plain_name("a-b") && !is_plain_name(&"a".repeat(65)));
        assert!(is_type_name("UserBirth") && !is_type_name("user") && !is_type_name("User_x"));
        assert!(is_index_name("by_user_2") && !is_index_name("byUser"));
        assert!(field_name_problem("first-name").is_none());
        assert!(field_name_problem("_id").is_some() && field_name_problem("a b").is_some());
    }
}
