//! Generated bindings must compile under tsc as strict as a user's project
//! may be (tsconfig.json: `strict`, `noUnusedLocals`, `noUnusedParameters`,
//! `exactOptionalPropertyTypes`, …), with the current and the oldest
//! supported TypeScript; and tests/ts/usage.ts must type-check against
//! them, its `@ts-expect-error` lines proving that misuse does not; so
//! must tests/ts/usage-react.ts and usage-solid.ts against the React and
//! Solid bindings (`--react`, `--solid`) and the real `@types/react` and
//! `solid-js`. Each case is written to target/ts-compile/<case>/.

use std::path::{Path, PathBuf};

use schemabridge::emit::ts::{emit, emit_with, Frameworks};
use schemabridge::ir::Schema;

use super::cases::{self, Case};
use super::node::{repo_root, run, target_dir, write_file, Tsc};

/// Every schema whose bindings are compiled: the hand-built cases, then
/// schema.example.yaml and the valid fixtures through the checker.
fn all_cases() -> Vec<Case> {
    let mut cases = cases::all();
    cases.extend(cases::checked());
    cases
}

/// Writes the bindings of `schema` into `dir`.
fn write_bindings(dir: &Path, schema: &Schema) {
    for file in emit(schema) {
        write_file(&dir.join(&file.path), &file.contents);
    }
}

/// Writes the bindings of `schema` with `react.ts` and `solid.ts` into `dir`.
fn write_bindings_with_frameworks(dir: &Path, schema: &Schema) {
    let frameworks = Frameworks {
        react: true,
        solid: true,
    };
    for file in emit_with(schema, frameworks) {
        write_file(&dir.join(&file.path), &file.contents);
    }
}

/// A tsconfig in `dir` that extends the repository's and checks `include`,
/// as a browser project would: lib DOM and no Node types.
fn write_tsconfig(dir: &Path, include: &[&str]) -> PathBuf {
    let config = serde_json::json!({
        "extends": repo_root().join("tsconfig.json"),
        // skipLibCheck: solid-js's declarations name DOM events that
        // TypeScript 5.4's lib lacks. It skips only .d.ts files from
        // node_modules; every generated file is a .ts file, checked in full.
        "compilerOptions": { "noEmit": true, "lib": ["ES2022", "DOM"], "types": [], "skipLibCheck": true },
        "include": include,
        "exclude": [],
    });
    let path = dir.join("tsconfig.json");
    write_file(&path, &serde_json::to_string_pretty(&config).unwrap());
    // Relative imports ending in `.js` resolve as ES modules under NodeNext
    // only inside a `"type": "module"` package.
    write_file(&dir.join("package.json"), "{ \"type\": \"module\" }\n");
    path
}

fn check(tsc: Tsc, config: &Path, what: &str) {
    let mut command = tsc.command();
    command.arg("-p").arg(config).arg("--pretty").arg("false");
    run(command, what);
}

/// Every case, and usage.ts against the bindings of schema.example.yaml,
/// for one tsc run per compiler.
fn write_all() -> PathBuf {
    let root = target_dir().join("ts-compile");
    let cases = all_cases();
    remove_stale_cases(&root, &cases);
    for case in &cases {
        write_bindings(&root.join(&case.name), &case.schema);
    }
    let example = cases
        .iter()
        .find(|case| case.name == "checked-schema.example");
    let usage = root.join(USAGE);
    write_bindings_with_frameworks(&usage.join("generated"), &example.unwrap().schema);
    for name in USAGE_FILES {
        let source = std::fs::read_to_string(repo_root().join("tests/ts").join(name)).unwrap();
        write_file(&usage.join(name), &source);
    }
    write_tsconfig(&root, &["**/*.ts"])
}

const USAGE: &str = "usage";
const USAGE_FILES: [&str; 3] = ["usage.ts", "usage-react.ts", "usage-solid.ts"];

/// Removes the folders of cases that no longer exist, which tsc would
/// otherwise keep checking.
fn remove_stale_cases(root: &Path, cases: &[Case]) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let current = name == USAGE || cases.iter().any(|case| case.name == name);
        if entry.path().is_dir() && !current {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[test]
fn bindings_and_usage_compile_with_current_typescript() {
    check(Tsc::Current, &write_all(), "tsc over target/ts-compile");
}

#[test]
fn bindings_and_usage_compile_with_typescript_5_4() {
    check(Tsc::Oldest, &write_all(), "tsc 5.4 over target/ts-compile");
}

/// The harness itself: a type error must fail the run.
#[test]
fn a_type_error_fails_the_check() {
    let dir = target_dir().join("ts-compile-broken");
    write_bindings(&dir.join("generated"), &cases::by_name("example"));
    write_file(
        &dir.join("broken.ts"),
        "import { api, type UserDoc } from \"./generated/index.js\";\n\
         export const path: number = api.users.getProfile.path;\n\
         export const doc: UserDoc | undefined = undefined;\n",
    );
    let config = write_tsconfig(&dir, &["**/*.ts"]);
    let mut command = Tsc::Current.command();
    command.arg("-p").arg(&config).arg("--pretty").arg("false");
    let output = command.output().expect("cannot run tsc");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success(),
        "tsc accepted a type error:\n{stdout}"
    );
    assert!(stdout.contains("broken.ts(2,14): error TS2322"), "{stdout}");
}
