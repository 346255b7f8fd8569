//! `diff` never calls safe a change that breaks someone.
//!
//! Pairs of schemas are built from the valid fixtures, the schemas of the
//! `diff` fixtures and `fixtures/diff/property/` (a named type shared
//! through arrays, records, unions, optional and nullable places): a few
//! random edits ([`mutate`]) of one version make the other, in either
//! order. Values are drawn from the types of one side and checked against
//! the other by an interpreter of the model that shares no code with `diff`
//! ([`values`]). At each place, a value that the change turns away must
//! come with a breaking change reported at that place:
//!
//! | place | values from | checked against | if rejected, `diff` must say |
//! |---|---|---|---|
//! | table | OLD's fields | NEW's, closed | `breaking (stored data)` for the table |
//! | arguments | OLD's | NEW's, closed | `breaking (clients)` for the function |
//! | result | NEW's | OLD's, open | `breaking (clients)` for the function |
//!
//! Results are checked open because a client ignores result fields it does
//! not know (SPEC §2: a field added to a result breaks no one).
//!
//! `PROPTEST_CASES` sets the number of pairs (default 1500);
//! `PROPTEST_RNG_SEED` replays a run. A failure prints the edits, shrunk.

use std::cell::Cell;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

/// The seed of the cases CI runs.
const SEED: [u8; 32] = *b"schemabridge diff property seed!";
use schemabridge::diff::{Change, Class};
use schemabridge::ir::{Schema, Ty, TypeBody};
use serde_json::{json, Value};

#[path = "proptest_diff/mutate.rs"]
mod mutate;
mod support;
#[path = "proptest_diff/values.rs"]
mod values;

use values::{Checker, Generator, Pools, Rng};

/// Values drawn per table, arguments and result of each pair.
const VALUES: usize = 8;

/// A pair to edit: a schema against itself, or the two versions of a
/// `diff` fixture.
struct Base {
    name: String,
    old: Schema,
    new: Schema,
}

fn load(path: &Path) -> Option<Schema> {
    let text = std::fs::read_to_string(path).ok()?;
    schemabridge::load_str(&path.display().to_string(), &text).ok()
}

fn bases() -> Vec<Base> {
    let root = support::repo_root();
    let mut singles = support::valid_schemas();
    let property = root.join("fixtures/diff/property");
    let mut pairs = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(root.join("fixtures/diff"))
        .expect("fixtures/diff exists")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for dir in entries {
        if dir == property {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .expect("fixtures/diff/property exists")
                .map(|e| e.expect("a directory entry").path())
                .collect();
            files.sort();
            singles.extend(files);
        } else if let (Some(old), Some(new)) =
            (load(&dir.join("old.yaml")), load(&dir.join("new.yaml")))
        {
            let name = dir
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            pairs.push(Base { name, old, new });
        }
    }
    let mut bases: Vec<Base> = singles
        .iter()
        .map(|path| {
            let schema = load(path).unwrap_or_else(|| panic!("{} is valid", path.display()));
            let name = path
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            Base {
                name,
                old: schema.clone(),
                new: schema,
            }
        })
        .collect();
    bases.extend(pairs);
    bases
}

/// What a run did, for its report.
#[derive(Default)]
struct Counts {
    pairs: Cell<usize>,
    values: Cell<usize>,
    /// Values the change turned away, each of which needed a breaking change.
    rejected: Cell<usize>,
    /// Pairs with at least one such value.
    breaking_pairs: Cell<usize>,
}

fn bump(cell: &Cell<usize>) {
    cell.set(cell.get() + 1);
}

/// Whether `change` is about table `table`.
fn about_table(change: &Change, table: &str) -> bool {
    change.message == format!("table `{table}` removed")
        || change.message.contains(&format!("field `{table}."))
}

/// Whether `change` is about function `function` (`module.function`).
fn about_function(change: &Change, function: &str) -> bool {
    change.message.contains(&format!(" of `{function}`"))
        || change
            .message
            .starts_with(&format!("function `{function}` "))
}

struct Pair<'a> {
    old: &'a Schema,
    new: &'a Schema,
    changes: Vec<Change>,
    edits: &'a [String],
}

