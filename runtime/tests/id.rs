//! `Id<T>` is a string on the wire and a full-featured key in Rust, whatever `T` is.

use schemabridge_runtime::Id;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

/// A row type that implements nothing, not even `Debug`.
struct User;

/// A row type that is neither `Send` nor `Sync`.
struct Local(#[allow(dead_code)] Rc<()>);

fn assert_send_sync<T: Send + Sync + 'static>() {}

#[test]
fn needs_no_bounds_on_its_table_type() {
    assert_send_sync::<Id<User>>();
    assert_send_sync::<Id<Local>>();

    let a: Id<User> = Id::new("a");
    let b = a.clone();
    assert_eq!(a, b);
    assert!(Id::<User>::new("a") < Id::new("b"));
    assert_eq!(format!("{a:?}"), r#"Id("a")"#);
    assert_eq!(a.to_string(), "a");
    assert_eq!(a.as_str(), "a");
    assert_eq!(HashSet::from([a.clone(), b]).len(), 1);
    assert_eq!(Id::<User>::from(String::from("x")).into_string(), "x");
    assert_eq!(String::from(a), "a");
}

#[test]
fn serializes_as_a_string() {
    let id: Id<User> = Id::new("k57a3\"x");
    assert_eq!(serde_json::to_string(&id).unwrap(), r#""k57a3\"x""#);
}

#[test]
fn works_as_a_map_key() {
    let mut karma: BTreeMap<Id<User>, i32> = BTreeMap::new();
    karma.insert(Id::new("b"), 2);
    karma.insert(Id::new("a"), 1);
    let json = serde_json::to_string(&karma).unwrap();
    assert_eq!(json, r#"{"a":1,"b":2}"#);
    // Borrow<str>: look up without building an id.
    assert_eq!(karma.get("b"), Some(&2));
}
