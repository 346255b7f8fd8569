//! `schemabridge diff`: every pair under `fixtures/diff/<case>/` (`old.yaml`,
//! `new.yaml`, and `exit_code`, the exit code expected) is run through the
//! CLI in each format and snapshotted; type containment is tested on its
//! own; `REV:PATH` is tested against a real git repository.

use std::path::{Path, PathBuf};
use std::process::Command;

use schemabridge::diff::subset::Subset;
use schemabridge::ir::{Schema, Ty, TypeBody};

mod support;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<PathBuf> {
    let dir = root().join("fixtures/diff");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("old.yaml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "too few cases in {}", dir.display());
    cases
}

/// Runs the CLI in-process; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (u8, String, String) {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut io = schemabridge::cli::Io {
        stdout: &mut stdout,
        stderr: &mut stderr,
        color: false,
    };
    let args = std::iter::once("schemabridge").chain(args.iter().copied());
    let code = schemabridge::cli::run(args, &mut io);
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (code, text(stdout), text(stderr))
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("fixtures/diff/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn every_pair_matches_its_snapshot_and_exit_code() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        // Relative paths, so the snapshots name files the same everywhere
        // (the test runs in the package root).
        let old = format!("fixtures/diff/{name}/old.yaml");
        let new = format!("fixtures/diff/{name}/new.yaml");
        let expected: u8 = std::fs::read_to_string(case.join("exit_code"))
            .unwrap_or_else(|e| panic!("{name}/exit_code: {e}"))
            .trim()
            .parse()
            .unwrap();
        let mut snapshot = String::new();
        for format in ["human", "json", "github"] {
            let (code, stdout, stderr) = run(&["diff", &old, &new, "--format", format]);
            assert_eq!(
                code, expected,
                "{name} --format {format}:\n{stdout}{stderr}"
            );
            if format == "json" {
                // Changes, or (a schema with errors) its diagnostics.
                let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                for entry in value.as_array().unwrap() {
                    if entry.get("severity").is_none() {
                        let class = entry["class"].as_str().unwrap_or("?");
                        assert!(
                            ["data", "client", "safe"].contains(&class),
                            "{name}: {class}"
                        );
                    }
                }
            }
            snapshot.push_str(&format!("--- {format} ---\n{stdout}"));
            if !stderr.is_empty() {
                snapshot.push_str(&format!("--- {format} (stderr) ---\n{stderr}"));
            }
        }
        settings().bind(|| insta::assert_snapshot!(format!("diff__{name}"), snapshot));
    }
}

/// A schema against itself: no changes, whatever it holds (recursion,
/// unions of every kind, documents).
#[test]
fn every_valid_schema_is_unchanged_against_itself() {
    for path in support::valid_schemas() {
        let text = std::fs::read_to_string(&path).unwrap();
        let old = schemabridge::load_str("old.yaml", &text).unwrap_or_else(|e| panic!("{e:?}"));
        let new = schemabridge::load_str("new.yaml", &text).unwrap();
        let changes = schemabridge::diff::diff(&old, &new);
        assert!(changes.is_empty(), "{}: {changes:#?}", path.display());
    }
}

fn schema(text: &str) -> Schema {
    schemabridge::load_str("s.yaml", text).unwrap_or_else(|e| panic!("{e:?}"))
}

/// The type of field `name` of table `t`.
fn field<'a>(schema: &'a Schema, name: &str) -> &'a Ty {
    let TypeBody::Object(object) = &schema.ty(schema.tables[0].fields).body else {
        panic!("not an object");
    };
    &object
        .fields
        .iter()
        .find(|f| f.name.wire == name)
        .unwrap_or_else(|| panic!("no field {name}"))
        .ty
}

/// Schema text with one table `t` holding `fields` (one `name: type` a line).
fn table(types: &str, fields: &str) -> String {
    let fields: String = fields
        .lines()
        .map(|l| format!("      {}\n", l.trim()))
        .collect();
    format!("version: 1\ntypes:\n{types}\ntables:\n  t:\n    fields:\n{fields}")
}

