//! The traits generated code implements to describe its data model.

use crate::db::Db;
use crate::schema::Schema;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The row type of a table (`User` for `users`), implemented by generated
/// code. A row is the document without `_id` and `_creationTime`; `Doc` is
/// the document as read (`UserDoc`).
pub trait TableRow: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The wire table name, e.g. `"users"`.
    const TABLE: &'static str;
    /// The stored document: the row plus `_id` and `_creationTime`.
    type Doc: Serialize + DeserializeOwned + Send + Sync + 'static;
    /// A change of some fields of a row (`UserPatch`).
    type Patch: Default + Send;
    /// Applies `patch` to the row.
    fn apply_patch(&mut self, patch: Self::Patch);
}

/// One optional field of a patch: leave it, set it, or remove it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// Leave the field as it is.
    #[default]
    Keep,
    /// Give the field this value.
    Set(T),
    /// Remove the field (it becomes absent).
    Remove,
}

impl<T> Patch<T> {
    /// Applies this change to an optional field.
    pub fn apply(self, field: &mut Option<T>) {
        match self {
            Patch::Keep => {}
            Patch::Set(value) => *field = Some(value),
            Patch::Remove => *field = None,
        }
    }
}

/// One required field of a patch: leave it or set it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Update<T> {
    /// Leave the field as it is.
    #[default]
    Keep,
    /// Give the field this value.
    Set(T),
}

impl<T> Update<T> {
    /// Applies this change to a required field.
    pub fn apply(self, field: &mut T) {
        if let Update::Set(value) = self {
            *field = value;
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Read {}
    impl Sealed for super::Write {}
}

/// What a transaction may do: [`Read`] (queries) or [`Write`] (mutations).
pub trait Access: sealed::Sealed + Send + Sync + 'static {
    #[doc(hidden)]
    const WRITE: bool;
}

/// Read-only access: a query's snapshot.
#[derive(Clone, Copy, Debug)]
pub struct Read;

/// Read-write access: a mutation's transaction.
#[derive(Clone, Copy, Debug)]
pub struct Write;

impl Access for Read {
    const WRITE: bool = false;
}

impl Access for Write {
    const WRITE: bool = true;
}

/// The data model of one schema, implemented by generated code
/// (`pub struct DataModel;`).
pub trait DataModel: Send + Sync + 'static {
    /// The storage view of the schema.
    const SCHEMA: &'static Schema;
    /// The generated, schema-specific view of the database
    /// (`ctx.db().users()`).
    type Db<'a, A: Access>: From<Db<'a, A>>;
}
