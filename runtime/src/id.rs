//! `Id<T>`: the typed id of a stored document.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The id of a document of the table whose row type is `T`, e.g. `Id<User>`.
///
/// On the wire an id is a plain JSON string; `T` only stops an `Id<User>`
/// from being passed where an `Id<Note>` is expected.
///
/// Every trait is implemented by hand, without bounds on `T`: a derive would
/// demand `T: Clone`, `T: Ord`, … of row types that have no reason to
/// implement them, and an id must stay usable as a `BTreeMap` key whatever
/// `T` is.
pub struct Id<T> {
    value: String,
    // `fn() -> T` rather than `T`: an id owns no `T`, so it is Send, Sync
    // and 'static-friendly whatever `T` is.
    table: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// Wraps a document id.
    pub fn new(value: impl Into<String>) -> Self {
        Id {
            value: value.into(),
            table: PhantomData,
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The id as an owned `String`, dropping its table type.
    pub fn into_string(self) -> String {
        self.value
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        Id::new(self.value.clone())
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Id").field(&self.value).finish()
    }
}

impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Eq for Id<T> {}

impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

// Lets a `BTreeMap<Id<T>, _>` or `HashMap` be searched with a `&str`; sound
// because Eq, Ord and Hash above are exactly those of the string.
impl<T> Borrow<str> for Id<T> {
    fn borrow(&self) -> &str {
        &self.value
    }
}

impl<T> AsRef<str> for Id<T> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl<T> From<String> for Id<T> {
    fn from(value: String) -> Self {
        Id::new(value)
    }
}

impl<T> From<&str> for Id<T> {
    fn from(value: &str) -> Self {
        Id::new(value)
    }
}

impl<T> From<Id<T>> for String {
    fn from(id: Id<T>) -> Self {
        id.value
    }
}

impl<T> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

impl<'de, T> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Id::new)
    }
}
