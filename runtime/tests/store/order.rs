//! Index order (SPEC §6): every index range query returns exactly what a
//! scan, a filter and a sort in Convex's order return, over values of
//! every type, on every backend.

use crate::model::{Item, ItemDoc, MutationCtx, Nested, QueryCtx, Val, SCHEMA};
use crate::Backend;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use schemabridge_runtime::{ApiError, Order, Store};
use serde_json::{json, Value};
use std::cmp::Ordering;

/// A wire JSON value of any schema type, from small domains so that equal
/// values (ties broken by `_creationTime`) are common.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        prop_oneof![
            Just(i64::MIN),
            Just(i64::MAX),
            Just((1 << 53) + 1),
            Just(1 << 53),
            -3i64..3,
        ]
        .prop_map(|n| json!({ "$int64": n.to_string() })),
        prop_oneof![
            Just(-0.0),
            Just(0.0),
            Just(-1.5),
            Just(2.0),
            Just(1e300),
            Just(-1e-300)
        ]
        .prop_map(|f: f64| json!(f)),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(""),
            Just("a"),
            Just("a\u{0}"),
            Just("ab"),
            Just("é"),
            Just("b")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
        prop::collection::vec(prop_oneof![Just(0u8), Just(255u8), Just(7u8)], 0..3)
            .prop_map(|bytes| json!({ "$bytes": STANDARD.encode(bytes) })),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(prop_oneof![Just("a"), Just("b")], inner, 0..3).prop_map(
                |fields| Value::Object(
                    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )
            ),
        ]
    })
}

fn item() -> impl Strategy<Value = Item> {
    (
        prop_oneof![Just(1i64 << 60), Just(-(1i64 << 60)), Just(0)],
        prop::option::of(value()),
        prop::option::of(prop::option::of(value())),
    )
        .prop_map(
            |(group, value, nested): (i64, Option<Value>, Option<Option<Value>>)| Item {
                group,
                value: value.as_ref().map(val),
                nested: nested.map(|inner| Nested {
                    inner: inner.as_ref().map(val),
                }),
            },
        )
}

/// The wire JSON value as the typed `Val`.
fn val(value: &Value) -> Val {
    match value {
        Value::Null => Val::Null(()),
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => Val::Float(n.as_f64().unwrap()),
        Value::String(s) => Val::Str(s.clone()),
        Value::Array(items) => Val::Arr(items.iter().map(val).collect()),
        Value::Object(o) if o.contains_key("$int64") => {
            Val::Int(o["$int64"].as_str().unwrap().parse().unwrap())
        }
        Value::Object(o) if o.contains_key("$bytes") => {
            Val::Bytes(STANDARD.decode(o["$bytes"].as_str().unwrap()).unwrap())
        }
        Value::Object(o) => Val::Obj(o.iter().map(|(k, v)| (k.clone(), val(v))).collect()),
    }
}

/// The typed value as wire JSON.
fn json_of(value: Option<&Val>) -> Option<Value> {
    value.map(|v| serde_json::to_value(v).unwrap())
}

/// Which index, and the range on it.
#[derive(Clone, Debug)]
struct Range {
    index: usize,
    group: i64,
    lower: Option<(Option<Value>, bool)>,
    upper: Option<(Option<Value>, bool)>,
    desc: bool,
    page: usize,
}

fn range() -> impl Strategy<Value = Range> {
    let bound = || prop::option::of((prop::option::of(value()), any::<bool>()));
    (
        0usize..3,
        prop_oneof![Just(1i64 << 60), Just(-(1i64 << 60)), Just(0)],
        bound(),
        bound(),
        any::<bool>(),
        1usize..5,
    )
        .prop_map(|(index, group, lower, upper, desc, page)| Range {
            index,
            group,
            lower,
            upper,
            desc,
            page,
        })
}

fn rank(value: Option<&Value>) -> u8 {
    match value {
        None => 0,
        Some(Value::Null) => 1,
        Some(Value::Object(o)) if o.contains_key("$int64") => 2,
        Some(Value::Number(_)) => 3,
        Some(Value::Bool(_)) => 4,
        Some(Value::String(_)) => 5,
        Some(Value::Object(o)) if o.contains_key("$bytes") => 6,
        Some(Value::Array(_)) => 7,
        Some(Value::Object(_)) => 8,
    }
}

