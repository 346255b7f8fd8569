//! Typed index ranges: equality on a prefix of an index's fields, then at
//! most one range on the next field (SPEC §6).
//!
//! Generated code describes each index by a key list `(Part1, (Part2, ()))`;
//! `IndexRange<K>` only offers methods for the next field of the list, with
//! that field's value type, so a range that skips a field or compares a
//! field with a value of another type does not compile.

use crate::__private::router_finite;
use crate::__private::wire::Wire as WireEncoding;
use crate::store::key;
use serde::Serialize;
use std::marker::PhantomData;

/// One field of an index key. Implemented by the types of [`key`](self::key).
pub trait KeyPart {
    /// The value a range compares this field with.
    type Value;
    #[doc(hidden)]
    fn encode(value: &Self::Value, out: &mut Vec<u8>) -> Result<(), String>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for () {}
    impl<P, L> Sealed for (P, L) {}
}

/// A list of key parts: `()` or `(P, L)`.
pub trait KeyList: sealed::Sealed {}
impl KeyList for () {}
impl<P: KeyPart, L: KeyList> KeyList for (P, L) {}

/// The kinds of key parts generated code names.
pub mod key_part {
    use std::marker::PhantomData;

    /// A required field whose plain serde form is its wire form (`String`,
    /// `f64`, `bool`, `Id<_>`, structs, enums, `Option<T>` for `T | null`).
    pub struct Plain<T>(PhantomData<fn() -> T>);
    /// A required field that needs the wire encoding (`i64`, `Vec<u8>`, …).
    pub struct Wire<T>(PhantomData<fn() -> T>);
    /// An optional field (or one below an optional parent): `None` is absent.
    pub struct Optional<P>(PhantomData<fn() -> P>);
}

use key_part::{Optional, Plain, Wire};

fn encode_json(value: serde_json::Value, out: &mut Vec<u8>) {
    key::value(&value, out);
}

impl<T: Serialize> KeyPart for Plain<T> {
    type Value = T;
    fn encode(value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        router_finite::find(value)?;
        let value = serde_json::to_value(value).map_err(|error| error.to_string())?;
        encode_json(value, out);
        Ok(())
    }
}

impl<T: WireEncoding + Serialize> KeyPart for Wire<T> {
    type Value = T;
    fn encode(value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        router_finite::find(value)?;
        let value = crate::__private::wire::to_value(value).map_err(|error| error.to_string())?;
        encode_json(value, out);
        Ok(())
    }
}

impl<P: KeyPart> KeyPart for Optional<P> {
    type Value = Option<P::Value>;
    fn encode(value: &Option<P::Value>, out: &mut Vec<u8>) -> Result<(), String> {
        match value {
            None => {
                key::absent(out);
                Ok(())
            }
            Some(value) => P::encode(value, out),
        }
    }
}

/// A range under construction: equalities so far, `K` the fields left.
pub struct IndexRange<K> {
    prefix: Vec<u8>,
    error: Option<String>,
    fields: PhantomData<fn() -> K>,
}

impl IndexRange<()> {
    pub(crate) fn start<K>() -> IndexRange<K> {
        IndexRange {
            prefix: Vec::new(),
            error: None,
            fields: PhantomData,
        }
    }
}

/// The side of a range that has a bound already.
pub struct Lower;
/// The side of a range that has a bound already.
pub struct Upper;

/// A range on one field with one bound; it may get one more, on the other side.
pub struct RangeOn<P, S = Lower> {
    range: KeyRange,
    part: PhantomData<fn() -> (P, S)>,
}

/// A complete range, untyped: what a query runs.
#[derive(Clone, Debug, Default)]
pub struct KeyRange {
    pub(crate) prefix: Vec<u8>,
    /// The encoded bound value and whether it is inclusive.
    pub(crate) lower: Option<(Vec<u8>, bool)>,
    pub(crate) upper: Option<(Vec<u8>, bool)>,
    pub(crate) error: Option<String>,
}

