//! More of prettyplease's layout, for the storage items ([`store`](super::store)):
//! unit and tuple structs with generics, impl types, functions with generics, where
//! clauses and bodies, and the few expressions those bodies hold (paths,
//! calls, method calls on fields, references, arrays).
//! As in [`syntax`](super::syntax), each function names the prettyplease
//! function whose words, breaks and boxes it reproduces.

use super::layout::{Printer, INDENT};
use super::syntax::{call_args, generic_params, Part};

// Items (`item.rs`).

/// `pub struct Name;` (`item_struct`, unit).
pub fn unit_struct_item(p: &mut Printer, name: &str) {
    p.cbox(INDENT);
    p.word("pub struct ");
    p.word(name);
    p.word(";");
    p.end();
    p.hardbreak();
}

/// `pub struct Name<GENERICS>(FIELD);` with a private field
/// (`item_struct`, `fields_unnamed`).
pub fn tuple_struct_item(p: &mut Printer, name: &str, generics: &[Part], field: Part) {
    p.cbox(INDENT);
    p.word("pub struct ");
    p.word(name);
    generic_params(p, generics);
    p.word("(");
    p.zerobreak();
    field(p);
    p.trailing_comma(true);
    p.offset(-INDENT);
    p.word(")");
    p.word(";");
    p.end();
    p.hardbreak();
}

/// `type Name<GENERICS> = TYPE;` in an impl (`impl_item_type`).
pub fn impl_type(p: &mut Printer, name: &str, generics: &[Part], ty: Part) {
    p.cbox(INDENT);
    p.word("type ");
    p.word(name);
    generic_params(p, generics);
    p.word(" = ");
    p.neverbreak();
    p.ibox(-INDENT);
    ty(p);
    p.end();
    p.word(";");
    p.end();
    p.hardbreak();
}

/// A function with a body, at the top of a file or in an impl
/// (`item_fn`, `impl_item_fn`, `signature`, `where_clause_for_body`).
pub struct FnItem<'a> {
    pub public: bool,
    pub name: &'a str,
    pub generics: &'a [Part<'a>],
    /// Including the receiver (`&self`).
    pub args: &'a [Part<'a>],
    pub returns: Option<Part<'a>>,
    /// Predicates of the where clause, each `T: BOUND`.
    pub predicates: &'a [Part<'a>],
    /// The statements, each printed with [`stmt_semi`] or [`stmt_tail`].
    pub body: &'a dyn std::ops::Fn(&mut Printer),
}

pub fn fn_item(p: &mut Printer, f: &FnItem) {
    p.cbox(INDENT);
    if f.public {
        p.word("pub ");
    }
    p.word("fn ");
    p.word(f.name);
    generic_params(p, f.generics);
    p.word("(");
    p.neverbreak();
    p.cbox(0);
    p.zerobreak();
    for (i, arg) in f.args.iter().enumerate() {
        arg(p);
        p.trailing_comma(i + 1 == f.args.len());
    }
    p.offset(-INDENT);
    p.end();
    p.word(")");
    p.cbox(-INDENT);
    if let Some(returns) = f.returns {
        p.word(" -> ");
        returns(p);
    }
    p.end();
    if f.predicates.is_empty() {
        p.word(" ");
    } else {
        p.hardbreak();
        p.offset(-INDENT);
        p.word("where");
        p.hardbreak();
        for predicate in f.predicates {
            predicate(p);
            p.word(",");
            p.hardbreak();
        }
        p.offset(-INDENT);
    }
    p.word("{");
    p.hardbreak_if_nonempty();
    (f.body)(p);
    p.offset(-INDENT);
    p.end();
    p.word("}");
    p.hardbreak();
}

// Generics (`generics.rs`).

/// `Name: BOUND` as a type parameter (`type_param`, one bound).
pub fn type_param(p: &mut Printer, name: &str, bound: Option<Part>) {
    p.word(name);
    p.ibox(INDENT);
    if let Some(bound) = bound {
        p.word(": ");
        bound(p);
    }
    p.end();
}

/// `Name: BOUND` in a where clause (`predicate_type`, one bound).
pub fn predicate(p: &mut Printer, name: &str, bound: Part) {
    p.word(name);
    p.word(":");
    p.ibox(0);
    p.word(" ");
    bound(p);
    p.end();
}

