//! `#[serde(with = "::schemabridge_runtime::__private::optional")]` for an
//! optional field (`name?: T` in the schema, `Option<T>` in Rust).
//!
//! Plain serde reads a present `null` as `None`, so for `note?: string | null`
//! (`Option<Option<String>>`) an explicit `null` would come back as "absent".
//! With this module a present field is always `Some`, whatever its value:
//! absent, `null` and a value all round-trip distinctly (SPEC §1.1). It also
//! refuses `null` for an optional field that is not nullable.
//!
//! Use it together with `default` and
//! `skip_serializing_if = "::std::option::Option::is_none"`. For fields whose
//! type holds `int64` or `bytes`, use [`super::wire::optional`] instead.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Writes the value of a present field; `None` is skipped by
/// `skip_serializing_if` before this is called.
pub fn serialize<T, S>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Serialize,
    S: Serializer,
{
    match value {
        Some(value) => value.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

/// Reads a present field, which is `Some` even when its value is `null`.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(deserializer).map(Some)
}