/// Convex's total order, written directly over values (the oracle).
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) if x.contains_key("$int64") => {
            let n = |o: &serde_json::Map<String, Value>| {
                o["$int64"].as_str().unwrap().parse::<i64>().unwrap()
            };
            n(x).cmp(&n(y))
        }
        (Some(Value::Object(x)), Some(Value::Object(y))) if x.contains_key("$bytes") => {
            let b = |o: &serde_json::Map<String, Value>| {
                STANDARD.decode(o["$bytes"].as_str().unwrap()).unwrap()
            };
            b(x).cmp(&b(y))
        }
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_f64().unwrap().total_cmp(&y.as_f64().unwrap())
        }
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(Value::String(x)), Some(Value::String(y))) => x.as_bytes().cmp(y.as_bytes()),
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for (p, q) in x.iter().zip(y) {
                let order = compare(Some(p), Some(q));
                if order.is_ne() {
                    return order;
                }
            }
            x.len().cmp(&y.len())
        }
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut xs: Vec<_> = x.iter().collect();
            let mut ys: Vec<_> = y.iter().collect();
            xs.sort_by(|p, q| p.0.as_bytes().cmp(q.0.as_bytes()));
            ys.sort_by(|p, q| p.0.as_bytes().cmp(q.0.as_bytes()));
            for (p, q) in xs.iter().zip(&ys) {
                let order =
                    p.0.as_bytes()
                        .cmp(q.0.as_bytes())
                        .then_with(|| compare(Some(p.1), Some(q.1)));
                if order.is_ne() {
                    return order;
                }
            }
            xs.len().cmp(&ys.len())
        }
        _ => Ordering::Equal,
    })
}

fn field(doc: &ItemDoc, index: usize) -> Option<Value> {
    json_of(match index {
        2 => doc.nested.as_ref().and_then(|n| n.inner.as_ref()),
        _ => doc.value.as_ref(),
    })
}

/// What scan + filter + sort say the range holds.
fn expected(all: &[ItemDoc], range: &Range) -> Vec<String> {
    let mut docs: Vec<&ItemDoc> = all
        .iter()
        .filter(|doc| range.index != 1 || doc.group == range.group)
        .filter(|doc| {
            let v = field(doc, range.index);
            let v = v.as_ref();
            let above = range.lower.as_ref().is_none_or(|(bound, inclusive)| {
                let order = compare(v, bound.as_ref());
                order.is_gt() || (*inclusive && order.is_eq())
            });
            let below = range.upper.as_ref().is_none_or(|(bound, inclusive)| {
                let order = compare(v, bound.as_ref());
                order.is_lt() || (*inclusive && order.is_eq())
            });
            above && below
        })
        .collect();
    docs.sort_by(|a, b| {
        compare(
            field(a, range.index).as_ref(),
            field(b, range.index).as_ref(),
        )
        .then(a.creation_time.total_cmp(&b.creation_time))
        .then(a.id.as_str().as_bytes().cmp(b.id.as_str().as_bytes()))
    });
    if range.desc {
        docs.reverse();
    }
    docs.into_iter()
        .map(|doc| doc.id.as_str().to_owned())
        .collect()
}

