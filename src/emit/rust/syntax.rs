//! Rust syntax laid out as prettyplease lays it out: for each construct the
//! emitter prints, the words, breaks and boxes that prettyplease 0.2 gives
//! the [`layout`](super::layout) engine (the prettyplease function each one
//! follows is named in its doc). Together they keep generated code a fixed
//! point of prettyplease, wrapped exactly where it would wrap.
//!
//! Only the shapes the emitter produces are covered: no generics other than
//! the router's `<S>`, no lifetimes other than `'static`, no expressions
//! other than the router's calls, closures and `.await`s.

use super::idents;
use super::layout::{Printer, INDENT};

/// A closure that prints one part of a construct (a type, an argument).
pub type Part<'a> = &'a dyn Fn(&mut Printer);

/// An owned [`Part`], for lists of them built at run time.
pub type BoxedPart<'a> = Box<dyn Fn(&mut Printer) + 'a>;

/// Where a construct starts. At the start of a line, a construct that fits
/// on it is printed as one word ([`Printer::segment`]), which is most of
/// the work saved.
#[derive(Clone, Copy)]
pub enum At {
    /// At the start of a line indented by this many columns: the
    /// attributes of an item (column 0), the fields of a struct and the
    /// variants of an enum with their attributes (column 4). The boxes
    /// around them always break, having hard breaks in them.
    LineStart(usize),
    /// Anywhere, such as in the fields of an enum's struct variant, which
    /// may all fit on the variant's line.
    Anywhere,
}

/// Where an item starts. Items are always laid out at column 0, module
/// items too ([`print`](super::print)).
pub const ITEM: At = At::LineStart(0);

/// Where the fields of a struct and the variants of an enum start.
pub const MEMBER: At = At::LineStart(INDENT as usize);

fn at(p: &mut Printer, at: At, f: impl Fn(&mut Printer)) {
    match at {
        At::LineStart(indent) => p.segment(indent, f),
        At::Anywhere => f(p),
    }
}

// Attributes (`attr.rs`).

/// A doc comment, one `///` line per line (`attr`, for a `#[doc]` that
/// holds no newline and does not start with `/`).
pub fn docs(p: &mut Printer, doc: Option<&str>) {
    if let Some(doc) = doc {
        for line in idents::doc_lines(doc) {
            doc_line(p, &line);
        }
    }
}

/// One `///` line; `line` starts with a space or is empty.
pub fn doc_line(p: &mut Printer, line: &str) {
    debug_assert!(!line.contains('\n') && !line.starts_with('/'));
    p.word("///");
    p.word(line.trim_end_matches(' '));
    p.hardbreak();
}

/// One element of an attribute's list.
pub enum Meta<'a> {
    /// An identifier or path: `deny_unknown_fields`, `::std::fmt::Debug`.
    Word(&'a str),
    /// `name = "value"`, the value written as a string literal.
    Str(&'a str, &'a str),
}

/// `#[path(list)]` and the break after it (`attr` through `attr_tokens`):
/// the list breaks one element per line when it does not fit, and gets a
/// trailing comma if it had one.
pub fn attr(p: &mut Printer, start: At, path: &str, list: &[Meta], trailing_comma: bool) {
    at(p, start, |p| {
        p.word("#[");
        p.word(path);
        p.word("(");
        p.cbox(INDENT);
        p.zerobreak();
        for (i, meta) in list.iter().enumerate() {
            if i > 0 {
                p.word(",");
                p.space();
            }
            match meta {
                Meta::Word(word) => p.word(word),
                Meta::Str(name, value) => {
                    p.word(name);
                    p.word(" = ");
                    string_literal(p, value);
                }
            }
        }
        if trailing_comma {
            p.trailing_comma(true);
        } else {
            p.zerobreak();
        }
        p.offset(-INDENT);
        p.end();
        p.word(")]");
    });
    p.space();
}

