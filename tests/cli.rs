//! The command line through the real binary: exit codes of SPEC §2, the
//! output formats of `check`, `init`, `json-schema`, and every `--help`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemabridge"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const BROKEN: &str = "version: 1\ntables:\n  users:\n    fields:\n      tags: array<strng>\n      mood: string | \"calm\"\n";

#[test]
fn check_exit_codes_and_formats() {
    let dir = scratch("check");
    std::fs::write(dir.join("broken.yaml"), BROKEN).unwrap();
    std::fs::write(
        dir.join("warned.yaml"),
        "version: 1\ntables:\n  t:\n    fields:\n      a: string | \"x\"\n",
    )
    .unwrap();

    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.example.yaml");
    let ok = run(&dir, &["check", example.to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(ok.stderr.is_empty());

    let human = run(&dir, &["check", "broken.yaml"]);
    assert_eq!(human.status.code(), Some(1));
    let stderr = text(&human.stderr);
    assert!(
        stderr.contains(
            "error[schemabridge::unknown_type]: unknown type `strng`\n  ╭─[broken.yaml:5:19]"
        ) && stderr.contains("help: did you mean `string`?"),
        "{stderr}"
    );
    assert!(stderr.contains("broken.yaml:5:19"), "{stderr}");
    assert!(
        stderr.ends_with("broken.yaml: 1 error, 1 warning\n"),
        "{stderr}"
    );

    let json = run(&dir, &["check", "broken.yaml", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let entries: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        entries[0],
        serde_json::json!({
            "severity": "error", "code": "schemabridge::unknown_type", "message": "unknown type `strng`",
            "file": "broken.yaml", "line": 5, "column": 19, "endLine": 5, "endColumn": 24,
            "help": "did you mean `string`?"
        })
    );
    assert_eq!(entries[1]["severity"], "warning");

    let github = run(&dir, &["check", "broken.yaml", "--format", "github"]);
    let annotations = text(&github.stdout);
    assert!(
        annotations.starts_with("::error file=broken.yaml,line=5,col=19,endLine=5,endColumn=24,title=schemabridge%3A%3Aunknown_type::unknown type `strng`%0Ahelp: did you mean `string`?\n"),
        "{annotations}"
    );
    assert!(
        annotations.contains("::warning file=broken.yaml,line=6"),
        "{annotations}"
    );

    // Warnings pass unless denied.
    assert_eq!(run(&dir, &["check", "warned.yaml"]).status.code(), Some(0));
    assert_eq!(
        run(&dir, &["check", "warned.yaml", "--deny-warnings"])
            .status
            .code(),
        Some(1)
    );

    // Usage and I/O errors are 2, and never a panic.
    let missing = run(&dir, &["check", "nope.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).starts_with("error: cannot read nope.yaml"));
    assert_eq!(
        run(&dir, &["check", "--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&dir, &["frobnicate"]).status.code(), Some(2));
}

#[test]
fn check_defaults_to_schema_yaml() {
    let dir = scratch("default");
    std::fs::write(dir.join("schema.yaml"), BROKEN).unwrap();
    let output = run(&dir, &["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("schema.yaml:5:19"));
}

#[test]
fn init_writes_a_valid_starter_and_never_overwrites() {
    let dir = scratch("init");
    let first = run(&dir, &["init"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let written = std::fs::read_to_string(dir.join("schema.yaml")).unwrap();
    assert_eq!(
        run(&dir, &["check"]).status.code(),
        Some(0),
        "the starter schema has problems"
    );
    std::fs::write(dir.join("schema.yaml"), "mine\n").unwrap();
    let second = run(&dir, &["init"]);
    assert_eq!(second.status.code(), Some(2));
    assert!(text(&second.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.join("schema.yaml")).unwrap(),
        "mine\n"
    );
    assert!(written.contains("version: 1"));
}

/// The starter points YAML editors at the JSON Schema, which `init`
/// writes beside it unless one is there; missing folders are created.
#[test]
fn init_writes_the_json_schema_beside_the_starter() {
    let dir = scratch("init-json-schema");
    let printed = run(&dir, &["json-schema"]).stdout;

    let nested = run(&dir, &["init", "nested/dir/schema.yaml"]);
    assert_eq!(nested.status.code(), Some(0), "{}", text(&nested.stderr));
    let schema = std::fs::read_to_string(dir.join("nested/dir/schema.yaml")).unwrap();
    assert_eq!(
        schema.lines().next(),
        Some("# yaml-language-server: $schema=./schemabridge.schema.json")
    );
    assert_eq!(
        std::fs::read(dir.join("nested/dir/schemabridge.schema.json")).unwrap(),
        printed
    );
    assert!(text(&nested.stdout).contains("schemabridge.schema.json"));

    std::fs::write(dir.join("schemabridge.schema.json"), "{}\n").unwrap();
    let beside_own = run(&dir, &["init"]);
    assert_eq!(
        beside_own.status.code(),
        Some(0),
        "{}",
        text(&beside_own.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("schemabridge.schema.json")).unwrap(),
        "{}\n",
        "an existing JSON Schema was overwritten"
    );
    assert!(text(&beside_own.stdout).contains("kept the existing"));
}

#[test]
fn json_schema_is_printed() {
    let dir = scratch("json-schema");
    let output = run(&dir, &["json-schema"]);
    assert_eq!(output.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["title"], "schemabridge schema");
}

#[test]
fn help_texts() {
    let dir = scratch("help");
    for command in [
        &["--help"][..],
        &["check", "--help"],
        &["generate", "--help"],
        &["diff", "--help"],
        &["init", "--help"],
        &["json-schema", "--help"],
    ] {
        let output = run(&dir, command);
        assert_eq!(output.status.code(), Some(0));
        let name = if command[0] == "--help" {
            "schemabridge"
        } else {
            command[0]
        };
        insta::assert_snapshot!(format!("help_{name}"), text(&output.stdout));
    }
}
