//! Type expressions: the TypeScript spelling of an [`ir::Ty`] (SPEC §1.1).

use super::syntax::string_literal;
use crate::ir::{Literal, Schema, Ty};

/// How `record<K, V>` is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Records {
    /// `Record<K, V>`, as people write it.
    Generic,
    /// `{ [key: K]: V }`, for the right-hand side of `export type X = …`:
    /// tsc resolves `Record<string, X>` eagerly and reports a circular
    /// alias when X is the type being declared, while it resolves an index
    /// signature lazily. (Interfaces have no such limit.)
    IndexSignature,
}

/// The TypeScript type for `ty`.
pub(super) fn ts_type(schema: &Schema, ty: &Ty, records: Records) -> String {
    match ty {
        Ty::String => "string".to_owned(),
        Ty::Float64 => "number".to_owned(),
        Ty::Int64 => "bigint".to_owned(),
        Ty::Boolean => "boolean".to_owned(),
        Ty::Bytes => "Uint8Array".to_owned(),
        Ty::Null => "null".to_owned(),
        Ty::Any => "unknown".to_owned(),
        Ty::Id(table) => format!("Id<{}>", string_literal(&schema.table(*table).name)),
        Ty::Doc(table) => format!("Doc<{}>", string_literal(&schema.table(*table).name)),
        Ty::Array(item) => {
            let item_text = ts_type(schema, item, records);
            // `A | null[]` would be an array of nulls or an A.
            if is_union(item) {
                format!("({item_text})[]")
            } else {
                format!("{item_text}[]")
            }
        }
        Ty::Record(key, value) => {
            let key = ts_type(schema, key, records);
            let value = ts_type(schema, value, records);
            match records {
                Records::Generic => format!("Record<{key}, {value}>"),
                Records::IndexSignature => format!("{{ [key: {key}]: {value} }}"),
            }
        }
        Ty::Nullable(inner) => format!("{} | null", ts_type(schema, inner, records)),
        Ty::Literal(literal) => literal_type(literal),
        Ty::Named(id) => schema.ty(*id).ts_name.clone(),
    }
}

/// Whether the spelling of `ty` is a union at its top level.
fn is_union(ty: &Ty) -> bool {
    matches!(ty, Ty::Nullable(_))
}

fn literal_type(literal: &Literal) -> String {
    match literal {
        Literal::String(text) => string_literal(text),
        Literal::Bool(value) => value.to_string(),
        Literal::Number { text, value } => number_literal(text, *value),
    }
}

/// The number as the schema wrote it when that is also a TypeScript
/// numeric literal type; YAML spellings that are not (`+1`, `0o17`, `.inf`)
/// are printed from the value instead, and a non-finite value, which no
/// literal type can hold, widens to `number`.
fn number_literal(text: &str, value: f64) -> String {
    if !value.is_finite() {
        "number".to_owned()
    } else if is_decimal_literal(text) {
        text.to_owned()
    } else {
        // Rust prints every finite f64 as plain decimal digits, which
        // TypeScript reads back as the same number.
        value.to_string()
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_decimal_literal(text: &str) -> bool {
    fn digits(s: &str) -> (&str, usize) {
        let count = s.bytes().take_while(u8::is_ascii_digit).count();
        (&s[count..], count)
    }
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (rest, whole) = digits(unsigned);
    // A leading zero makes a legacy octal literal, an error in modules.
    if whole == 0 || (whole > 1 && unsigned.starts_with('0')) {
        return false;
    }
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => match digits(fraction) {
            (_, 0) => return false,
            (rest, _) => rest,
        },
        None => rest,
    };
    match rest.strip_prefix(['e', 'E']) {
        Some(exponent) => {
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            matches!(digits(exponent), ("", 1..))
        }
        None => rest.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_literals_are_kept_as_written() {
        for text in ["0", "42", "-7", "1.5", "-0.25", "1e3", "2.5E-4", "6e+1"] {
            assert!(is_decimal_literal(text), "{text}");
        }
        for text in [
            "", "-", "+1", "01", "1.", ".5", "0x1f", "0o17", "1_000", "1e", "1e+", ".inf", "NaN",
        ] {
            assert!(!is_decimal_literal(text), "{text}");
        }
    }

    #[test]
    fn other_spellings_print_from_the_value() {
        assert_eq!(number_literal("+1", 1.0), "1");
        assert_eq!(number_literal("0x1F", 31.0), "31");
        assert_eq!(number_literal("1e400", f64::INFINITY), "number");
        assert_eq!(number_literal(".nan", f64::NAN), "number");
        assert_eq!(number_literal("1.50", 1.5), "1.50");
    }
}