/// A string literal, escaped as `proc_macro2` escapes it (`lit_str`).
pub fn string_literal(p: &mut Printer, value: &str) {
    p.word_with(|out| idents::string_literal(value, out));
}

// Items (`item.rs`, `data.rs`); each ends with a hard break.

/// `pub const NAME: TYPE = VALUE;` (`item_const`).
pub fn const_item(p: &mut Printer, name: &str, ty: Part, value: Part) {
    valued_item(p, "pub const ", name, ty, value);
}

/// `pub static NAME: TYPE = VALUE;` (`item_static`).
pub fn static_item(p: &mut Printer, name: &str, ty: Part, value: Part) {
    valued_item(p, "pub static ", name, ty, value);
}

/// `KEYWORDS NAME: TYPE = VALUE;`: the layout constants and statics share.
fn valued_item(p: &mut Printer, keywords: &str, name: &str, ty: Part, value: Part) {
    p.cbox(0);
    p.word(keywords);
    p.word(name);
    p.word(": ");
    ty(p);
    p.word(" = ");
    p.neverbreak();
    value(p);
    p.word(";");
    p.end();
    p.hardbreak();
}

/// `pub type Name = TYPE;` (`item_type`).
pub fn type_item(p: &mut Printer, name: &str, ty: Part) {
    p.cbox(INDENT);
    p.word("pub type ");
    p.word(name);
    p.word(" = ");
    p.neverbreak();
    p.ibox(-INDENT);
    ty(p);
    p.end();
    p.word(";");
    p.end();
    p.hardbreak();
}

/// `pub struct Name { … }` (`item_struct`); `fields` prints each with
/// [`struct_field`].
pub fn struct_item(p: &mut Printer, name: &str, fields: impl FnOnce(&mut Printer)) {
    p.cbox(INDENT);
    p.word("pub struct ");
    p.word(name);
    p.word(" {");
    p.hardbreak_if_nonempty();
    fields(p);
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.hardbreak();
}

/// `pub name: TYPE,` in a struct, after its attributes (`field`).
pub fn struct_field(p: &mut Printer, name: &str, ty: Part) {
    at(p, MEMBER, |p| {
        p.word("pub ");
        p.word(name);
        p.word(": ");
        ty(p);
        p.word(",");
    });
    p.hardbreak();
}

/// `pub struct Name(FIELD);` (`item_struct`, `fields_unnamed`): `field`
/// prints the field's attributes (at [`At::Anywhere`]) and `pub TYPE`.
pub fn tuple_struct_item(p: &mut Printer, name: &str, field: impl FnOnce(&mut Printer)) {
    p.cbox(INDENT);
    p.word("pub struct ");
    p.word(name);
    p.word("(");
    p.zerobreak();
    field(p);
    p.trailing_comma(true);
    p.offset(-INDENT);
    p.word(");");
    p.end();
    p.hardbreak();
}

/// `pub enum Name { … }` (`item_enum`); `variants` prints each variant,
/// after its attributes, with one of the `*_variant` functions.
pub fn enum_item(p: &mut Printer, name: &str, variants: impl FnOnce(&mut Printer)) {
    p.cbox(INDENT);
    p.word("pub enum ");
    p.word(name);
    p.word(" {");
    p.hardbreak_if_nonempty();
    variants(p);
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.hardbreak();
}

/// `Name,` (`variant`, unit).
pub fn unit_variant(p: &mut Printer, name: &str) {
    at(p, MEMBER, |p| {
        p.word(name);
        p.word(",");
    });
    p.hardbreak();
}

/// `Name(TYPE),` (`variant`, unnamed).
pub fn tuple_variant(p: &mut Printer, name: &str, ty: Part) {
    at(p, MEMBER, |p| {
        p.word(name);
        p.cbox(INDENT);
        p.word("(");
        p.zerobreak();
        ty(p);
        p.trailing_comma(true);
        p.offset(-INDENT);
        p.word(")");
        p.end();
        p.word(",");
    });
    p.hardbreak();
}