#[test]
fn containment_treats_types_as_sets_of_values() {
    let types = "  Lit:\n    value: float64\n  Add:\n    l: Expr\n    r: Expr\n  Expr: Lit | Add\n  Tree: array<Tree>\n  Obj:\n    a: string\n    b?: int64\n  Small:\n    a: string\n";
    let s = schema(&table(
        types,
        "str: string
        lit: '\"a\"'
        lits: '\"a\" | \"b\"'
        nullable: string | null
        num: float64
        one: 1
        int: int64
        bool: boolean
        t: 'true'
        tf: true | false
        ref: id<t>
        strs: string[]
        litarr: array<\"a\">
        expr: Expr
        tree: Tree
        obj: Obj
        small: Small
        rec: record<string, string | int64>
        any: any",
    ));
    let mut sub = Subset::closed(&s, &s);
    let mut yes = |a: &str, b: &str| sub.is_subset(field(&s, a), field(&s, b));
    // A literal is inside its base type, not the other way round.
    assert!(yes("lit", "str") && !yes("str", "lit"));
    assert!(yes("lit", "lits") && !yes("lits", "lit"));
    assert!(yes("one", "num") && !yes("num", "one"));
    assert!(yes("t", "bool") && !yes("bool", "t"));
    // `boolean` is exactly `true | false`.
    assert!(yes("bool", "tf") && yes("tf", "bool"));
    // `T` inside `T | null`.
    assert!(yes("str", "nullable") && !yes("nullable", "str"));
    // int64 travels as `{"$int64": …}`: not a float64.
    assert!(!yes("int", "num") && !yes("num", "int"));
    // An id is a string; a string is not an id.
    assert!(yes("ref", "str") && !yes("str", "ref"));
    assert!(yes("litarr", "strs") && !yes("strs", "litarr"));
    // Recursive types against themselves (coinduction).
    assert!(yes("expr", "expr") && yes("tree", "tree"));
    assert!(!yes("expr", "tree") && !yes("tree", "expr"));
    // Closed objects: an extra optional field accepts the smaller object,
    // and not the other way round.
    assert!(yes("small", "obj") && !yes("obj", "small"));
    // An object whose fields fit the values is a record.
    assert!(yes("small", "rec") && !yes("rec", "small"));
    // `any` holds everything and is inside nothing else.
    assert!(yes("expr", "any") && yes("obj", "any") && !yes("any", "str"));

    // Open (how a client reads results): unknown fields are ignored.
    let mut open = Subset::open(&s, &s);
    assert!(open.is_subset(field(&s, "obj"), field(&s, "small")));
}

#[test]
fn containment_across_schemas_follows_recursion() {
    // OLD: Expr = Lit | Add; NEW adds Neg. Every old Expr is a new one
    // (deep inside Add too), not the other way round.
    let old = schema(&table(
        "  Lit:\n    value: float64\n  Add:\n    l: Expr\n    r: Expr\n  Expr: Lit | Add\n",
        "e: Expr",
    ));
    let new = schema(&table(
        "  Lit:\n    value: float64\n  Neg:\n    x: Expr\n  Add:\n    l: Expr\n    r: Expr\n  Expr: Lit | Add | Neg\n",
        "e: Expr",
    ));
    assert!(Subset::closed(&old, &new).is_subset(field(&old, "e"), field(&new, "e")));
    assert!(!Subset::closed(&new, &old).is_subset(field(&new, "e"), field(&old, "e")));
    // A refuted pair is not assumed later on: asking twice gives the same.
    let mut back = Subset::closed(&new, &old);
    assert!(!back.is_subset(field(&new, "e"), field(&old, "e")));
    assert!(!back.is_subset(field(&new, "e"), field(&old, "e")));
}

/// A long chain of distinct nested types neither overflows the stack nor
/// reports a change against itself.
#[test]
fn a_deep_chain_of_types_is_compared_without_overflow() {
    let mut text = String::from("version: 1\ntypes:\n");
    let depth = 3000;
    for i in 0..depth {
        text.push_str(&format!("  T{i}:\n    next?: T{}\n    v: string\n", i + 1));
    }
    text.push_str(&format!("  T{depth}:\n    v: string\n"));
    text.push_str("tables:\n  t:\n    fields:\n      root: T0\n");
    let old = schema(&text);
    let new = schema(&text);
    assert!(schemabridge::diff::diff(&old, &new).is_empty());
    let narrowed = text.replace(
        &format!("  T{depth}:\n    v: string\n"),
        &format!("  T{depth}:\n    v: '\"x\"'\n"),
    );
    let changes = schemabridge::diff::diff(&old, &schema(&narrowed));
    assert!(schemabridge::diff::is_breaking(&changes), "{changes:#?}");
}

