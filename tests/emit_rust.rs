//! Snapshot tests of the Rust emitter over hand-built models
//! (`rust-compile/cases.rs`); `emit_rust_compile` compiles the same output.

#[path = "rust-compile/builder.rs"]
mod builder;
#[path = "rust-compile/cases.rs"]
mod cases;

use schemabridge::emit::rust::emit;

fn assert_emits(name: &str, schema: &schemabridge::ir::Schema) {
    // The header names the tool's version; a release should not churn
    // every snapshot.
    let rust = emit(schema).replacen(env!("CARGO_PKG_VERSION"), "[version]", 1);
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("emit_rust__{name}"), rust);
    });
}

macro_rules! snapshot_tests {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                assert_emits(stringify!($case), &cases::$case());
            }
        )*

        /// A case added to `cases::all` without a snapshot test would be
        /// compiled but never read.
        #[test]
        fn every_case_has_a_snapshot_test() {
            let tested = [$(stringify!($case)),*];
            let all = cases::all().into_iter().map(|(name, _)| name).collect::<Vec<_>>();
            assert_eq!(all, tested);
        }
    };
}

snapshot_tests!(
    empty,
    every_ty,
    optional_fields,
    names_and_docs,
    unions,
    recursion,
    tables,
    tables_grown,
    modules,
    shadowing,
);

/// A blank line goes between the methods of a `Handlers` trait, and none
/// inside one, even after a doc line that ends like a signature does.
#[test]
fn trait_methods_are_separated_by_one_blank_line() {
    let mut schema = cases::modules();
    schema.modules[0].functions[0].doc = Some("Reads one user;\nnull if there is none;".into());
    let rust = emit(&schema);
    let expected = "        /// Reads one user;\n        /// null if there is none;\n        fn get_profile(\n";
    assert!(rust.contains(expected), "{rust}");
    assert!(rust.contains(">,\n        > + ::std::marker::Send;\n\n        fn create(\n"));
}

/// `--rust-client` declares `SchemaBridgeClient` at the root and `Client` in
/// every module, so the checker keeps schemas off those names whether or
/// not the client is generated (adding the flag never breaks a schema).
#[test]
fn the_client_names_are_reserved() {
    let schema = "version: 1\ntables: {}\ntypes:\n  SchemaBridgeClient:\n    name: string\n\
                  functions:\n  users:\n    get:\n      kind: query\n      args:\n        \
                  filter:\n          $name: Client\n          name: string\n";
    let checked = schemabridge::check_str("schema.yaml", schema);
    let messages: Vec<_> = checked
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "`SchemaBridgeClient` is a name the generated code uses itself",
            "two types are named `Client` in the generated Rust",
        ]
    );
}
