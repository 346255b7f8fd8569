//! Tables, indexes and functions, matched by name between the versions.
//!
//! | change | class | why |
//! |---|---|---|
//! | table removed (or renamed: removed + added) | data | its documents have no table |
//! | table added | safe | no stored document is affected |
//! | index added, removed or changed | safe | indexes do not constrain documents |
//! | function removed | clients | OLD clients calling it get `not_found` |
//! | function kind changed | clients | OLD clients call it with the old kind |
//! | function added | safe | OLD clients do not call it |
//! | internal function removed, added or changed | safe | clients never call it |
//! | function made internal | clients | OLD clients calling it get `not_found` |
//! | function no longer internal | safe | OLD clients do not call it |
//!
//! Fields, arguments and results follow the rules of [`super::walk`].

use std::collections::HashMap;

use super::walk::{object_fields, At, Role, Site, Walker};
use super::Class;
use crate::ir::{Function, Index, Schema, Table};

pub(super) fn tables(walker: &mut Walker<'_>) {
    let (old, new) = (walker.old, walker.new);
    let by_name: HashMap<&str, &Table> = new.tables.iter().map(|t| (t.name.as_str(), t)).collect();
    for table in &old.tables {
        let Some(other) = by_name.get(table.name.as_str()) else {
            walker.push(
                Class::Data,
                format!("table `{}` removed", table.name),
                "documents stored in it have no table under NEW",
                Some((table.span, "removed".into())),
                None,
            );
            continue;
        };
        let site = Site {
            role: Role::Data,
            item: &table.name,
        };
        let (a, b) = (
            object_fields(old, table.fields),
            object_fields(new, other.fields),
        );
        walker.fields(&site, &mut Vec::new(), (a, b), other.span);
        indexes(walker, table, other);
    }
    for table in &new.tables {
        if !old.tables.iter().any(|t| t.name == table.name) {
            walker.push(
                Class::Safe,
                format!("table `{}` added", table.name),
                "no stored document is affected",
                None,
                Some((table.span, "added".into())),
            );
        }
    }
}

fn indexes(walker: &mut Walker<'_>, old: &Table, new: &Table) {
    const REASON: &str = "indexes do not change which documents are valid";
    let subject = |index: &Index| format!("index `{}` of `{}`", index.name, old.name);
    for index in &old.indexes {
        match new.indexes.iter().find(|i| i.name == index.name) {
            None => walker.push(
                Class::Safe,
                format!("{} removed", subject(index)),
                REASON,
                Some((index.span, "removed".into())),
                None,
            ),
            Some(other) if other.fields != index.fields => walker.push(
                Class::Safe,
                format!(
                    "{} changed from {} to {}",
                    subject(index),
                    paths(index),
                    paths(other)
                ),
                REASON,
                Some((index.span, format!("was {}", paths(index)))),
                Some((other.span, format!("now {}", paths(other)))),
            ),
            Some(_) => {}
        }
    }
    for index in &new.indexes {
        if !old.indexes.iter().any(|i| i.name == index.name) {
            walker.push(
                Class::Safe,
                format!("{} added", subject(index)),
                REASON,
                None,
                Some((index.span, "added".into())),
            );
        }
    }
}

/// An index's fields as the schema writes them: `[clerkId, birthDetails.date]`.
fn paths(index: &Index) -> String {
    let paths: Vec<String> = index.fields.iter().map(|p| p.join(".")).collect();
    format!("[{}]", paths.join(", "))
}

pub(super) fn functions(walker: &mut Walker<'_>) {
    let (old, new) = (walker.old, walker.new);
    let new_functions = by_name(new);
    let old_functions = by_name(old);
    for module in &old.modules {
        for function in &module.functions {
            let name = format!("{}.{}", module.name.wire, function.name.wire);
            match new_functions.get(&name) {
                None if function.internal => walker.push(
                    Class::Safe,
                    format!("internal function `{name}` removed"),
                    INTERNAL,
                    Some((function.span, "removed".into())),
                    None,
                ),
                None => walker.push(
                    Class::Client,
                    format!("function `{name}` removed"),
                    "clients built from OLD that call it get `not_found`",
                    Some((function.span, "removed".into())),
                    None,
                ),
                Some(other) => match (function.internal, other.internal) {
                    (false, false) => compare(walker, &name, function, other),
                    (true, true) => compare_internal(walker, &name, function, other),
                    (false, true) => walker.push(
                        Class::Client,
                        format!("function `{name}` made internal"),
                        "clients built from OLD that call it get `not_found`",
                        Some((function.span, "served".into())),
                        Some((other.span, "now internal".into())),
                    ),
                    (true, false) => walker.push(
                        Class::Safe,
                        format!("function `{name}` no longer internal"),
                        "clients built from OLD do not call it",
                        Some((function.span, "internal".into())),
                        Some((other.span, "now served".into())),
                    ),
                },
            }
        }
    }
    for module in &new.modules {
        for function in &module.functions {
            let name = format!("{}.{}", module.name.wire, function.name.wire);
            if !old_functions.contains_key(&name) {
                let (what, reason) = match function.internal {
                    true => ("internal function", INTERNAL),
                    false => ("function", "clients built from OLD do not call it"),
                };
                walker.push(
                    Class::Safe,
                    format!("{what} `{name}` added"),
                    reason,
                    None,
                    Some((function.span, "added".into())),
                );
            }
        }
    }
}

/// Every function of a schema by `module.function`.
fn by_name(schema: &Schema) -> HashMap<String, &Function> {
    let mut map = HashMap::new();
    for module in &schema.modules {
        for function in &module.functions {
            map.insert(
                format!("{}.{}", module.name.wire, function.name.wire),
                function,
            );
        }
    }
    map
}

const INTERNAL: &str = "internal functions are not served: no client calls them";

/// Changes to a function that is internal in both versions are reported
/// but safe. They are found by a walker of their own, so that a type
/// compared here is still compared (and judged) where clients use it.
fn compare_internal(walker: &mut Walker<'_>, name: &str, old: &Function, new: &Function) {
    let mut scratch = Walker::new(walker.old, walker.new);
    compare(&mut scratch, name, old, new);
    for mut change in scratch.changes {
        change.class = Class::Safe;
        change.reason = INTERNAL.to_string();
        walker.changes.push(change);
    }
}

fn compare<'a>(walker: &mut Walker<'a>, name: &str, old: &'a Function, new: &'a Function) {
    if old.kind != new.kind {
        let (was, now) = (old.kind.as_str(), new.kind.as_str());
        walker.push(
            Class::Client,
            format!("function `{name}` changed from {was} to {now}"),
            &format!("clients built from OLD call it as {} {was}", article(was)),
            Some((old.span, format!("{} {was}", article(was)))),
            Some((new.span, format!("now {} {now}", article(now)))),
        );
    }
    let a = object_fields(walker.old, old.args);
    let b = object_fields(walker.new, new.args);
    let args = Site {
        role: Role::Arg,
        item: name,
    };
    walker.fields(&args, &mut Vec::new(), (a, b), new.span);
    let result = Site {
        role: Role::Result,
        item: name,
    };
    let at = At {
        old: old.span,
        new: new.span,
    };
    walker.walk(&result, &mut Vec::new(), &old.returns, &new.returns, at);
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with('a') {
        "an"
    } else {
        "a"
    }
}
