//! The order-preserving byte encoding of index keys (SPEC §6).
//!
//! Two keys compare with `memcmp` (SQLite `BLOB`, PostgreSQL `bytea`) exactly
//! as their values compare in Convex's total order:
//!
//! absent < `null` < int64 < float64 < boolean < string < bytes < array < object
//!
//! Every value starts with a tag byte in that order. The encoding of one value
//! is prefix-free (fixed-size payloads, or a terminator), so a key is the plain
//! concatenation of its parts, and "every key whose first parts equal P" is the
//! byte range `[P, successor(P))`.
//!
//! - int64: 8 bytes big-endian with the sign bit flipped (numeric order).
//! - float64: the IEEE 754 total-order transform (negative: all bits
//!   inverted; positive: sign bit set), so `-0.0 < +0.0` and both are kept
//!   apart, as they are kept apart when stored.
//! - boolean: `0` or `1`.
//! - string and bytes: the bytes with `0x00` escaped as `0x00 0xFF`, then the
//!   terminator `0x00 0x01`: a shorter string sorts before its extensions.
//! - array: each element encoded, then `0x00` (below every tag).
//! - object: for each field in key order (UTF-8 bytes), `0x01`, the escaped
//!   name, its terminator and the value; then `0x00`.
//!
//! Values are read from the wire JSON of a document: `{"$int64": "…"}` is an
//! int64, `{"$bytes": "…"}` bytes, any other number a float64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{Map, Value};

const ABSENT: u8 = 0x01;
const NULL: u8 = 0x02;
const INT64: u8 = 0x03;
const FLOAT64: u8 = 0x04;
const BOOLEAN: u8 = 0x05;
const STRING: u8 = 0x06;
const BYTES: u8 = 0x07;
const ARRAY: u8 = 0x08;
const OBJECT: u8 = 0x09;

/// Ends an array or an object; below every tag and the field marker.
const END: u8 = 0x00;
/// Starts a field of an object.
const FIELD: u8 = 0x01;

/// Appends the encoding of a field that is absent from the document.
pub(crate) fn absent(out: &mut Vec<u8>) {
    out.push(ABSENT);
}

/// Appends the encoding of a wire JSON value.
pub(crate) fn value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(b) => {
            out.push(BOOLEAN);
            out.push(u8::from(*b));
        }
        Value::Number(number) => float(number.as_f64().unwrap_or(f64::NAN), out),
        Value::String(text) => escaped(STRING, text.as_bytes(), out),
        Value::Array(items) => {
            out.push(ARRAY);
            for item in items {
                self::value(item, out);
            }
            out.push(END);
        }
        Value::Object(fields) => match tagged(fields) {
            Some(Tagged::Int64(n)) => int64(n, out),
            Some(Tagged::Bytes(bytes)) => escaped(BYTES, &bytes, out),
            None => object(fields, out),
        },
    }
}

/// Appends the encoding of a float64.
pub(crate) fn float(value: f64, out: &mut Vec<u8>) {
    let bits = value.to_bits();
    let ordered = if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    };
    out.push(FLOAT64);
    out.extend_from_slice(&ordered.to_be_bytes());
}

/// Appends the encoding of a string.
pub(crate) fn string(text: &str, out: &mut Vec<u8>) {
    escaped(STRING, text.as_bytes(), out);
}

fn int64(value: i64, out: &mut Vec<u8>) {
    out.push(INT64);
    out.extend_from_slice(&((value as u64) ^ 1 << 63).to_be_bytes());
}

fn escaped(tag: u8, bytes: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    escaped_payload(bytes, out);
}

fn escaped_payload(bytes: &[u8], out: &mut Vec<u8>) {
    for &byte in bytes {
        out.push(byte);
        if byte == 0 {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0x00, 0x01]);
}

fn object(fields: &Map<String, Value>, out: &mut Vec<u8>) {
    out.push(OBJECT);
    // serde_json's map is sorted unless `preserve_order` is on somewhere in
    // the build; sorting here keeps keys identical either way.
    let mut sorted: Vec<(&String, &Value)> = fields.iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    for (name, value) in sorted {
        out.push(FIELD);
        escaped_payload(name.as_bytes(), out);
        self::value(value, out);
    }
    out.push(END);
}

