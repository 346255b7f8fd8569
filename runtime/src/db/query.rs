//! A query over one index range: order, filter, and how many results.

use super::decode;
use super::range::KeyRange;
use crate::model::TableRow;
use crate::store::{Scan, Stored, Transaction};
use crate::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::marker::PhantomData;

/// The order of results: by index key (then `_creationTime`, then `_id`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// Smallest key first.
    #[default]
    Asc,
    /// Largest key first.
    Desc,
}

/// One page of a paginated query.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Page<D> {
    /// The documents of this page.
    pub page: Vec<D>,
    /// Whether the range has no more documents after this page.
    #[serde(rename = "isDone")]
    pub is_done: bool,
    /// Where the next page starts; opaque.
    #[serde(rename = "continueCursor")]
    pub continue_cursor: String,
}

type Filter<'a, D> = Box<dyn Fn(&D) -> bool + Send + Sync + 'a>;

/// A query: an index range of one table, in an order, maybe filtered.
/// Run it with `first`, `unique`, `take`, `collect` or `paginate`.
pub struct Query<'a, T: TableRow, A> {
    tx: &'a Transaction,
    index: &'static str,
    range: KeyRange,
    order: Order,
    filter: Option<Filter<'a, T::Doc>>,
    access: PhantomData<fn() -> A>,
}

/// Rows read per statement when a filter may drop some.
const BATCH: usize = 256;
/// The first byte of every cursor: a version, so that "" is no cursor.
const CURSOR_VERSION: u8 = 1;

/// What a run found: documents with their keys, and whether the range
/// was read to its end.
struct Found<D> {
    documents: Vec<(Vec<u8>, D)>,
    done: bool,
    /// The bound the range ends at, in the order of the run.
    end: Vec<u8>,
}

impl<'a, T: TableRow, A> Query<'a, T, A> {
    pub(crate) fn new(tx: &'a Transaction, index: &'static str, range: KeyRange) -> Self {
        Query {
            tx,
            index,
            range,
            order: Order::Asc,
            filter: None,
            access: PhantomData,
        }
    }

    /// Sets the order (ascending by default).
    pub fn order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// Keeps only the documents for which `keep` is true. The filter runs
    /// on the documents of the range; it does not narrow what is read.
    pub fn filter(mut self, keep: impl Fn(&T::Doc) -> bool + Send + Sync + 'a) -> Self {
        self.filter = Some(match self.filter.take() {
            None => Box::new(keep),
            Some(first) => Box::new(move |doc| first(doc) && keep(doc)),
        });
        self
    }

    /// The first document, if any.
    pub async fn first(self) -> Result<Option<T::Doc>, ApiError> {
        Ok(self.take(1).await?.pop())
    }

    /// The only document, if any; an error when there are more.
    pub async fn unique(self) -> Result<Option<T::Doc>, ApiError> {
        let index = self.index;
        let mut found = self.take(2).await?;
        if found.len() > 1 {
            return Err(ApiError::internal(format!(
                "unique() found more than one document of `{}` (index `{index}`)",
                T::TABLE
            )));
        }
        Ok(found.pop())
    }

    /// At most `n` documents.
    pub async fn take(self, n: usize) -> Result<Vec<T::Doc>, ApiError> {
        let found = self.run(Some(n), None, false).await?;
        Ok(found.documents.into_iter().map(|(_, doc)| doc).collect())
    }

    /// Every document.
    pub async fn collect(self) -> Result<Vec<T::Doc>, ApiError> {
        let found = self.run(None, None, false).await?;
        Ok(found.documents.into_iter().map(|(_, doc)| doc).collect())
    }

    /// At most `n` documents after `cursor` (`None`: from the start), and
    /// the cursor of the next page. Documents inserted before the cursor
    /// while a client pages are not seen; those after it are.
    pub async fn paginate(
        self,
        n: usize,
        cursor: Option<&str>,
    ) -> Result<crate::db::Page<T::Doc>, ApiError> {
        if n == 0 {
            return Err(ApiError::new(
                "invalid_args",
                "a page must hold at least one document",
            ));
        }
        let after = cursor.map(decode_cursor).transpose()?;
        let found = self.run(Some(n), after, true).await?;
        let last = match found.documents.last() {
            Some((key, _)) if !found.done => key.clone(),
            // At the end: a cursor past the range, so that asking for the
            // next page answers an empty one.
            _ => found.end,
        };
        Ok(Page {
            page: found.documents.into_iter().map(|(_, doc)| doc).collect(),
            is_done: found.done,
            continue_cursor: encode_cursor(&last),
        })
    }

