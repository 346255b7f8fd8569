//! The generated file: the header, then items separated by blank lines,
//! each laid out on its own by the [`layout`](super::layout) engine.
//!
//! The file keeps the shape it had when each item was printed by
//! prettyplease as a file of its own and the results joined: a blank line
//! between items (prettyplease puts none), and a module's items laid out as
//! if at the top of a file, then indented, with blank lines between them too.

use super::layout::Printer;
use super::syntax::{self, Meta, ITEM};

/// Where items go: the top of the file or a module.
pub trait Items {
    /// One item; `f` prints it, ending with a hard break.
    fn item(&mut self, f: impl FnOnce(&mut Printer));
}

/// The attributes every item starts with: its docs, then, for items at the
/// top of the file, `#[allow(dead_code)]`.
///
/// The user's crate may use only some of the items (a binary always does),
/// and unused items would be warnings that `#![deny(warnings)]` turns into
/// errors. The file cannot carry an inner `#![allow]`, since it is
/// `include!`d, so each item carries its own; a module's items are covered
/// by the module's.
pub fn item_head(p: &mut Printer, doc: Option<&str>, allow_dead_code: bool) {
    syntax::docs(p, doc);
    if allow_dead_code {
        syntax::attr(p, ITEM, "allow", &[Meta::Word("dead_code")], false);
    }
}

pub struct File {
    out: String,
    printer: Printer,
}

impl File {
    /// A file that starts with `// header` and a blank line.
    pub fn new(header: &str, capacity: usize) -> Self {
        let mut out = String::with_capacity(capacity);
        out.push_str("// ");
        out.push_str(header);
        out.push('\n');
        File {
            out,
            printer: Printer::new(),
        }
    }

    /// `pub mod name { … }`: `head` prints the module's outer attributes,
    /// `items` prints the items inside it with [`Module::item`].
    pub fn module(
        &mut self,
        name: &str,
        head: impl FnOnce(&mut Printer),
        items: impl FnOnce(&mut Module),
    ) {
        self.item(|p| {
            head(p);
            p.word("pub mod ");
            p.word(name);
            p.word(" {");
            p.hardbreak();
        });
        let mut module = Module {
            file: self,
            first: true,
        };
        items(&mut module);
        self.out.push_str("}\n");
    }

    pub fn finish(self) -> String {
        self.out
    }

    fn layout(&mut self, line_prefix: &'static str, f: impl FnOnce(&mut Printer)) {
        let out = std::mem::take(&mut self.out);
        self.printer.begin_item(out, line_prefix);
        f(&mut self.printer);
        self.out = self.printer.end_item();
    }
}

/// The inside of a [`File::module`].
pub struct Module<'a> {
    file: &'a mut File,
    first: bool,
}

impl Items for File {
    /// An item at the top of the file, after a blank line.
    fn item(&mut self, f: impl FnOnce(&mut Printer)) {
        self.out.push('\n');
        self.layout("", f);
    }
}

impl Items for Module<'_> {
    /// An item of the module, laid out as if at the top of the file and
    /// indented by four columns; blank lines go between items.
    fn item(&mut self, f: impl FnOnce(&mut Printer)) {
        if !std::mem::take(&mut self.first) {
            self.file.out.push('\n');
        }
        self.file.layout("    ", f);
    }
}