enum Tagged {
    Int64(i64),
    Bytes(Vec<u8>),
}

/// Reads `{"$int64": "…"}` and `{"$bytes": "…"}`; anything else is an object.
fn tagged(fields: &Map<String, Value>) -> Option<Tagged> {
    if fields.len() != 1 {
        return None;
    }
    let (tag, Value::String(text)) = fields.iter().next()? else {
        return None;
    };
    match tag.as_str() {
        "$int64" => text.parse().ok().map(Tagged::Int64),
        "$bytes" => STANDARD.decode(text).ok().map(Tagged::Bytes),
        _ => None,
    }
}

/// The value at a dotted wire path of a document; `None` when absent
/// (also when a parent is absent or is no object).
pub(crate) fn lookup<'v>(document: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(document, |value, name| value.as_object()?.get(name))
}

/// The key of a document in an index over `fields`: the field values, then
/// `_creationTime` and `_id`, which make every entry unique.
pub(crate) fn document_key(
    fields: &[String],
    body: &Value,
    creation_time: f64,
    id: &str,
) -> Vec<u8> {
    let mut key = Vec::with_capacity(32 + 16 * fields.len());
    for path in fields {
        match lookup(body, path) {
            Some(found) => value(found, &mut key),
            None => absent(&mut key),
        }
    }
    float(creation_time, &mut key);
    string(id, &mut key);
    key
}

/// The smallest byte string greater than every string starting with
/// `prefix`; `None` when there is none (all bytes `0xFF`, or empty).
pub(crate) fn successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut next = prefix.to_vec();
    while let Some(last) = next.pop() {
        if last < 0xFF {
            next.push(last + 1);
            return Some(next);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        value(v, &mut out);
        out
    }

    #[test]
    fn types_in_convex_order() {
        let mut absent_key = Vec::new();
        absent(&mut absent_key);
        let ordered = [
            absent_key,
            key(&json!(null)),
            key(&json!({"$int64": "-9223372036854775808"})),
            key(&json!({"$int64": "-1"})),
            key(&json!({"$int64": "0"})),
            key(&json!({"$int64": "9007199254740993"})),
            key(&json!({"$int64": "9223372036854775807"})),
            key(&json!(-1e300)),
            key(&json!(-0.0)),
            key(&json!(0.0)),
            key(&json!(0.5)),
            key(&json!(false)),
            key(&json!(true)),
            key(&json!("")),
            key(&json!("a")),
            key(&json!("a\u{0}")),
            key(&json!("a\u{0}\u{0}")),
            key(&json!("ab")),
            key(&json!("é")),
            key(&json!({"$bytes": ""})),
            key(&json!({"$bytes": "AA=="})),
            key(&json!({"$bytes": "/w=="})),
            key(&json!([])),
            key(&json!([null])),
            key(&json!([null, null])),
            key(&json!([{"$int64": "1"}])),
            key(&json!({})),
            key(&json!({"a": null})),
            key(&json!({"a": null, "b": 1.0})),
            key(&json!({"a": 1.0})),
            key(&json!({"b": null})),
        ];
        for pair in ordered.windows(2) {
            assert!(pair[0] < pair[1], "{:?} !< {:?}", pair[0], pair[1]);
        }
    }

    #[test]
    fn successor_skips_trailing_ff() {
        assert_eq!(successor(&[1, 2]), Some(vec![1, 3]));
        assert_eq!(successor(&[1, 0xFF]), Some(vec![2]));
        assert_eq!(successor(&[0xFF, 0xFF]), None);
        assert_eq!(successor(&[]), None);
    }

    #[test]
    fn lookup_follows_dotted_paths() {
        let doc = json!({"a": {"b": null}, "c": 1.0});
        assert_eq!(lookup(&doc, "a.b"), Some(&Value::Null));
        assert_eq!(lookup(&doc, "a.x"), None);
        assert_eq!(lookup(&doc, "c.d"), None);
    }
}
