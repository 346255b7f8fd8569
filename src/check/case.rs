//! snake_case and PascalCase for schema names. ASCII names (all field,
//! table, module and function names) take a fast path that splits words
//! exactly as `heck` does; anything else goes through `heck` itself. A
//! property test holds the two to the same answers.

use heck::{ToSnakeCase, ToUpperCamelCase};

pub fn snake(name: &str) -> String {
    if !name.is_ascii() {
        return name.to_snake_case();
    }
    let mut out = String::with_capacity(name.len() + 4);
    for word in ascii_words(name) {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
    }
    out
}

pub fn pascal(name: &str) -> String {
    if !name.is_ascii() {
        return name.to_upper_camel_case();
    }
    let mut out = String::with_capacity(name.len());
    for word in ascii_words(name) {
        let mut bytes = word.bytes();
        if let Some(first) = bytes.next() {
            out.push(first.to_ascii_uppercase() as char);
            out.extend(bytes.map(|b| b.to_ascii_lowercase() as char));
        }
    }
    out
}

/// The words of an ASCII name: split at non-alphanumerics, before an
/// upper-case letter that follows a lower-case one (`userId`), and before
/// the last capital of a run followed by a lower-case letter (`HTTPServer`).
/// Digits keep the case of what precedes them (`a1B` is `a1`, `B`).
fn ascii_words(name: &str) -> impl Iterator<Item = &str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(|word| {
            let bytes = word.as_bytes();
            let mut words = Vec::new();
            let mut start = 0;
            let mut mode = Mode::Boundary;
            for i in 0..bytes.len() {
                let c = bytes[i];
                let Some(&next) = bytes.get(i + 1) else {
                    words.push(&word[start..]);
                    break;
                };
                let next_mode = if c.is_ascii_lowercase() {
                    Mode::Lower
                } else if c.is_ascii_uppercase() {
                    Mode::Upper
                } else {
                    mode
                };
                if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                    words.push(&word[start..i + 1]);
                    start = i + 1;
                    mode = Mode::Boundary;
                } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase()
                {
                    words.push(&word[start..i]);
                    start = i;
                    mode = Mode::Boundary;
                } else {
                    mode = next_mode;
                }
            }
            words.into_iter().filter(|w| !w.is_empty())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_like_heck() {
        for name in [
            "userId",
            "HTTPServer",
            "a1B",
            "first-name",
            "x:y",
            "URL",
            "Table00000",
            "getV2Profile",
            "__a__b",
            "",
        ] {
            assert_eq!(snake(name), name.to_snake_case(), "{name}");
            assert_eq!(pascal(name), name.to_upper_camel_case(), "{name}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_heck_on_ascii(name in "[ -~]{0,24}") {
            prop_assert_eq!(snake(&name), name.to_snake_case());
            prop_assert_eq!(pascal(&name), name.to_upper_camel_case());
        }

        #[test]
        fn agrees_with_heck_on_identifiers(name in "[a-zA-Z][a-zA-Z0-9_]{0,20}") {
            prop_assert_eq!(snake(&name), name.to_snake_case());
            prop_assert_eq!(pascal(&name), name.to_upper_camel_case());
        }
    }
}
