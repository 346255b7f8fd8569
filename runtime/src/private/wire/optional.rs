//! `#[serde(with = "::schemabridge_runtime::__private::wire::optional")]`: the
//! wire encoding for an optional field, where a present field is always
//! `Some`, even when its value is `null`.
//!
//! See [`crate::__private::optional`] for why: it keeps absent and `null`
//! apart for `note?: int64 | null` (`Option<Option<i64>>`). Use it together
//! with `default` and `skip_serializing_if = "::std::option::Option::is_none"`.

use super::Wire;
use serde::{Deserializer, Serializer};

/// Writes the value of a present field in the wire encoding.
pub fn serialize<T: Wire, S: Serializer>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => value.serialize_wire(serializer),
        None => serializer.serialize_none(),
    }
}

/// Reads a present field in the wire encoding; it is `Some` even when `null`.
pub fn deserialize<'de, T: Wire, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize_wire(deserializer).map(Some)
}
