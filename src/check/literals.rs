//! `kind: text` where `kind: '"text"'` was meant: a lowercase name that is
//! no type (types are PascalCase), no table and no typo of a built-in reads
//! as a string literal whose quotes were left out. The unknown-type error
//! gets the help that the quoted spelling (`kind: "text"`, whose quotes
//! YAML took) gets.

use super::Checker;
use crate::diagnostics::{Code, Severity};
use crate::suggest::closest;
use crate::syntax::ast::ScalarType;

impl Checker<'_> {
    /// Gives unknown-type errors on literal-looking names the help of a
    /// string literal. Runs after lowering, which reported them.
    pub(super) fn hint_unquoted_literals(&mut self) {
        for diagnostic in self.diagnostics.iter_mut() {
            if diagnostic.code != Code::UnknownType || diagnostic.severity != Severity::Error {
                continue;
            }
            let span = diagnostic.span;
            let Some(name) = self.source.get(span.start..span.end) else {
                continue;
            };
            let quoted = span
                .start
                .checked_sub(1)
                .and_then(|i| self.source.as_bytes().get(i))
                .is_some_and(|b| matches!(b, b'"' | b'\''));
            if quoted || !literal_looking(name) || self.table_ids.contains_key(name) {
                continue;
            }
            // `strng` is a typo of a built-in, not a literal.
            if closest(name, ScalarType::NAMES.iter().map(|(n, _)| *n)).is_some() {
                continue;
            }
            let literal = format!("to write the string literal \"{name}\", quote it twice: '\"{name}\"' (YAML takes the outer quotes, the type the inner ones)");
            // `kind: click` inside `Click`: the tag of a union member is
            // often the type's own name in lowercase.
            let help = match closest(name, self.named.keys().map(String::as_str)) {
                Some(ty) => format!("{literal}; for the type, write `{ty}`"),
                None => literal,
            };
            diagnostic.help = Some(help);
        }
    }
}

/// A name that cannot be a declared type (those are PascalCase) and looks
/// like a word: `text`, `in_progress`, `dark-mode`.
fn literal_looking(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
}
