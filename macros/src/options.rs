//! The macro's input: the schema path, then `name = value` options.

use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitBool, LitStr, Token};

/// `include_schema!("schema.yaml", rust_client = true)`.
pub struct Options {
    /// The schema path as written, relative to `CARGO_MANIFEST_DIR`.
    pub path: LitStr,
    /// What to generate besides the server code.
    pub emit: schemabridge::emit::rust::Options,
}

/// The options, as `name = value` after the path.
const KNOWN: &str = "`rust_client = true`";

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(
                "expected the schema path, relative to Cargo.toml: include_schema!(\"schema.yaml\")",
            ));
        }
        let path: LitStr = input.parse()?;
        let mut options = Options {
            path,
            emit: Default::default(),
        };
        let mut seen: Vec<String> = Vec::new();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let name: Ident = input
                .parse()
                .map_err(|e| syn::Error::new(e.span(), format!("expected an option: {KNOWN}")))?;
            input.parse::<Token![=]>()?;
            let key = name.to_string();
            if seen.contains(&key) {
                return Err(syn::Error::new(
                    name.span(),
                    format!("`{key}` is given twice"),
                ));
            }
            match key.as_str() {
                "rust_client" => options.emit.client = input.parse::<LitBool>()?.value,
                _ => {
                    return Err(syn::Error::new(
                        name.span(),
                        format!("unknown option `{key}`; the options are {KNOWN}"),
                    ))
                }
            }
            seen.push(key);
        }
        Ok(options)
    }
}