/// `Name { … },` (`variant`, named): `fields` prints each with
/// [`variant_field`]. The fields stay on the variant's line when they fit.
pub fn struct_variant(p: &mut Printer, name: &str, fields: impl FnOnce(&mut Printer)) {
    p.word(name);
    p.word(" {");
    p.cbox(INDENT);
    p.space();
    fields(p);
    p.offset(-INDENT);
    p.end();
    p.word("},");
    p.hardbreak();
}

/// `name: TYPE` and what follows it in a struct variant, after the field's
/// attributes (`field`, `trailing_comma_or_space`).
pub fn variant_field(p: &mut Printer, name: &str, ty: Part, is_last: bool) {
    p.word(name);
    p.word(": ");
    ty(p);
    p.trailing_comma_or_space(is_last);
}

/// `pub trait Name: BOUNDS { … }` (`item_trait`): the bounds are joined
/// with ` + ` and never break; `items` prints each with [`trait_fn`].
pub fn trait_item(p: &mut Printer, name: &str, bounds: &[&str], items: impl FnOnce(&mut Printer)) {
    p.cbox(INDENT);
    p.word("pub trait ");
    p.word(name);
    for (i, bound) in bounds.iter().enumerate() {
        p.word(if i == 0 { ": " } else { " + " });
        p.word(bound);
    }
    p.word(" {");
    p.hardbreak_if_nonempty();
    items(p);
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.hardbreak();
}

/// `fn name(&self, arg: TYPE, …) -> RETURNS;` in a trait, after its docs
/// (`trait_item_fn`, `signature`).
pub fn trait_fn(p: &mut Printer, name: &str, args: &[(&str, Part)], returns: Part) {
    p.cbox(INDENT);
    p.word("fn ");
    p.word(name);
    p.word("(");
    p.neverbreak();
    p.cbox(0);
    p.zerobreak();
    p.word("&self");
    p.trailing_comma(args.is_empty());
    for (i, (arg, ty)) in args.iter().enumerate() {
        p.word(arg);
        p.word(": ");
        ty(p);
        p.trailing_comma(i + 1 == args.len());
    }
    p.offset(-INDENT);
    p.end();
    p.word(")");
    p.cbox(-INDENT);
    p.word(" -> ");
    returns(p);
    p.end();
    p.word(";");
    p.end();
    p.hardbreak();
}

/// `pub fn name<S>(arg: S, …) -> RETURNS where S: BOUNDS, { BODY }`
/// (`item_fn`, `signature`, `generics`, `where_clause_for_body`): one type
/// parameter without inline bounds, arguments whose types are paths, and a body
/// that is one expression (`stmt`).
pub fn generic_fn_item(
    p: &mut Printer,
    name: &str,
    param: &str,
    args: &[(&str, &str)],
    returns: &str,
    bounds: &[&str],
    body: impl FnOnce(&mut Printer),
) {
    p.cbox(INDENT);
    p.word("pub fn ");
    p.word(name);
    p.word("<");
    p.cbox(0);
    p.zerobreak();
    p.word(param);
    p.ibox(INDENT);
    p.end();
    p.trailing_comma(true);
    p.offset(-INDENT);
    p.end();
    p.word(">(");
    p.neverbreak();
    p.cbox(0);
    p.zerobreak();
    for (i, (arg, ty)) in args.iter().enumerate() {
        p.word(arg);
        p.word(": ");
        p.word(ty);
        p.trailing_comma(i + 1 == args.len());
    }
    p.offset(-INDENT);
    p.end();
    p.word(")");
    p.cbox(-INDENT);
    p.word(" -> ");
    p.word(returns);
    p.end();
    p.hardbreak();
    p.offset(-INDENT);
    p.word("where");
    p.hardbreak();
    // `predicate_type`: a single bound would not indent its continuation.
    p.word(param);
    p.word(":");
    p.ibox(if bounds.len() == 1 { 0 } else { INDENT });
    for (i, bound) in bounds.iter().enumerate() {
        if i == 0 {
            p.word(" ");
        } else {
            p.space();
            p.word("+ ");
        }
        p.word(bound);
    }
    p.end();
    p.word(",");
    p.hardbreak();
    p.offset(-INDENT);
    p.word("{");
    p.hardbreak_if_nonempty();
    p.ibox(0);
    body(p);
    p.end();
    p.hardbreak();
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.hardbreak();
}

