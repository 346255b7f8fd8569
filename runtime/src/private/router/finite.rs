//! Refuses results holding NaN or an infinity before they are written:
//! serde_json would silently write `null` for them, and SPEC §3 wants an
//! error at encoding instead.
//!
//! The check is a serializer that writes nothing, run before the real one;
//! wrapping serde_json's serializer instead would mean re-implementing all
//! of its compound types for one refusal.

use super::json_path::JsonPath;
use crate::ApiError;
use serde::ser::{self, Serialize};
use std::fmt;

/// Checks every float in `value`.
pub(crate) fn check<T: Serialize + ?Sized>(value: &T) -> Result<(), ApiError> {
    find(value)
        .map_err(|problem| ApiError::internal(format!("the result could not be encoded{problem}")))
}

/// Checks every float in `value`; the error reads " at `path`: reason".
pub(crate) fn find<T: Serialize + ?Sized>(value: &T) -> Result<(), String> {
    serde_path_to_error::serialize(value, Finite).map_err(|error| {
        let path = JsonPath::from_serde(error.path());
        let at = if path.is_root() {
            String::new()
        } else {
            format!(" at `{}`", path.render())
        };
        format!("{at}: {}", error.into_inner())
    })
}

/// Why a value cannot be written as JSON.
#[derive(Debug)]
pub(super) struct NotEncodable(String);

impl fmt::Display for NotEncodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotEncodable {}

impl ser::Error for NotEncodable {
    fn custom<M: fmt::Display>(message: M) -> Self {
        NotEncodable(message.to_string())
    }
}

/// The checking serializer: accepts everything but non-finite floats.
#[derive(Clone, Copy)]
struct Finite;

type Done = Result<(), NotEncodable>;

impl Finite {
    fn float(value: f64) -> Done {
        if value.is_finite() {
            Ok(())
        } else {
            Err(NotEncodable(format!(
                "{value} is no JSON number (non-finite floats are refused)"
            )))
        }
    }
}

impl ser::Serializer for Finite {
    type Ok = ();
    type Error = NotEncodable;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_f32(self, v: f32) -> Done {
        Finite::float(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        Finite::float(v)
    }

    fn serialize_bool(self, _: bool) -> Done {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Done {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Done {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Done {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Done {
        Ok(())
    }
    fn serialize_i128(self, _: i128) -> Done {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Done {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Done {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Done {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Done {
        Ok(())
    }
    fn serialize_u128(self, _: u128) -> Done {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Done {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Done {
        Ok(())
    }
    // Formatting is the only work `collect_str` would do, and it cannot
    // produce a float: skip it.
    fn collect_str<T: fmt::Display + ?Sized>(self, _: &T) -> Done {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Done {
        Ok(())
    }
    fn serialize_none(self) -> Done {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Done {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Done {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, NotEncodable> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, NotEncodable> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, NotEncodable> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, NotEncodable> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, NotEncodable> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotEncodable> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, NotEncodable> {
        Ok(self)
    }
}

/// The compound serializers: check each element with a fresh `Finite`.
macro_rules! compound {
    ($($trait:ident :: $method:ident ($($key:ty)?)),* $(,)?) => {$(
        impl ser::$trait for Finite {
            type Ok = ();
            type Error = NotEncodable;

            fn $method<T: Serialize + ?Sized>(&mut self, $(_: $key,)? value: &T) -> Done {
                value.serialize(Finite)
            }

            fn end(self) -> Done {
                Ok(())
            }
        }
    )*};
}

compound! {
    SerializeSeq::serialize_element(),
    SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(),
    SerializeTupleVariant::serialize_field(),
    SerializeStruct::serialize_field(&'static str),
    SerializeStructVariant::serialize_field(&'static str),
}

// Map keys are checked too: a float key would be written as text by
// serde_json, but a non-finite one still means a bad value. And a record
// key starting with `$` would read as a wire-encoded value (`$int64`,
// `$bytes`) to a client; wire-encoded values themselves are structs.
impl ser::SerializeMap for Finite {
    type Ok = ();
    type Error = NotEncodable;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        key.serialize(Finite)?;
        if let Ok(serde_json::Value::String(key)) = serde_json::to_value(key) {
            if key.starts_with('$') {
                return Err(NotEncodable(format!(
                    "the key {key:?} starts with `$`, which the wire format reserves"
                )));
            }
        }
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(Finite)
    }

    fn end(self) -> Done {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::check;
    use crate::__private::wire::Encoded;

    #[test]
    fn record_keys_starting_with_a_dollar_are_refused() {
        let record = BTreeMap::from([("$int64".to_string(), "12".to_string())]);
        let error = check(&record).unwrap_err();
        assert_eq!(error.code(), "internal");
        assert!(error.message().contains("reserves"), "{}", error.message());
    }

    #[test]
    fn wire_encoded_values_and_plain_keys_pass() {
        let record = BTreeMap::from([("count".to_string(), Encoded(vec![5i64, -7]))]);
        assert!(check(&record).is_ok());
        assert!(check(&Encoded(vec![1u8, 2, 3])).is_ok());
    }
}
