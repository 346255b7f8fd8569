//! Typed access to the documents of one transaction (SPEC §6).

mod query;
pub(crate) mod range;

pub use query::{Order, Page, Query};

use crate::model::{Access, TableRow, Write};
use crate::store::{Transaction, BY_CREATION_TIME};
use crate::{ApiError, Id};
use range::{IndexRange, KeyList, KeyRange};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::marker::PhantomData;

/// The database as one transaction sees it; generated code wraps it in a
/// schema-specific `Db` with one method per table.
pub struct Db<'a, A> {
    tx: &'a Transaction,
    access: PhantomData<A>,
}

impl<A> Clone for Db<'_, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A> Copy for Db<'_, A> {}

impl<'a, A: Access> Db<'a, A> {
    pub(crate) fn new(tx: &'a Transaction) -> Self {
        Db {
            tx,
            access: PhantomData,
        }
    }

    /// The table whose row type is `T`.
    pub fn table<T: TableRow>(&self) -> Table<'a, T, A> {
        Table {
            tx: self.tx,
            types: PhantomData,
        }
    }
}

/// One table of a transaction.
pub struct Table<'a, T, A> {
    tx: &'a Transaction,
    types: PhantomData<fn() -> (T, A)>,
}

impl<T, A> Clone for Table<'_, T, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, A> Copy for Table<'_, T, A> {}

/// Reads a document from its stored JSON; a mismatch is the server's fault.
pub(crate) fn decode<D: DeserializeOwned>(
    table: &str,
    id: &str,
    document: Value,
) -> Result<D, ApiError> {
    serde_path_to_error::deserialize(document).map_err(|error| {
        ApiError::internal(format!(
            "document {id} of `{table}` does not match its type at `{}`: {}",
            error.path(),
            error.inner()
        ))
    })
}

/// A row as wire JSON, refusing non-finite floats (serde_json would write
/// them as `null`).
fn encode<T: Serialize>(table: &str, row: &T) -> Result<Value, ApiError> {
    crate::__private::router_finite::find(row).map_err(|problem| {
        ApiError::new(
            "invalid_document",
            format!("a document of `{table}` cannot be stored{problem}"),
        )
    })?;
    serde_json::to_value(row).map_err(|error| {
        ApiError::internal(format!(
            "a document of `{table}` cannot be encoded: {error}"
        ))
    })
}

fn missing<T: TableRow>(id: &Id<T>) -> ApiError {
    ApiError::not_found(format!("no document {id} in `{}`", T::TABLE))
}

impl<'a, T: TableRow, A: Access> Table<'a, T, A> {
    /// The document with id `id`, if there is one.
    pub async fn get(&self, id: &Id<T>) -> Result<Option<T::Doc>, ApiError> {
        match self.tx.get(T::TABLE, id.as_str()).await? {
            None => Ok(None),
            Some(stored) => decode(T::TABLE, id.as_str(), stored.into_document()).map(Some),
        }
    }

    /// Every document, in `_creationTime` order.
    pub fn scan(&self) -> Query<'a, T, A> {
        Query::new(self.tx, BY_CREATION_TIME, KeyRange::default())
    }

    /// The documents of index `name` within a range. Generated code calls
    /// it from one method per index; `K` lists the index's key parts.
    pub fn index<K: KeyList, R: Into<KeyRange>>(
        &self,
        name: &'static str,
        range: impl FnOnce(IndexRange<K>) -> R,
    ) -> Query<'a, T, A> {
        let range = range(IndexRange::start()).into();
        Query::new(self.tx, name, range)
    }
}

impl<'a, T: TableRow> Table<'a, T, Write> {
    /// Stores a new document; its id.
    pub async fn insert(&self, value: T) -> Result<Id<T>, ApiError> {
        let body = encode(T::TABLE, &value)?;
        self.tx.insert(T::TABLE, body).await.map(Id::new)
    }

    /// Changes some fields of a document; `not_found` if there is none.
    pub async fn patch(&self, id: &Id<T>, patch: T::Patch) -> Result<(), ApiError> {
        let old = self
            .tx
            .get(T::TABLE, id.as_str())
            .await?
            .ok_or_else(|| missing(id))?;
        let mut row: T = decode(T::TABLE, id.as_str(), old.body.clone())?;
        row.apply_patch(patch);
        let body = encode(T::TABLE, &row)?;
        self.tx.replace(T::TABLE, &old, body).await
    }

    /// Replaces a document's fields; `not_found` if there is none.
    pub async fn replace(&self, id: &Id<T>, value: T) -> Result<(), ApiError> {
        let body = encode(T::TABLE, &value)?;
        let old = self
            .tx
            .get(T::TABLE, id.as_str())
            .await?
            .ok_or_else(|| missing(id))?;
        self.tx.replace(T::TABLE, &old, body).await
    }

    /// Deletes a document; `not_found` if there is none.
    pub async fn delete(&self, id: &Id<T>) -> Result<(), ApiError> {
        let old = self
            .tx
            .get(T::TABLE, id.as_str())
            .await?
            .ok_or_else(|| missing(id))?;
        self.tx.delete(T::TABLE, &old).await
    }
}