// Types (`ty.rs`, `path.rs`).

/// `head(A, B) -> R`, as in `FnOnce(A) -> R` (`parenthesized_generic_arguments`).
pub fn parenthesized(p: &mut Printer, head: &str, inputs: &[Part], output: Part) {
    p.word(head);
    p.cbox(INDENT);
    p.word("(");
    p.zerobreak();
    for (i, input) in inputs.iter().enumerate() {
        input(p);
        p.trailing_comma(i + 1 == inputs.len());
    }
    p.offset(-INDENT);
    p.word(")");
    p.word(" -> ");
    output(p);
    p.end();
}

/// `(A, B)`; `()` when empty (`type_tuple`, which never has one element here).
pub fn tuple_ty(p: &mut Printer, elems: &[Part]) {
    debug_assert!(elems.len() != 1);
    p.word("(");
    p.cbox(INDENT);
    p.zerobreak();
    for (i, elem) in elems.iter().enumerate() {
        elem(p);
        p.trailing_comma(i + 1 == elems.len());
    }
    p.offset(-INDENT);
    p.end();
    p.word(")");
}

// Statements (`stmt.rs`).

/// `EXPR;`, the expression at the beginning of a line.
pub fn stmt_semi(p: &mut Printer, expr: Part) {
    p.ibox(0);
    expr(p);
    p.word(";");
    p.end();
    p.hardbreak();
}

/// The tail expression of a block.
pub fn stmt_tail(p: &mut Printer, expr: Part) {
    p.ibox(0);
    expr(p);
    p.end();
    p.hardbreak();
}

// Expressions (`expr.rs`).

/// `path(ARGS)` (`expr_call`).
pub fn call(p: &mut Printer, path: Part, args: &[Part]) {
    path(p);
    p.word("(");
    call_args(p, args);
    p.word(")");
}

/// `base.a.b`, where `base` is a single identifier (`expr_field`, or
/// `prefix_subexpr_field` as the receiver of a method call at the
/// beginning of a line, which has no box of its own).
pub fn field_expr(p: &mut Printer, base: &str, members: &[&str], beginning_of_line: bool) {
    if !beginning_of_line {
        p.cbox(INDENT);
    }
    fields_chain(p, base, members, beginning_of_line);
    if !beginning_of_line {
        p.end();
    }
}

fn fields_chain(p: &mut Printer, base: &str, members: &[&str], beginning_of_line: bool) {
    p.cbox(-INDENT);
    p.word(base);
    p.end();
    for (i, member) in members.iter().enumerate() {
        // Only the first link after a short identifier at the beginning of
        // a line stays on its line.
        if !(i == 0 && beginning_of_line && is_short(base)) {
            p.zerobreak();
        }
        p.word(".");
        p.word(member);
    }
}

/// prettyplease's `is_short_ident`.
fn is_short(ident: &str) -> bool {
    ident.len() as isize <= INDENT
}

/// `base.a.method(ARGS)` at the beginning of a line, where the receiver
/// has at least one field (`expr_method_call`, `prefix_subexpr_method_call`).
pub fn method_call_on_field(
    p: &mut Printer,
    base: &str,
    members: &[&str],
    method: &str,
    args: &[Part],
) {
    debug_assert!(!members.is_empty());
    p.cbox(INDENT);
    fields_chain(p, base, members, true);
    p.zerobreak();
    p.word(".");
    p.word(method);
    p.cbox(0);
    p.word("(");
    call_args(p, args);
    p.word(")");
    p.end();
    p.end();
}

/// `&[A, B]` of elements that are not plain literals (`expr_reference`,
/// `expr_array`).
pub fn slice_ref(p: &mut Printer, elems: &[Part]) {
    p.word("&");
    if elems.is_empty() {
        p.word("[]");
        return;
    }
    p.word("[");
    p.cbox(INDENT);
    p.zerobreak();
    for (i, elem) in elems.iter().enumerate() {
        elem(p);
        p.trailing_comma(i + 1 == elems.len());
    }
    p.offset(-INDENT);
    p.end();
    p.word("]");
}
