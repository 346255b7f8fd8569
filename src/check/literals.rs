//! `kind: text` where `kind: '"text"'` was meant: a lowercase name that is
//! no type (types are PascalCase), no table and no typo of a built-in reads
//! as a string literal whose quotes were left out. The unknown-type error
//! then gets the help that the quoted spelling (`kind: "text"`, whose quotes
//! YAML took) gets.

use crate::suggest::closest;
use crate::syntax::ast::ScalarType;

/// The help for an unknown, unquoted `name` that looks like a string
/// literal, or `None` when it looks like a misspelt type. `named` are the
/// declared types, offered as the alternative.
pub(super) fn unquoted_literal_help<'a>(
    name: &str,
    named: impl Iterator<Item = &'a str>,
) -> Option<String> {
    // `strng` is a typo of a built-in, not a literal.
    if !literal_looking(name) || closest(name, ScalarType::NAMES.iter().map(|(n, _)| *n)).is_some()
    {
        return None;
    }
    let literal = format!("to write the string literal \"{name}\", quote it twice: '\"{name}\"' (YAML takes the outer quotes, the type the inner ones)");
    // `kind: click` inside `Click`: the tag of a union member is often the
    // type's own name in lowercase.
    Some(match closest(name, named) {
        Some(ty) => format!("{literal}; for the type, write `{ty}`"),
        None => literal,
    })
}

/// A name that cannot be a declared type (those are PascalCase) and looks
/// like a word: `text`, `in_progress`, `dark-mode`.
fn literal_looking(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
}