/// `impl<GENERICS> TRAIT for SELF { ITEMS }` (`item_impl`); `items`
/// prints each item with the `impl_*` functions.
pub fn impl_item(
    p: &mut Printer,
    generics: &[Part],
    trait_: Option<Part>,
    self_ty: Part,
    items: impl FnOnce(&mut Printer),
) {
    p.cbox(INDENT);
    p.ibox(-INDENT);
    p.cbox(INDENT);
    p.word("impl");
    generic_params(p, generics);
    p.end();
    p.word(" ");
    if let Some(trait_) = trait_ {
        trait_(p);
        p.space();
        p.word("for ");
    }
    self_ty(p);
    p.end();
    p.word(" ");
    p.word("{");
    p.hardbreak_if_nonempty();
    items(p);
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.hardbreak();
}

/// `<A, B>` after an item's name, or nothing (`generics`). Lifetimes must
/// come first, as prettyplease reorders them.
pub fn generic_params(p: &mut Printer, params: &[Part]) {
    if params.is_empty() {
        return;
    }
    p.word("<");
    p.cbox(0);
    p.zerobreak();
    for (i, param) in params.iter().enumerate() {
        param(p);
        p.trailing_comma(i + 1 == params.len());
    }
    p.offset(-INDENT);
    p.end();
    p.word(">");
}

/// `pub fn name(arg: TYPE, …) -> RETURNS { BODY }` in an impl, after its
/// attributes (`impl_item_fn`, `signature`): `body` prints the one
/// statement of the body, an expression at the start of a line (`stmt`).
pub fn impl_fn(
    p: &mut Printer,
    public: bool,
    name: &str,
    args: &[(&str, Part)],
    returns: &str,
    body: impl FnOnce(&mut Printer),
) {
    p.cbox(INDENT);
    if public {
        p.word("pub ");
    }
    p.word("fn ");
    p.word(name);
    p.word("(");
    p.neverbreak();
    p.cbox(0);
    p.zerobreak();
    for (i, (arg, ty)) in args.iter().enumerate() {
        p.word(arg);
        p.word(": ");
        ty(p);
        p.trailing_comma(i + 1 == args.len());
    }
    p.offset(-INDENT);
    p.end();
    p.word(")");
    p.cbox(-INDENT);
    p.word(" -> ");
    p.word(returns);
    p.end();
    p.word(" ");
    p.word("{");
    p.hardbreak_if_nonempty();
    p.ibox(0);
    body(p);
    p.end();
    p.hardbreak();
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.hardbreak();
}

/// `const NAME: TYPE = VALUE;` in an impl (`impl_item_const`).
pub fn impl_const(p: &mut Printer, name: &str, ty: Part, value: Part) {
    valued_item(p, "const ", name, ty, value);
}

/// One field of a [`struct_literal`]: `name` alone (shorthand), or
/// `name: VALUE`.
pub type FieldValue<'a> = (&'a str, Option<Part<'a>>);

/// `PATH { a, b: VALUE }` (`expr_struct`, `field_value`): on one line when
/// it fits and is at most 34 columns wide, otherwise one field per line.
pub fn struct_literal(p: &mut Printer, path: &str, fields: &[FieldValue]) {
    p.cbox(INDENT);
    p.ibox(-INDENT);
    p.word(path);
    p.end();
    p.word(" {");
    p.space_if_nonempty();
    for (i, (name, value)) in fields.iter().enumerate() {
        p.word(name);
        if let Some(value) = value {
            p.word(": ");
            p.ibox(0);
            value(p);
            p.end();
        }
        p.trailing_comma_or_space(i + 1 == fields.len());
    }
    p.offset(-INDENT);
    p.end_with_max_width(34);
    p.word("}");
}

