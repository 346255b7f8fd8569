//! The macro's expansion, computed outside the compiler: for every valid
//! fixture it is the file `schemabridge generate --rust-out` writes (plus
//! the line that tracks the schema), and a schema with errors expands to
//! one `compile_error!` per error carrying the rendered diagnostic.

#[path = "../src/expand.rs"]
mod expand;
#[path = "../src/options.rs"]
mod options;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use schemabridge::diagnostics::render::{self, Style};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn repo_root() -> PathBuf {
    manifest_dir().parent().unwrap().to_path_buf()
}

/// `include_schema!(<input>)` for this crate's manifest directory.
fn expand_input(input: TokenStream) -> TokenStream {
    expand::include_schema(input, Some(manifest_dir()))
}

fn expand_path(relative: &str) -> TokenStream {
    expand_input(quote!(#relative))
}

/// Every `fixtures/valid/*.yaml` and the example schema, as paths relative
/// to this crate.
fn valid_schemas() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("fixtures/valid"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .map(|name| format!("../fixtures/valid/{name}"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 5,
        "the valid fixtures are missing: {names:?}"
    );
    names.push("../schema.example.yaml".to_owned());
    names
}

/// What the command line writes for `schema`, through its real argument
/// parsing and file writing.
fn cli_output(schema: &Path, name: &str, extra: &[&str]) -> String {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("macro-expansion")
        .join(format!("{name}.rs"));
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut io = schemabridge::cli::Io {
        stdout: &mut stdout,
        stderr: &mut stderr,
        color: false,
    };
    let mut args = vec![
        "schemabridge".as_ref(),
        "generate".as_ref(),
        schema.as_os_str(),
        "--rust-out".as_ref(),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let code = schemabridge::cli::run(args, &mut io);
    assert_eq!(
        code,
        0,
        "generate failed: {}",
        String::from_utf8_lossy(&stderr)
    );
    std::fs::read_to_string(&out).unwrap()
}

/// The expansion's items: the tracking constant first, then the rest.
fn split_tracking(expansion: TokenStream) -> (syn::Item, Vec<syn::Item>) {
    let file: syn::File = syn::parse2(expansion).expect("the expansion parses as items");
    let mut items = file.items.into_iter();
    let first = items.next().expect("the expansion has items");
    (first, items.collect())
}

fn include_bytes_path(item: &syn::Item) -> String {
    let syn::Item::Const(constant) = item else {
        panic!(
            "the first item is not the tracking constant: {}",
            item.to_token_stream()
        );
    };
    assert_eq!(constant.ident, "_");
    let syn::Expr::Macro(call) = &*constant.expr else {
        panic!("the tracking constant is not an include_bytes! call");
    };
    assert!(call.mac.path.segments.last().unwrap().ident == "include_bytes");
    let literal: syn::LitStr = call.mac.parse_body().unwrap();
    literal.value()
}

#[test]
fn expansion_is_the_generated_file_for_every_valid_schema() {
    assert_same_as_cli(&[], |relative| quote!(#relative));
}

#[test]
fn with_rust_client_the_expansion_is_what_generate_rust_client_writes() {
    assert_same_as_cli(
        &["--rust-client"],
        |relative| quote!(#relative, rust_client = true),
    );
    // And the option makes a difference.
    let relative = "../schema.example.yaml";
    let with = expand_input(quote!(#relative, rust_client = true)).to_string();
    let without = expand_input(quote!(#relative, rust_client = false)).to_string();
    assert!(with.contains("SchemaBridgeClient") && !without.contains("SchemaBridgeClient"));
    assert_eq!(without, expand_path(relative).to_string());
}

/// The expansion of `input(path)` against `generate path --rust-out FILE
/// <cli_flags>`, item by item, for every valid schema.
fn assert_same_as_cli(cli_flags: &[&str], input: impl Fn(&str) -> TokenStream) {
    for relative in valid_schemas() {
        let schema = manifest_dir().join(&relative);
        let stem = schema.file_stem().unwrap().to_string_lossy().into_owned();
        let generated = cli_output(&schema, &format!("{stem}{}", cli_flags.join("")), cli_flags);
        let expected = syn::parse_file(&generated).expect("the generated file parses");

        let (tracking, items) = split_tracking(expand_input(input(&relative)));
        assert_eq!(
            Path::new(&include_bytes_path(&tracking)),
            schema,
            "{relative}: the expansion tracks another file"
        );
        assert!(expected.attrs.is_empty() && expected.shebang.is_none());
        assert_eq!(
            items.len(),
            expected.items.len(),
            "{relative}: a different number of items"
        );
        for (got, want) in items.iter().zip(&expected.items) {
            assert_eq!(
                got.to_token_stream().to_string(),
                want.to_token_stream().to_string(),
                "{relative}: an item differs from the generated file"
            );
        }
    }
}

/// The messages of the `compile_error!`s in an expansion, after the
/// tracking constant.
fn compile_errors(expansion: TokenStream) -> Vec<String> {
    let file: syn::File = syn::parse2(expansion).expect("the expansion parses as items");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(call)
                if call.mac.path.segments.last().unwrap().ident == "compile_error" =>
            {
                Some(call.mac.parse_body::<syn::LitStr>().unwrap().value())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn each_schema_error_is_a_compile_error_with_its_rendered_diagnostic() {
    let relative = "../fixtures/invalid/many_errors.yaml";
    let text = std::fs::read_to_string(manifest_dir().join(relative)).unwrap();
    let checked = schemabridge::check_str(relative, &text);
    assert!(
        checked.diagnostics.len() >= 2,
        "the fixture should have several errors"
    );

    let expansion = expand_path(relative);
    let (tracking, _) = split_tracking(expansion.clone());
    assert_eq!(
        Path::new(&include_bytes_path(&tracking)),
        manifest_dir().join(relative),
        "a schema with errors is tracked too, so fixing it rebuilds"
    );
    let errors = compile_errors(expansion);
    let expected: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == schemabridge::diagnostics::Severity::Error)
        .map(|d| render::human(std::slice::from_ref(d), &checked.file, Style::PLAIN))
        .collect();
    assert_eq!(errors.len(), expected.len());
    for (got, want) in errors.iter().zip(&expected) {
        // `error[code]: message` loses its `error` (rustc prints one); the
        // excerpt is kept as it is.
        let (head, excerpt) = want.trim_end().split_once('\n').unwrap();
        let head = head.strip_prefix("error").unwrap().replacen("]: ", "] ", 1);
        assert_eq!(got, &format!("{head}\n{excerpt}"));
        assert!(
            got.contains("╭─[../fixtures/invalid/many_errors.yaml:"),
            "{got}"
        );
    }
}

#[test]
fn warnings_alone_do_not_stop_the_build() {
    let relative = "../fixtures/warning/redundant_literal.yaml";
    let expansion = expand_path(relative);
    assert!(compile_errors(expansion.clone()).is_empty());
    let (_, items) = split_tracking(expansion);
    assert!(!items.is_empty());
}

#[test]
fn thousands_of_errors_become_a_bounded_number_of_compile_errors() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("macro-expansion");
    std::fs::create_dir_all(&dir).unwrap();
    let mut schema = String::from("version: 1\ntypes:\n");
    for index in 0..300 {
        schema.push_str(&format!("  T{index}:\n    x: missing{index}\n"));
    }
    let path = dir.join("many.yaml");
    std::fs::write(&path, schema).unwrap();
    let literal = path.to_str().unwrap();
    let total = schemabridge::check_path(&path)
        .unwrap()
        .diagnostics
        .iter()
        .filter(|d| d.severity == schemabridge::diagnostics::Severity::Error)
        .count();
    assert!(total >= 300);

    let errors = compile_errors(expand_path(literal));
    assert_eq!(
        errors.len(),
        render::MAX_EXCERPTS + 1,
        "{:?}",
        errors.last()
    );
    let more = total - render::MAX_EXCERPTS;
    assert!(
        errors
            .last()
            .unwrap()
            .starts_with(&format!("{more} more errors in {literal};")),
        "{}",
        errors.last().unwrap()
    );
}

#[test]
fn a_missing_file_is_an_error_naming_where_it_was_looked_for() {
    let errors = compile_errors(expand_path("no/such/schema.yaml"));
    let expected = manifest_dir().join("no/such/schema.yaml");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with(&format!("cannot read {}: ", expected.display())),
        "{}",
        errors[0]
    );
}

#[test]
fn input_other_than_a_path_literal_is_refused_at_the_input() {
    for (input, message) in [
        (quote!(), "expected the schema path"),
        (quote!(schema_yaml), "expected string literal"),
        (quote!("a.yaml" "b.yaml"), "expected `,`"),
        (
            quote!("a.yaml", client = true),
            "unknown option `client`; the options are `rust_client = true`",
        ),
        (
            quote!("a.yaml", rust_client = "yes"),
            "expected boolean literal",
        ),
        (quote!("a.yaml", rust_client), "expected `=`"),
        (
            quote!("a.yaml", rust_client = true, rust_client = false),
            "`rust_client` is given twice",
        ),
        (
            quote!("a.yaml", 1),
            "expected an option: `rust_client = true`",
        ),
    ] {
        let errors = compile_errors(expand_input(input.clone()));
        assert_eq!(errors.len(), 1, "{input}");
        assert!(errors[0].contains(message), "{input}: {}", errors[0]);
    }
}

#[test]
fn without_cargo_the_macro_says_why_it_cannot_run() {
    let relative = "../schema.example.yaml";
    let errors = compile_errors(expand::include_schema(quote!(#relative), None));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("CARGO_MANIFEST_DIR is not set"),
        "{}",
        errors[0]
    );
}
