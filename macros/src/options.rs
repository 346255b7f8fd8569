//! The macro's input: the schema path, then `name = value` options.

use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// `include_schema!("schema.yaml")`.
pub struct Options {
    /// The schema path as written, relative to `CARGO_MANIFEST_DIR`.
    pub path: LitStr,
}

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(
                "expected the schema path, relative to Cargo.toml: include_schema!(\"schema.yaml\")",
            ));
        }
        let path: LitStr = input.parse()?;
        let options = Options { path };
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        if !input.is_empty() {
            return Err(input.error("unexpected input after the schema path"));
        }
        Ok(options)
    }
}
