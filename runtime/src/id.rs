//! `Id<T>`: the typed id of a stored document.
//!
//! An id is 16 bytes written in unpadded base64url (22 characters): a 32-bit
//! hash of its table's name, then 12 random bytes. The table part lets a
//! handler's argument be refused when it names a document of another table,
//! before the handler runs; the random part makes ids unguessable enough
//! that one cannot be forged from another.

use crate::model::TableRow;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The id of a document of the table whose row type is `T`, e.g. `Id<User>`.
///
/// On the wire an id is a plain JSON string; `T` stops an `Id<User>` from
/// being passed where an `Id<Note>` is expected, in Rust and, through the
/// table encoded in every id, on the wire (see `Deserialize`).
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
    /// Wraps a document id without checking it (ids read from arguments
    /// and documents are checked by `Deserialize`).
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

/// Reads an id and checks that it is one, of `T`'s table: a string that is
/// no id, or an id of another table, is a deserialization error (so an
/// argument gets `invalid_args` with its path).
impl<'de, T: TableRow> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        check(&value, T::TABLE).map_err(de::Error::custom)?;
        Ok(Id::new(value))
    }
}

const TAG_LEN: usize = 4;
const RANDOM_LEN: usize = 12;
const ID_LEN: usize = TAG_LEN + RANDOM_LEN;
/// The length of an id as text.
const TEXT_LEN: usize = 22;

/// The 32-bit FNV-1a hash of a table name: the table part of its ids.
pub(crate) fn table_tag(table: &str) -> u32 {
    table.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// A fresh id of a document of `table`.
pub(crate) fn generate(table: &str) -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; ID_LEN];
    bytes[..TAG_LEN].copy_from_slice(&table_tag(table).to_be_bytes());
    getrandom::fill(&mut bytes[TAG_LEN..])?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The table tag of `text`, or why it is no id.
pub(crate) fn tag_of(text: &str) -> Result<u32, String> {
    let bytes = (text.len() == TEXT_LEN)
        .then(|| URL_SAFE_NO_PAD.decode(text).ok())
        .flatten()
        .filter(|bytes| bytes.len() == ID_LEN)
        .ok_or_else(|| format!("{text:?} is no document id"))?;
    let mut tag = [0u8; TAG_LEN];
    tag.copy_from_slice(&bytes[..TAG_LEN]);
    Ok(u32::from_be_bytes(tag))
}

/// Checks that `text` is an id of a document of `table`.
pub(crate) fn check(text: &str, table: &str) -> Result<(), String> {
    if tag_of(text)? == table_tag(table) {
        Ok(())
    } else {
        Err(format!(
            "{text:?} is no id of a document of table `{table}`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_carry_their_table() {
        let id = generate("users").unwrap();
        assert_eq!(id.len(), TEXT_LEN);
        assert_eq!(check(&id, "users"), Ok(()));
        assert!(check(&id, "notes").unwrap_err().contains("table `notes`"));
        assert_ne!(generate("users").unwrap(), id);
        for bad in [
            "",
            "abc",
            &id[1..],
            &format!("{id}A"),
            "!!!!!!!!!!!!!!!!!!!!!!",
        ] {
            assert!(
                check(bad, "users").unwrap_err().contains("no document id"),
                "{bad}"
            );
        }
    }
}