/// `base.member` as an expression that is not at the start of a line
/// (`expr_field`, `prefix_subexpr_field`), `base` a plain variable.
pub fn field_access(p: &mut Printer, base: &str, member: &str) {
    p.cbox(INDENT);
    p.cbox(-INDENT);
    p.word(base);
    p.end();
    p.zerobreak();
    p.word(".");
    p.word(member);
    p.end();
}

// Types (`ty.rs`, `path.rs`).

/// `head<ARG>` (`angle_bracketed_generic_arguments`).
pub fn generic1(p: &mut Printer, head: &str, arg: Part) {
    generic(p, head, &[arg]);
}

/// `head<A, B>`.
pub fn generic2(p: &mut Printer, head: &str, a: Part, b: Part) {
    generic(p, head, &[a, b]);
}

pub fn generic(p: &mut Printer, head: &str, args: &[Part]) {
    p.word(head);
    p.word("<");
    p.cbox(INDENT);
    p.zerobreak();
    for (i, arg) in args.iter().enumerate() {
        arg(p);
        p.trailing_comma(i + 1 == args.len());
    }
    p.offset(-INDENT);
    p.end();
    p.word(">");
}

// Expressions (`expr.rs`), as the router's body uses them.

/// A method chain that starts with a call: `path(args)`, then each of the
/// links that `links` prints with [`link_await`] and [`link_call`], which
/// all go on their own lines when the chain does not fit
/// (`expr_method_call` and `expr_await` at the beginning of a line, whose
/// receivers are printed by `prefix_subexpr` without boxes of their own).
pub fn chain(p: &mut Printer, path: Part, args: &[Part], links: impl FnOnce(&mut Printer)) {
    p.cbox(INDENT);
    p.cbox(-INDENT);
    path(p);
    p.end();
    p.word("(");
    call_args(p, args);
    p.word(")");
    links(p);
    p.end();
}

/// `.await` in a [`chain`].
pub fn link_await(p: &mut Printer) {
    p.zerobreak();
    p.word(".await");
}

/// `.method(args)` in a [`chain`].
pub fn link_call(p: &mut Printer, method: &str, args: &[Part]) {
    p.zerobreak();
    p.word(".");
    p.word(method);
    p.cbox(0);
    p.word("(");
    call_args(p, args);
    p.word(")");
    p.end();
}

/// The arguments of a call, one per line when they do not fit
/// (`call_args`; none of the emitter's calls has a single block-like
/// argument, which would be printed without a box).
pub fn call_args(p: &mut Printer, args: &[Part]) {
    p.cbox(INDENT);
    p.zerobreak();
    for (i, arg) in args.iter().enumerate() {
        arg(p);
        p.trailing_comma(i + 1 == args.len());
    }
    p.offset(-INDENT);
    p.end();
}

/// `|a, b| async move { BODY }` (`expr_closure` whose body is an
/// `expr_async` of one expression statement, laid out by `small_block`).
pub fn async_move_closure(p: &mut Printer, params: &[Part], body: impl FnOnce(&mut Printer)) {
    p.ibox(0);
    p.cbox(INDENT);
    p.word("|");
    for (i, param) in params.iter().enumerate() {
        if i == 0 {
            p.zerobreak();
        } else {
            p.word(",");
            p.space();
        }
        param(p);
    }
    p.word("|");
    p.space();
    p.offset(-INDENT);
    p.end();
    p.neverbreak();
    p.word("async move ");
    p.cbox(INDENT);
    p.word("{");
    p.space();
    p.ibox(0);
    body(p);
    p.end();
    p.space();
    p.offset(-INDENT);
    p.word("}");
    p.end();
    p.end();
}