impl Pair<'_> {
    /// Fails unless `diff` reported a change of `class` at `place`.
    fn require(
        &self,
        class: Class,
        place: &str,
        about: impl Fn(&Change) -> bool,
        value: &Value,
    ) -> Result<(), TestCaseError> {
        if self.changes.iter().any(|c| c.class == class && about(c)) {
            return Ok(());
        }
        let changes: Vec<String> = self
            .changes
            .iter()
            .map(|c| format!("  {}: {}", c.class.as_str(), c.message))
            .collect();
        Err(TestCaseError::fail(format!(
            "{place}: {value} is turned away, but diff has no `{}` there\n\
             edits:\n  {}\ndiff says:\n{}",
            class.as_str(),
            self.edits.join("\n  "),
            if changes.is_empty() {
                "  no changes".to_string()
            } else {
                changes.join("\n")
            }
        )))
    }
}

/// Draws values at every place both versions have and checks each one.
fn check_pair(pair: &Pair<'_>, seed: u64, counts: &Counts) -> Result<(), TestCaseError> {
    let (old, new) = (pair.old, pair.new);
    let pools = Pools::of(&[old, new]);
    let (mut from_old, mut from_new) = (Generator::new(old, &pools), Generator::new(new, &pools));
    let (old_closed, new_closed) = (Checker::closed(old), Checker::closed(new));
    let old_open = Checker::open(old);
    let mut rng = Rng::new(seed);
    let mut rejected = 0;
    // A value of `from` (as `own` reads it: the generator and the checker
    // must agree), and whether `other` holds it as a value of `to`.
    let mut draw = |generator: &mut Generator<'_>,
                    (own, other): (&Checker<'_>, &Checker<'_>),
                    (from, to): (&Ty, &Ty)|
     -> Result<Option<(Value, bool)>, TestCaseError> {
        let Some(value) = generator.value(from, &mut rng) else {
            return Ok(None);
        };
        prop_assert!(
            own.holds(from, &value),
            "a drawn value its own type rejects: {}",
            value
        );
        bump(&counts.values);
        let holds = other.holds(to, &value);
        if !holds {
            bump(&counts.rejected);
            rejected += 1;
        }
        Ok(Some((value, holds)))
    };

    for table in &old.tables {
        let Some(other) = new.tables.iter().find(|t| t.name == table.name) else {
            continue;
        };
        let (from, to) = (Ty::Named(table.fields), Ty::Named(other.fields));
        for _ in 0..VALUES {
            let checkers = (&old_closed, &new_closed);
            let Some((value, holds)) = draw(&mut from_old, checkers, (&from, &to))? else {
                break;
            };
            if !holds {
                let place = format!("table `{}`", table.name);
                pair.require(Class::Data, &place, |c| about_table(c, &table.name), &value)?;
            }
        }
    }

    for module in &old.modules {
        for function in &module.functions {
            let name = format!("{}.{}", module.name.wire, function.name.wire);
            let Some(other) = new
                .modules
                .iter()
                .filter(|m| m.name.wire == module.name.wire)
                .flat_map(|m| &m.functions)
                .find(|f| f.name.wire == function.name.wire)
            else {
                continue;
            };
            // No client calls an internal function: what it accepts and
            // returns is the server's own business (making a public one
            // internal is breaking, and reported at the function).
            if function.internal {
                continue;
            }
            let about = |c: &Change| about_function(c, &name);
            let (from, to) = (Ty::Named(function.args), Ty::Named(other.args));
            for _ in 0..VALUES {
                let checkers = (&old_closed, &new_closed);
                let Some((value, holds)) = draw(&mut from_old, checkers, (&from, &to))? else {
                    break;
                };
                if !holds {
                    let place = format!("arguments of `{name}`");
                    pair.require(Class::Client, &place, about, &value)?;
                }
            }
            for _ in 0..VALUES {
                let types = (&other.returns, &function.returns);
                let Some((value, holds)) = draw(&mut from_new, (&new_closed, &old_open), types)?
                else {
                    break;
                };
                if !holds {
                    let place = format!("result of `{name}`");
                    pair.require(Class::Client, &place, about, &value)?;
                }
            }
        }
    }
    if rejected > 0 {
        bump(&counts.breaking_pairs);
    }
    Ok(())
}

#[derive(Debug, Clone)]
struct Case {
    base: usize,
    /// Edit OLD instead of NEW.
    swap: bool,
    edits: Vec<u64>,
    values: u64,
}

fn case(bases: usize) -> impl Strategy<Value = Case> {
    (
        0..bases,
        any::<bool>(),
        prop::collection::vec(any::<u64>(), 0..4),
        any::<u64>(),
    )
        .prop_map(|(base, swap, edits, values)| Case {
            base,
            swap,
            edits,
            values,
        })
}

