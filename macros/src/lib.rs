//! `include_schema!`: the items `schemabridge generate --rust-out` writes,
//! expanded in place, for crates that prefer no build script.
//!
//! ```ignore
//! mod schema {
//!     schemabridge_macros::include_schema!("schema.yaml");
//! }
//! ```
//!
//! The path is relative to the crate's `Cargo.toml` (`CARGO_MANIFEST_DIR`),
//! as `include_str!` would read it from there. A schema with errors
//! becomes one `compile_error!` per diagnostic, each rendered as
//! `schemabridge check` prints it and pointed at the path literal. The
//! expansion includes the schema's bytes, so cargo rebuilds the crate when
//! the schema changes.
//!
//! The work is done in [`expand`], over `proc_macro2` token streams, so
//! that it can be tested outside the compiler.

mod expand;
mod options;

/// Expands to the generated Rust for a schema file: its types, `Handlers`
/// traits, typed storage access and `router`, exactly the items
/// `schemabridge generate --rust-out` writes.
///
/// `include_schema!("schema.yaml")`, the path relative to the crate's
/// `Cargo.toml`. `include_schema!("schema.yaml", rust_client = true)` adds
/// the typed client, as `generate --rust-client` does (the crate enables
/// the runtime's `client` feature).
#[proc_macro]
pub fn include_schema(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    expand::include_schema(input.into(), manifest_dir.as_deref()).into()
}
