//! Printing: tokens to syn items to text, one item at a time, joined with
//! the blank lines that prettyplease does not put between items.

use proc_macro2::TokenStream;
use quote::quote;

/// Prints one item. `allow_dead_code` is for items at the top of the file:
/// the user's crate may use only some of them (a binary always does), and
/// unused items would be warnings that `#![deny(warnings)]` turns into
/// errors. The file cannot carry an inner `#![allow]`, since it is
/// `include!`d, so each item carries its own.
pub fn item(tokens: TokenStream, allow_dead_code: bool) -> String {
    let mut item = parse(tokens);
    if allow_dead_code {
        add_after_docs(&mut item, syn::parse_quote!(#[allow(dead_code)]));
    }
    unparse(item)
}

/// Prints a trait with a blank line between its methods, as one writes a
/// trait whose methods have docs and multi-line signatures. prettyplease
/// writes the members at one indent, each ending in `;` at that indent.
pub fn spaced_trait(tokens: TokenStream) -> String {
    let text = item(tokens, false);
    let mut out = String::with_capacity(text.len() + 64);
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let ends_member =
            line.starts_with("    ") && !line.starts_with("     ") && line.ends_with(';');
        if ends_member && lines.peek().is_some_and(|next| *next != "}") {
            out.push('\n');
        }
    }
    out
}

/// Prints `pub mod name { … }` around items printed on their own, so that
/// the module's items are separated by blank lines too.
pub fn module(name: &proc_macro2::Ident, doc: TokenStream, items: &[String]) -> String {
    let shell = item(quote!(#doc pub mod #name {}), true);
    let head = shell
        .strip_suffix("{}\n")
        .expect("prettyplease prints an empty module as `{}`");
    // Indenting every line is safe: generated items hold no multi-line
    // string literals (doc lines are separate attributes, and literals
    // escape their newlines).
    let body = join(items)
        .lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_owned()
            } else {
                format!("    {line}\n")
            }
        })
        .collect::<String>();
    format!("{head}{{\n{body}}}\n")
}

/// Items separated by one blank line; each printed item ends in `\n`.
pub fn join(items: &[String]) -> String {
    items.join("\n")
}

fn parse(tokens: TokenStream) -> syn::Item {
    match syn::parse2(tokens.clone()) {
        Ok(item) => item,
        Err(err) => panic!("the Rust emitter built an invalid item ({err}): {tokens}"),
    }
}

fn unparse(item: syn::Item) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    })
}

/// Inserts `attr` after the leading doc comment, where a reader expects
/// attributes to start.
fn add_after_docs(item: &mut syn::Item, attr: syn::Attribute) {
    let attrs = match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        other => panic!("no attributes expected on {}", quote!(#other)),
    };
    let at = attrs
        .iter()
        .position(|a| !a.path().is_ident("doc"))
        .unwrap_or(attrs.len());
    attrs.insert(at, attr);
}
