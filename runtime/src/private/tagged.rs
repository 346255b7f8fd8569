//! A named struct as the newtype variant of an internally tagged enum
//! (`Image(ImageAttachment)` under `#[serde(tag = "kind")]`), so that a
//! union member is one Rust type whether it is used alone or in the union.
//!
//! The struct keeps its tag field (`kind: ImageAttachmentKind`), as it must
//! when it is read or written alone. serde's internally tagged enums write
//! the tag themselves and take it out before reading the variant, so this
//! `with` module leaves the struct's own tag field out when writing and
//! puts it back when reading: the wire format, unknown-field refusal and
//! errors are those of a struct variant.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::ser::{self, Impossible, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A struct that is a member of an internally tagged union: the name of
/// the tag field and this member's value of it.
pub trait Member {
    const TAG: &'static str;
    const VALUE: &'static str;
}

/// Writes `value` without its tag field, which the enum has written.
pub fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Serialize + Member,
    S: Serializer,
{
    value.serialize(WithoutTag {
        inner: serializer,
        tag: T::TAG,
    })
}

/// Reads `T` from the fields the enum left after taking out the tag, with
/// the tag put back first.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Deserialize<'de> + Member,
    D: Deserializer<'de>,
{
    T::deserialize(WithTag {
        inner: deserializer,
        tag: T::TAG,
        value: T::VALUE,
    })
}

struct WithoutTag<S> {
    inner: S,
    tag: &'static str,
}

fn not_a_struct<E: ser::Error>() -> E {
    E::custom("a member of a tagged union must serialize as a struct")
}

macro_rules! refuse {
    ($($method:ident($($arg:ty),*);)*) => {
        $(
            fn $method(self $(, _: $arg)*) -> Result<Self::Ok, Self::Error> {
                Err(not_a_struct())
            }
        )*
    };
}

impl<S: Serializer> Serializer for WithoutTag<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = StructWithoutTag<S::SerializeStruct>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        Ok(StructWithoutTag {
            inner: self.inner.serialize_struct(name, len.saturating_sub(1))?,
            tag: self.tag,
        })
    }

    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Err(not_a_struct())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
        Err(not_a_struct())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Err(not_a_struct())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Err(not_a_struct())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Err(not_a_struct())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Err(not_a_struct())
    }
}

struct StructWithoutTag<S> {
    inner: S,
    tag: &'static str,
}

impl<S: SerializeStruct> SerializeStruct for StructWithoutTag<S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        if key == self.tag {
            return Ok(());
        }
        self.inner.serialize_field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.inner.skip_field(key)
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.inner.end()
    }
}

struct WithTag<D> {
    inner: D,
    tag: &'static str,
    value: &'static str,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for WithTag<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(TagFirst {
            visitor,
            tag: self.tag,
            value: self.value,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Visits the map of the variant's fields as one that starts with the tag.
struct TagFirst<V> {
    visitor: V,
    tag: &'static str,
    value: &'static str,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TagFirst<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(TagThenRest {
            tag: Some((self.tag, self.value)),
            value: None,
            rest: map,
        })
    }
}

struct TagThenRest<A> {
    /// The tag entry, until its key has been read.
    tag: Option<(&'static str, &'static str)>,
    /// The tag's value, between reading its key and its value.
    value: Option<&'static str>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TagThenRest<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.tag.take() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(de::value::StrDeserializer::new(key))
                    .map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(de::value::StrDeserializer::new(value)),
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        let tag = usize::from(self.tag.is_some());
        self.rest.size_hint().map(|n| n + tag)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    enum CircleKind {
        #[serde(rename = "circle")]
        Circle,
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Circle {
        radius: f64,
        kind: CircleKind,
    }

    impl super::Member for Circle {
        const TAG: &'static str = "kind";
        const VALUE: &'static str = "circle";
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(tag = "kind", deny_unknown_fields)]
    enum Shape {
        #[serde(rename = "circle", with = "super")]
        Circle(Circle),
    }

    #[test]
    fn a_member_reads_and_writes_as_a_struct_variant_would() {
        let circle = || Circle {
            radius: 1.0,
            kind: CircleKind::Circle,
        };
        let wire = json!({ "kind": "circle", "radius": 1.0 });
        assert_eq!(serde_json::to_value(Shape::Circle(circle())).unwrap(), wire);
        assert_eq!(
            serde_json::to_string(&Shape::Circle(circle())).unwrap(),
            r#"{"kind":"circle","radius":1.0}"#
        );
        assert_eq!(
            serde_json::from_value::<Shape>(wire.clone()).unwrap(),
            Shape::Circle(circle())
        );
        // Alone, the struct has its tag like any other field.
        assert_eq!(serde_json::to_value(circle()).unwrap(), wire);
        assert_eq!(serde_json::from_value::<Circle>(wire).unwrap(), circle());
    }

    #[test]
    fn a_member_refuses_what_a_struct_variant_refuses() {
        let error = |value| {
            serde_json::from_value::<Shape>(value)
                .unwrap_err()
                .to_string()
        };
        assert!(
            error(json!({ "kind": "circle", "radius": 1, "x": 1 })).contains("unknown field `x`")
        );
        assert!(error(json!({ "kind": "circle" })).contains("missing field `radius`"));
        assert!(error(json!({ "kind": "square" })).contains("unknown variant `square`"));
        assert!(error(json!({ "radius": 1 })).contains("missing field `kind`"));
    }
}