impl<P: KeyPart, L: KeyList> IndexRange<(P, L)> {
    fn encoded(&mut self, value: &P::Value) -> Vec<u8> {
        let mut out = Vec::new();
        if let Err(error) = P::encode(value, &mut out) {
            self.error.get_or_insert(error);
        }
        out
    }

    /// The field equals `value`.
    pub fn eq(mut self, value: &P::Value) -> IndexRange<L> {
        let encoded = self.encoded(value);
        self.prefix.extend_from_slice(&encoded);
        IndexRange {
            prefix: self.prefix,
            error: self.error,
            fields: PhantomData,
        }
    }

    fn bound<S>(mut self, value: &P::Value, lower: bool, inclusive: bool) -> RangeOn<P, S> {
        let encoded = self.encoded(value);
        let mut range = KeyRange {
            prefix: self.prefix,
            lower: None,
            upper: None,
            error: self.error,
        };
        if lower {
            range.lower = Some((encoded, inclusive));
        } else {
            range.upper = Some((encoded, inclusive));
        }
        RangeOn {
            range,
            part: PhantomData,
        }
    }

    /// The field is greater than `value`.
    pub fn gt(self, value: &P::Value) -> RangeOn<P, Lower> {
        self.bound(value, true, false)
    }

    /// The field is greater than or equal to `value`.
    pub fn gte(self, value: &P::Value) -> RangeOn<P, Lower> {
        self.bound(value, true, true)
    }

    /// The field is less than `value`.
    pub fn lt(self, value: &P::Value) -> RangeOn<P, Upper> {
        self.bound(value, false, false)
    }

    /// The field is less than or equal to `value`.
    pub fn lte(self, value: &P::Value) -> RangeOn<P, Upper> {
        self.bound(value, false, true)
    }
}

impl<P: KeyPart, S> RangeOn<P, S> {
    fn other(mut self, value: &P::Value, lower: bool, inclusive: bool) -> KeyRange {
        let mut encoded = Vec::new();
        if let Err(error) = P::encode(value, &mut encoded) {
            self.range.error.get_or_insert(error);
        }
        if lower {
            self.range.lower = Some((encoded, inclusive));
        } else {
            self.range.upper = Some((encoded, inclusive));
        }
        self.range
    }
}

impl<P: KeyPart> RangeOn<P, Lower> {
    /// And the field is less than `value`.
    pub fn lt(self, value: &P::Value) -> KeyRange {
        self.other(value, false, false)
    }

    /// And the field is less than or equal to `value`.
    pub fn lte(self, value: &P::Value) -> KeyRange {
        self.other(value, false, true)
    }
}

impl<P: KeyPart> RangeOn<P, Upper> {
    /// And the field is greater than `value`.
    pub fn gt(self, value: &P::Value) -> KeyRange {
        self.other(value, true, false)
    }

    /// And the field is greater than or equal to `value`.
    pub fn gte(self, value: &P::Value) -> KeyRange {
        self.other(value, true, true)
    }
}

impl<K> From<IndexRange<K>> for KeyRange {
    fn from(range: IndexRange<K>) -> Self {
        KeyRange {
            prefix: range.prefix,
            lower: None,
            upper: None,
            error: range.error,
        }
    }
}

impl<P, S> From<RangeOn<P, S>> for KeyRange {
    fn from(range: RangeOn<P, S>) -> Self {
        range.range
    }
}

/// Above every key: each key starts with a type tag below `0xFF`.
const TOP: &[u8] = &[0xFF];

impl KeyRange {
    /// The byte bounds `[lo, hi)` of the entries in this range.
    pub(crate) fn bounds(&self) -> (Vec<u8>, Vec<u8>) {
        let with = |value: &[u8]| [self.prefix.as_slice(), value].concat();
        let after = |bytes: &[u8]| key::successor(bytes).unwrap_or_else(|| TOP.to_vec());
        let lo = match &self.lower {
            None => self.prefix.clone(),
            Some((value, true)) => with(value),
            Some((value, false)) => after(&with(value)),
        };
        let hi = match &self.upper {
            None => after(&self.prefix),
            Some((value, false)) => with(value),
            Some((value, true)) => after(&with(value)),
        };
        (lo, hi)
    }
}
