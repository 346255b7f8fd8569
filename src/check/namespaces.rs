//! Every generated name must be unique where the language puts it: Rust
//! types at the file root and in each module, TypeScript types in
//! `schema.ts`, modules and functions as Rust identifiers.

use std::collections::{HashMap, HashSet};

use super::names::{self, RESERVED_TS_TYPES};
use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Scope;
use crate::source::Span;

/// One namespace: the first place each name was taken.
struct Namespace {
    language: &'static str,
    taken: HashMap<String, Option<Span>>,
}

impl Namespace {
    fn new(language: &'static str, reserved: &[&str]) -> Self {
        Namespace {
            language,
            taken: reserved.iter().map(|n| (n.to_string(), None)).collect(),
        }
    }
}

impl Checker<'_> {
    pub(super) fn check_namespaces(&mut self) {
        // A clash of two functions or modules also makes their generated
        // `…Args` and `…Result` names clash; report only the cause.
        let reported = self.check_member_names();
        let mut rust_root = Namespace::new("Rust", &[]);
        let mut rust_modules: Vec<Namespace> = (0..self.modules.len())
            .map(|_| Namespace::new("Rust", &["Handlers"]))
            .collect();
        let mut ts = Namespace::new("TypeScript", RESERVED_TS_TYPES);
        let mut names: Vec<(Scope, String, String, Span)> = Vec::new();
        for def in &self.types {
            let span = def.span;
            names.push((def.scope, def.rust_name.clone(), def.ts_name.clone(), span));
            if let crate::ir::Origin::Table(table) = def.origin {
                let table = &self.tables[table.0 as usize];
                names.push((
                    Scope::Root,
                    table.doc_rust_name.clone(),
                    table.doc_ts_name.clone(),
                    table.span,
                ));
            }
        }
        for module in &self.modules {
            for function in &module.functions {
                names.push((
                    Scope::Root,
                    String::new(),
                    function.returns_ts_name.clone(),
                    function.span,
                ));
            }
        }
        // Report in file order, so "first" is the earlier place.
        names.sort_by_key(|n| n.3.start);
        for (scope, rust, ts_name, span) in names {
            if reported.contains(&span) {
                continue;
            }
            let mut clash = false;
            if !rust.is_empty() {
                let namespace = match scope {
                    Scope::Root => &mut rust_root,
                    Scope::Module(m) => &mut rust_modules[m.0 as usize],
                };
                clash = !self.claim(namespace, rust, span, true);
            }
            // One report per clash: the TypeScript name usually clashes
            // with the same place as the Rust one.
            self.claim(&mut ts, ts_name, span, !clash);
        }
    }

    /// Takes `name`, or reports (when `report`) who has it. Returns
    /// whether the name was free.
    fn claim(&mut self, namespace: &mut Namespace, name: String, span: Span, report: bool) -> bool {
        match namespace.taken.get(&name) {
            None => {
                namespace.taken.insert(name, Some(span));
                true
            }
            Some(_) if !report => false,
            Some(first) => {
                let mut diagnostic = Diagnostic::error(
                    Code::NameCollision,
                    span,
                    format!(
                        "two types are named `{name}` in the generated {}",
                        namespace.language
                    ),
                )
                .label(format!("generates `{name}`"))
                .help(
                    "rename one: `$name` names a nested object or union, `typeName` a table's type",
                );
                diagnostic = match first {
                    Some(first) => diagnostic.related(*first, format!("`{name}` also comes from here")),
                    None => diagnostic.help(format!("`{name}` is defined by the generated code itself; `$name` or `typeName` can choose another name")),
                };
                self.diagnostics.push(diagnostic);
                false
            }
        }
    }

    /// Modules and functions become Rust modules and trait methods.
    /// Returns the places of the second names of each clash: their
    /// functions' generated types need no report of their own.
    fn check_member_names(&mut self) -> HashSet<Span> {
        let mut modules: HashMap<String, (String, Span)> = HashMap::new();
        let mut problems = Vec::new();
        let mut reported = HashSet::new();
        for module in &self.modules {
            let rust = names::unraw(&module.name.rust).to_string();
            match modules.get(&rust) {
                Some((other, first)) => {
                    problems.push((
                        module.span,
                        *first,
                        format!(
                            "modules `{other}` and `{}` both become the Rust module `{rust}`",
                            module.name.wire
                        ),
                    ));
                    reported.extend(module.functions.iter().map(|f| f.span));
                }
                None => {
                    modules.insert(rust, (module.name.wire.clone(), module.span));
                }
            }
            let mut functions: HashMap<String, (String, Span)> = HashMap::new();
            for function in &module.functions {
                let rust = names::unraw(&function.name.rust).to_string();
                match functions.get(&rust) {
                    Some((other, first)) => {
                        problems.push((
                            function.span,
                            *first,
                            format!(
                                "functions `{other}` and `{}` both become the Rust method `{rust}`",
                                function.name.wire
                            ),
                        ));
                        reported.insert(function.span);
                    }
                    None => {
                        functions.insert(rust, (function.name.wire.clone(), function.span));
                    }
                }
            }
        }
        for (span, first, message) in problems {
            self.diagnostics.push(
                Diagnostic::error(Code::NameCollision, span, message)
                    .label("second name")
                    .related(first, "first name")
                    .help("rename one of the two"),
            );
        }
        reported
    }
}