/// Deeper than containment goes (20,000 levels, after the walk's 5,000):
/// the change is taken as breaking, and says why.
#[test]
fn a_chain_too_deep_to_compare_is_taken_as_breaking() {
    let mut text = String::from("version: 1\ntypes:\n");
    let depth = 26_000;
    for i in 0..depth {
        text.push_str(&format!("  T{i}:\n    next?: T{}\n", i + 1));
    }
    text.push_str(&format!("  T{depth}:\n    v: string\n"));
    text.push_str("tables:\n  t:\n    fields:\n      root: T0\n");
    let (old, new) = (schema(&text), schema(&text));
    let changes = schemabridge::diff::diff(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert!(changes[0].class.is_breaking());
    assert!(
        changes[0].reason.contains("nest too deeply"),
        "{}",
        changes[0].reason
    );
    assert!(changes[0].message.len() < 200, "{}", changes[0].message);
}

#[test]
fn unreadable_inputs_are_usage_errors() {
    let (code, _, stderr) = run(&[
        "diff",
        "fixtures/diff/none/old.yaml",
        "fixtures/diff/identical/new.yaml",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot read fixtures/diff/none/old.yaml"),
        "{stderr}"
    );
    let (code, _, _) = run(&["diff", "fixtures/diff/identical/old.yaml"]);
    assert_eq!(code, 2);
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// `diff HEAD:schema.yaml schema.yaml` in a real repository, through the
/// real binary.
#[test]
fn old_version_is_read_from_git() {
    let dir = std::env::temp_dir().join(format!("schemabridge-diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let schema =
        "version: 1\ntables:\n  users:\n    fields:\n      name: string\n      email: string\n";
    std::fs::write(dir.join("schema.yaml"), schema).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "schema.yaml"]);
    git(&dir, &["commit", "-q", "-m", "schema"]);
    std::fs::write(
        dir.join("schema.yaml"),
        schema.replace("      email: string\n", ""),
    )
    .unwrap();

    let binary = env!("CARGO_BIN_EXE_schemabridge");
    let run = |args: &[&str]| {
        let output = Command::new(binary)
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (
            output.status.code(),
            text(output.stdout),
            text(output.stderr),
        )
    };
    let (code, stdout, stderr) = run(&[
        "diff",
        "HEAD:schema.yaml",
        "schema.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let changes: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(changes[0]["class"], "data");
    assert_eq!(changes[0]["message"], "field `users.email` removed");
    assert_eq!(changes[0]["old"]["file"], "HEAD:schema.yaml");
    assert_eq!(changes[0]["old"]["line"], 6);

    // GitHub annotations name the file in the working tree.
    let (_, stdout, _) = run(&[
        "diff",
        "HEAD:schema.yaml",
        "HEAD:schema.yaml",
        "--format",
        "github",
    ]);
    assert_eq!(stdout, "");
    let (code, stdout, _) = run(&["diff", "HEAD:schema.yaml", "schema.yaml"]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("╭─[HEAD:schema.yaml:6:7]"), "{stdout}");
    assert!(
        stdout.ends_with("1 breaking change (1 stored data, 0 clients), 0 safe\n"),
        "{stdout}"
    );

    // Two revisions: annotations go to the working tree's file (a removed
    // field at its table there).
    git(&dir, &["commit", "-q", "-am", "drop email"]);
    let (code, stdout, _) = run(&[
        "diff",
        "HEAD~1:schema.yaml",
        "HEAD:schema.yaml",
        "--format",
        "github",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(
        stdout,
        "::error file=schema.yaml,line=3,col=3,endLine=3,endColumn=8,title=schemabridge diff::\
         breaking (stored data): field `users.email` removed%0A\
         documents stored with it would be rejected\n"
    );
    // Unchanged against the commit: exit 0.
    let (code, stdout, _) = run(&["diff", "HEAD:schema.yaml", "schema.yaml"]);
    assert_eq!((code, stdout.as_str()), (Some(0), "no changes\n"));

    // A path git does not have, or a revision it does not know: exit 2.
    let (code, _, stderr) = run(&["diff", "HEAD:missing.yaml", "schema.yaml"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("`git show HEAD:missing.yaml` failed"),
        "{stderr}"
    );
    let (code, _, _) = run(&["diff", "no-such-rev:schema.yaml", "schema.yaml"]);
    assert_eq!(code, Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
