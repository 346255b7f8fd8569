//! The value encoding of SPEC §3: `int64` is `{"$int64": "<decimal>"}` and
//! `bytes` is `{"$bytes": "<base64>"}`, so that no int64 loses precision in a
//! JavaScript client and a union never mistakes a number or a string for one
//! of them.
//!
//! Generated code marks every field whose type contains `i64` or `Vec<u8>`
//! (directly or through `Option`, `Vec`, `BTreeMap` and `Box`) with
//! `#[serde(with = "::schemabridge_runtime::__private::wire")]`; the [`Wire`]
//! trait then finds the encoding from the field's type alone. A field such as
//! `Vec<SomeStruct>` needs no attribute: `SomeStruct` encodes its own fields.

mod bytes;
mod containers;
mod int64;
pub mod optional;
mod tagged;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A type with a wire encoding that differs from its plain serde one:
/// `i64`, `Vec<u8>`, and `Option`, `Vec`, `BTreeMap` and `Box` of such types.
///
/// `Vec<u8>` (bytes) and `Vec<T: Wire>` (a list) do not overlap because `u8`
/// never implements this trait.
pub trait Wire: Sized {
    /// Writes `self` in the wire encoding.
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;

    /// Reads a value in the wire encoding.
    fn deserialize_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// The `serialize_with` half of `#[serde(with = "…::wire")]`.
pub fn serialize<T: Wire, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.serialize_wire(serializer)
}

/// The `deserialize_with` half of `#[serde(with = "…::wire")]`.
pub fn deserialize<'de, T: Wire, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    T::deserialize_wire(deserializer)
}

/// A value that serializes and deserializes in its wire encoding.
///
/// Generated routers wrap a handler result whose type is itself a wire type
/// (e.g. a function returning `int64` or `array<int64>`), since there is no
/// field to put an attribute on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded<T>(pub T);

impl<T: Wire> Serialize for Encoded<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_wire(serializer)
    }
}

impl<'de, T: Wire> Deserialize<'de> for Encoded<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_wire(deserializer).map(Encoded)
    }
}

/// Serializes a borrowed element in its wire encoding, for containers.
struct EncodedRef<'a, T>(&'a T);

impl<T: Wire> Serialize for EncodedRef<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_wire(serializer)
    }
}

/// A value in its wire encoding as a JSON value (for index keys).
pub(crate) fn to_value<T: Wire>(value: &T) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::to_value(EncodedRef(value))
}