    /// Reads the range in order. With `peek`, reads on past `limit` until
    /// one more match proves that the range is not done.
    async fn run(
        self,
        limit: Option<usize>,
        after: Option<Vec<u8>>,
        peek: bool,
    ) -> Result<Found<T::Doc>, ApiError> {
        if let Some(error) = &self.range.error {
            return Err(ApiError::internal(format!(
                "a value of the range on index `{}` of `{}` cannot be compared{error}",
                self.index,
                T::TABLE
            )));
        }
        let info = self.tx.store().index(T::TABLE, self.index).ok_or_else(|| {
            ApiError::internal(format!(
                "table `{}` has no index `{}`",
                T::TABLE,
                self.index
            ))
        })?;
        let desc = self.order == Order::Desc;
        let (mut lo, mut hi) = self.range.bounds();
        if let Some(after) = after {
            // Keys are prefix-free, so `after + [0]` is the first key after it.
            if desc {
                hi = hi.min(after);
            } else {
                lo = lo.max([after.as_slice(), &[0]].concat());
            }
        }
        let end = if desc { lo.clone() } else { hi.clone() };
        let mut documents = Vec::new();
        loop {
            let wanted = limit.map(|n| n - documents.len() + usize::from(peek));
            if wanted == Some(0) {
                return Ok(Found {
                    documents,
                    done: false,
                    end,
                });
            }
            let batch = match (wanted, &self.filter) {
                (Some(n), None) => n.min(BATCH * 4),
                _ => BATCH,
            };
            let scan = Scan {
                index: info.id,
                lo: lo.clone(),
                hi: hi.clone(),
                desc,
                limit: batch,
            };
            if lo >= hi {
                return Ok(Found {
                    documents,
                    done: true,
                    end,
                });
            }
            let rows = self.tx.scan(&scan).await?;
            let full = rows.len() == batch;
            for row in rows {
                if desc {
                    hi = row.key.clone();
                } else {
                    lo = [row.key.as_slice(), &[0]].concat();
                }
                let stored = Stored {
                    body: serde_json::from_str(&row.body).map_err(|error| {
                        ApiError::internal(format!(
                            "document {}: the stored body is no JSON: {error}",
                            row.id
                        ))
                    })?,
                    id: row.id,
                    creation_time: row.creation_time,
                };
                let id = stored.id.clone();
                let doc: T::Doc = decode(T::TABLE, &id, stored.into_document())?;
                if self.filter.as_ref().is_none_or(|keep| keep(&doc)) {
                    if limit == Some(documents.len()) {
                        // The peeked match: more documents follow.
                        return Ok(Found {
                            documents,
                            done: false,
                            end,
                        });
                    }
                    documents.push((row.key, doc));
                }
            }
            if !full {
                return Ok(Found {
                    documents,
                    done: true,
                    end,
                });
            }
        }
    }

    /// The query plan of this query's first statement (tests show with it
    /// that ranges use the index).
    #[doc(hidden)]
    pub async fn explain(self) -> Result<String, ApiError> {
        let info = self.tx.store().index(T::TABLE, self.index).ok_or_else(|| {
            ApiError::internal(format!(
                "table `{}` has no index `{}`",
                T::TABLE,
                self.index
            ))
        })?;
        let (lo, hi) = self.range.bounds();
        self.tx
            .explain(&Scan {
                index: info.id,
                lo,
                hi,
                desc: self.order == Order::Desc,
                limit: 10,
            })
            .await
    }
}

fn encode_cursor(key: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(key.len() + 1);
    bytes.push(CURSOR_VERSION);
    bytes.extend_from_slice(key);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_cursor(cursor: &str) -> Result<Vec<u8>, ApiError> {
    match URL_SAFE_NO_PAD.decode(cursor) {
        Ok(bytes) if bytes.first() == Some(&CURSOR_VERSION) => Ok(bytes[1..].to_vec()),
        _ => Err(ApiError::new(
            "invalid_args",
            format!("{cursor:?} is no cursor of this query (pass the continueCursor of a page)"),
        )),
    }
}
