//! The shape shared by `$int64` and `$bytes`: an object with exactly one key,
//! the tag, whose value is a string.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct as _;
use serde::{Deserializer, Serialize, Serializer};
use std::fmt;

/// A tagged encoding: its key and what its string holds, for messages.
#[derive(Clone, Copy)]
pub(super) struct Shape {
    pub(super) tag: &'static str,
    pub(super) placeholder: &'static str,
}

// Every shape error reads "expected {"$int64": "<decimal>"}", so the client
// sees the encoding it should have sent.
impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, r#"{{"{}": "{}"}}"#, self.tag, self.placeholder)
    }
}

/// The struct name wire-encoded values serialize under.
pub(crate) const WIRE_STRUCT: &str = "$wire";

/// Writes `{"<tag>": "<text>"}`, formatting `text` straight into the output.
pub(super) fn serialize<S: Serializer>(
    serializer: S,
    shape: Shape,
    text: &dyn fmt::Display,
) -> Result<S::Ok, S::Error> {
    // A struct, not a map: JSON cannot tell them apart, but the result
    // check can, and refuses map (record) keys starting with `$`.
    let mut object = serializer.serialize_struct(WIRE_STRUCT, 1)?;
    object.serialize_field(shape.tag, &Collect(text))?;
    object.end()
}

/// Serializes through `collect_str`, which needs no intermediate `String`.
struct Collect<'a>(&'a dyn fmt::Display);

impl Serialize for Collect<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

/// Reads `{"<tag>": "<text>"}` and turns the text into a value with `parse`,
/// whose error message is reported as is.
pub(super) fn deserialize<'de, D, T>(
    deserializer: D,
    shape: Shape,
    parse: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_map(Tagged { shape, parse })
}

/// Visits the object, and (as a seed) its one value.
struct Tagged<T> {
    shape: Shape,
    parse: fn(&str) -> Result<T, String>,
}

impl<T> Clone for Tagged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Tagged<T> {}

impl<'de, T> Visitor<'de> for Tagged<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.shape)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let shape = self.shape;
        if map.next_key_seed(Key(shape))?.is_none() {
            return Err(de::Error::custom(format_args!(
                "expected {shape}, found an empty object"
            )));
        }
        let value = map.next_value_seed(Text(self))?;
        // Anything next to the tag would be silently lost: refuse it.
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(de::Error::custom(format_args!(
                "expected {shape}, found an object with more than one key"
            )));
        }
        Ok(value)
    }
}

/// Accepts only the tag as key.
struct Key(Shape);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Key {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the key \"{}\"", self.0.tag)
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        if key == self.0.tag {
            Ok(())
        } else {
            Err(E::custom(format_args!(
                "expected {}, found key {key:?}",
                self.0
            )))
        }
    }
}

/// Reads the string next to the tag and parses it without copying it.
struct Text<T>(Tagged<T>);

impl<'de, T> DeserializeSeed<'de> for Text<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<T> Visitor<'_> for Text<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.shape)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.0.parse)(text).map_err(E::custom)
    }
}