fn run_case(bases: &[Base], case: &Case, counts: &Counts) -> Result<(), TestCaseError> {
    let base = &bases[case.base];
    let mut edited = if case.swap {
        base.old.clone()
    } else {
        base.new.clone()
    };
    let mut edits = vec![format!(
        "base: {} (edits to {})",
        base.name,
        if case.swap { "OLD" } else { "NEW" }
    )];
    edits.extend(
        case.edits
            .iter()
            .map(|seed| mutate::mutate(&mut edited, *seed)),
    );
    let (old, new) = if case.swap {
        (&edited, &base.new)
    } else {
        (&base.old, &edited)
    };
    let pair = Pair {
        old,
        new,
        changes: schemabridge::diff::diff(old, new),
        edits: &edits,
    };
    bump(&counts.pairs);
    check_pair(&pair, case.values, counts)
}

#[test]
fn diff_reports_every_change_that_turns_values_away() {
    let bases = bases();
    assert!(bases.len() > 20, "too few schemas: {}", bases.len());
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1500);
    let config = Config {
        cases,
        // A failure prints its edits; no regression files in the repo.
        failure_persistence: None,
        // Shrinking a large model can take very long; a failure is
        // reported with what a minute of shrinking found.
        max_shrink_time: 60_000,
        ..Config::default()
    };
    let counts = Counts::default();
    let started = std::time::Instant::now();
    // The same cases on every run, so that CI is reproducible; a longer or
    // different exploration is PROPTEST_CASES=… with another seed below.
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &SEED);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&case(bases.len()), |case| run_case(&bases, &case, &counts));
    eprintln!(
        "diff property: {} pairs, {} values, {} turned away (in {} pairs), {:.1?}",
        counts.pairs.get(),
        counts.values.get(),
        counts.rejected.get(),
        counts.breaking_pairs.get(),
        started.elapsed()
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, case)) => panic!("{reason}\ncase: {case:?}"),
        Err(other) => panic!("{other}"),
    }
    // The property only bites where values are turned away: most edits
    // must turn some away, or the test proves little.
    assert!(
        counts.breaking_pairs.get() * 3 >= counts.pairs.get(),
        "only {} of {} pairs turned a value away",
        counts.breaking_pairs.get(),
        counts.pairs.get()
    );
}

/// The interpreter reads types as SPEC §1.1 and §3 do, on the points
/// `diff`'s verdicts turn on.
#[test]
fn the_value_checker_reads_types_as_the_spec_does() {
    let text = "version: 1\ntypes:\n  Item:\n    a: string\n    b?: float64\n\
                tables:\n  t:\n    fields:\n      items: Item[]\n      ref: id<t>\n\
                \x20     count: int64\n      note: string | null\n      level: 1 | 2\n";
    let schema = schemabridge::load_str("s.yaml", text).unwrap_or_else(|e| panic!("{e:?}"));
    let TypeBody::Object(table) = &schema.ty(schema.tables[0].fields).body else {
        panic!("a table's fields are an object");
    };
    let field = |name: &str| {
        &table
            .fields
            .iter()
            .find(|f| f.name.wire == name)
            .unwrap()
            .ty
    };
    let (closed, open) = (Checker::closed(&schema), Checker::open(&schema));
    let holds = |name: &str, value: Value| closed.holds(field(name), &value);

    assert!(holds("items", json!([{ "a": "x" }, { "a": "", "b": 1.5 }])));
    // Required fields are required; unknown fields are refused, unless
    // read the way a client reads a result.
    assert!(!holds("items", json!([{ "b": 1.5 }])));
    assert!(!holds("items", json!([{ "a": "x", "c": "y" }])));
    assert!(open.holds(field("items"), &json!([{ "a": "x", "c": "y" }])));
    // An id is a string of its table; a string is no id.
    assert!(holds("ref", json!("id:t:1")) && !holds("ref", json!("x")));
    // int64 travels wrapped, so a plain number is none.
    assert!(holds("count", json!({ "$int64": "5" })) && !holds("count", json!(5)));
    assert!(holds("note", json!(null)) && holds("note", json!("n")) && !holds("note", json!(1)));
    assert!(holds("level", json!(2)) && !holds("level", json!(3)));

    // Every value drawn is one its own type holds.
    let pools = Pools::of(&[&schema]);
    let mut generator = Generator::new(&schema, &pools);
    let mut rng = Rng::new(7);
    let whole = Ty::Named(schema.tables[0].fields);
    for _ in 0..100 {
        let value = generator.value(&whole, &mut rng).expect("a finite type");
        assert!(closed.holds(&whole, &value), "{value}");
    }
}