/// The range run through the index, with `collect` and page by page,
/// inserting one of `extras` between pages.
async fn actual(store: &Store, range: &Range, extras: &[Item]) -> (Vec<String>, Vec<String>) {
    let ids = |docs: Vec<ItemDoc>| {
        docs.into_iter()
            .map(|d| d.id.into_string())
            .collect::<Vec<_>>()
    };
    let run = |cursor: Option<String>, all: bool| {
        let range = range.clone();
        store.query(move |ctx: QueryCtx| async move {
            let items = ctx.db().items();
            let lower = range.lower.clone();
            let upper = range.upper.clone();
            let query = match range.index {
                0 => items.by_value(|q| bounds(q, lower, upper)),
                1 => items.by_group_value(|q| bounds(q.eq(&range.group), lower, upper)),
                _ => items.by_inner(|q| bounds(q, lower, upper)),
            };
            let query = query.order(if range.desc { Order::Desc } else { Order::Asc });
            if all {
                let docs = query.collect().await?;
                Ok::<_, ApiError>((docs, true, String::new()))
            } else {
                let page = query.paginate(range.page, cursor.as_deref()).await?;
                Ok((page.page, page.is_done, page.continue_cursor))
            }
        })
    };
    let (all, _, _) = run(None, true).await.unwrap();
    let mut paged = Vec::new();
    let mut cursor = None;
    let mut extras = extras.iter();
    loop {
        let (page, done, next) = run(cursor, false).await.unwrap();
        assert!(page.len() <= range.page);
        paged.extend(ids(page));
        if done {
            break;
        }
        cursor = Some(next);
        if let Some(extra) = extras.next() {
            insert_all(store, std::slice::from_ref(extra)).await;
        }
    }
    (ids(all), paged)
}

type ValueRange = schemabridge_runtime::IndexRange<(
    schemabridge_runtime::key::Optional<schemabridge_runtime::key::Plain<Val>>,
    (),
)>;

fn bounds(
    q: ValueRange,
    lower: Option<(Option<Value>, bool)>,
    upper: Option<(Option<Value>, bool)>,
) -> schemabridge_runtime::KeyRange {
    let typed = |(v, inclusive): (Option<Value>, bool)| (v.as_ref().map(val), inclusive);
    match (lower.map(typed), upper.map(typed)) {
        (None, None) => q.into(),
        (Some((v, true)), None) => q.gte(&v).into(),
        (Some((v, false)), None) => q.gt(&v).into(),
        (None, Some((v, true))) => q.lte(&v).into(),
        (None, Some((v, false))) => q.lt(&v).into(),
        (Some((l, li)), Some((u, ui))) => {
            let q = if li { q.gte(&l) } else { q.gt(&l) };
            if ui {
                q.lte(&u)
            } else {
                q.lt(&u)
            }
        }
    }
}

async fn insert_all(store: &Store, items: &[Item]) {
    let items = items.to_vec();
    store
        .mutation(|ctx: MutationCtx| {
            let items = items.clone();
            async move {
                for item in items {
                    ctx.db().items().insert(item).await?;
                }
                Ok(())
            }
        })
        .await
        .unwrap();
}

crate::conformance!(index_ranges_equal_scan_filter_sort);

async fn index_ranges_equal_scan_filter_sort(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let handle = tokio::runtime::Handle::current();
    let cases = match backend {
        Backend::Postgres => 24,
        _ => 48,
    };
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        prop::collection::vec(item(), 0..8),
        prop::collection::vec(range(), 1..4),
        prop::collection::vec(item(), 0..3),
    );
    let scan = || async {
        store
            .query(|ctx: QueryCtx| async move { ctx.db().items().scan().collect().await })
            .await
            .unwrap()
    };
    tokio::task::block_in_place(|| {
        runner
            .run(&strategy, |(items, ranges, extras)| {
                handle.block_on(async {
                    insert_all(&store, &items).await;
                    for range in &ranges {
                        let want = expected(&scan().await, range);
                        let (collected, paged) = actual(&store, range, &extras).await;
                        prop_assert_eq!(&collected, &want, "collect {:?}", range);
                        // Pages under concurrent inserts: every document that
                        // existed is seen once, and all in index order.
                        let after = expected(&scan().await, range);
                        let kept: Vec<&String> =
                            paged.iter().filter(|id| want.contains(id)).collect();
                        let wanted: Vec<&String> = want.iter().collect();
                        prop_assert_eq!(kept, wanted, "paginate {:?}", range);
                        let positions: Vec<Option<usize>> = paged
                            .iter()
                            .map(|id| after.iter().position(|a| a == id))
                            .collect();
                        prop_assert!(
                            positions.iter().all(Option::is_some)
                                && positions.windows(2).all(|w| w[0] < w[1]),
                            "pages out of range, order, or repeated {:?}: {:?}",
                            range,
                            positions
                        );
                    }
                    Ok(())
                })
            })
            .unwrap();
    });
}
