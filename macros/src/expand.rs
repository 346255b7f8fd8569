//! From the macro's input to the generated items, or to compile errors
//! that carry the schema's diagnostics.

use std::path::Path;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use schemabridge::diagnostics::render::{self, Style};
use schemabridge::diagnostics::Severity;
use syn::LitStr;

use crate::options::Options;

/// At most this many diagnostics become compile errors; a hostile file
/// can have a hundred thousand, and the rest are one `schemabridge check`
/// away.
const MAX_ERRORS: usize = render::MAX_EXCERPTS;

/// The expansion of `include_schema!(input)` for a crate whose
/// `Cargo.toml` is in `manifest_dir`.
pub fn include_schema(input: TokenStream, manifest_dir: Option<&Path>) -> TokenStream {
    let options: Options = match syn::parse2(input) {
        Ok(options) => options,
        Err(error) => return error.to_compile_error(),
    };
    let literal = &options.path;
    let Some(manifest_dir) = manifest_dir else {
        return compile_error(
            literal.span(),
            "CARGO_MANIFEST_DIR is not set: include_schema! reads the schema relative to the crate's Cargo.toml, so it must be built by cargo",
        );
    };
    let path = manifest_dir.join(literal.value());
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            return compile_error(
                literal.span(),
                &format!("cannot read {}: {error}", path.display()),
            )
        }
    };
    let Some(tracked) = track(&path, literal.span()) else {
        return compile_error(
            literal.span(),
            &format!(
                "the schema path {} is not UTF-8, so it cannot be tracked for rebuilds",
                path.display()
            ),
        );
    };
    let mut checked = schemabridge::check_vec(&literal.value(), bytes);
    let schema = checked.schema.take().filter(|_| !checked.has_errors());
    let Some(mut schema) = schema else {
        let errors = schema_errors(&checked, literal.span());
        return quote! { #tracked #errors };
    };
    // As `schemabridge generate` names it: the file alone, so the expansion
    // does not depend on where the crate sits.
    schema.source_name = file_name(&path);
    let items = generated_items(&schema, options.emit, literal.span());
    quote! { #tracked #items }
}

/// The items of the generated file.
pub fn generated_items(
    schema: &schemabridge::ir::Schema,
    options: schemabridge::emit::rust::Options,
    span: Span,
) -> TokenStream {
    let text = schemabridge::emit::rust::emit_with(schema, options);
    match text.parse::<TokenStream>() {
        Ok(items) => items,
        // The emitter's output is tested to parse; if it ever does not, say
        // so at the call rather than panicking inside the compiler.
        Err(error) => compile_error(
            span,
            &format!(
                "schemabridge generated Rust that does not parse ({error}); please report this"
            ),
        ),
    }
}

/// An unused reference to the schema's bytes, which makes cargo rebuild
/// the crate when the file changes (stable Rust has no other way for a
/// macro to declare that it read a file).
fn track(path: &Path, span: Span) -> Option<TokenStream> {
    let absolute = path.to_str()?;
    let absolute = LitStr::new(absolute, span);
    Some(quote_spanned! {span=>
        const _: &[u8] = ::core::include_bytes!(#absolute);
    })
}

/// One `compile_error!` per error diagnostic, each rendered with its
/// excerpt as `schemabridge check` prints it. Warnings are left out: a
/// macro cannot emit a warning on stable Rust, and an error would fail a
/// build that `generate` lets through.
fn schema_errors(checked: &schemabridge::Checked, span: Span) -> TokenStream {
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let mut tokens = TokenStream::new();
    for diagnostic in errors.iter().take(MAX_ERRORS) {
        let rendered = render::human(
            std::slice::from_ref(*diagnostic),
            &checked.file,
            Style::PLAIN,
        );
        tokens.extend(compile_error(span, &as_compile_error(&rendered)));
    }
    if errors.is_empty() {
        // `check` gives a model whenever it reports no error; should that
        // ever fail, the build still stops with a message, not a panic.
        tokens.extend(compile_error(
            span,
            &format!("{} could not be read as a schema", checked.file.name()),
        ));
    }
    if errors.len() > MAX_ERRORS {
        let more = errors.len() - MAX_ERRORS;
        tokens.extend(compile_error(
            span,
            &format!(
                "{more} more errors in {}; `schemabridge check {}` lists them all",
                checked.file.name(),
                checked.file.name()
            ),
        ));
    }
    tokens
}

/// `error[schemabridge::code]: message` becomes `[schemabridge::code]
/// message`: rustc already prints `error: ` before a `compile_error!`.
fn as_compile_error(rendered: &str) -> String {
    let text = rendered.trim_end();
    match text
        .strip_prefix("error[")
        .and_then(|rest| rest.split_once("]: "))
    {
        Some((code, rest)) => format!("[{code}] {rest}"),
        None => text.to_owned(),
    }
}

fn compile_error(span: Span, message: &str) -> TokenStream {
    quote_spanned! {span=> ::core::compile_error!(#message); }
}

/// The last component of `path`, as `schemabridge::check_path` names it.
fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}
