//! `int64` as `{"$int64": "<decimal>"}`: a JSON number would lose precision
//! above 2^53 in JavaScript.

use super::tagged::{self, Shape};
use super::Wire;
use serde::{Deserializer, Serializer};

const SHAPE: Shape = Shape {
    tag: "$int64",
    placeholder: "<decimal>",
};

impl Wire for i64 {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        tagged::serialize(serializer, SHAPE, self)
    }

    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        tagged::deserialize(deserializer, SHAPE, parse)
    }
}

/// Parses an optional `-` followed by ASCII digits, within the i64 range.
fn parse(text: &str) -> Result<i64, String> {
    // `str::parse` also takes a leading `+`; the wire has one spelling of a
    // sign, the one `BigInt.prototype.toString` writes.
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "invalid $int64 {text:?}: expected a decimal integer such as \"-42\""
        ));
    }
    text.parse().map_err(|_| {
        format!("invalid $int64 {text:?}: out of the range of a signed 64-bit integer")
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_decimal_only() {
        assert_eq!(parse("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(parse("007"), Ok(7));
        for bad in ["", "-", "+1", " 1", "1 ", "1e3", "0x10", "1.0", "--1"] {
            assert!(
                parse(bad).unwrap_err().contains("decimal integer"),
                "{bad:?}"
            );
        }
        for bad in ["9223372036854775808", "-9223372036854775809"] {
            assert!(
                parse(bad).unwrap_err().contains("out of the range"),
                "{bad:?}"
            );
        }
    }
}
