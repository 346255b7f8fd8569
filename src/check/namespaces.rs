//! Every generated name must be unique where the language puts it: Rust
//! types at the file root and in each module, TypeScript types in
//! `schema.ts`, modules and functions as Rust identifiers.

use std::collections::{HashMap, HashSet};

use super::names;
use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::emit::ts::RESERVED_TS_NAMES;
use crate::ir::Scope;
use crate::source::Span;

/// One namespace: the first place each name was taken (`None`: the
/// generated code itself defines it).
struct Namespace<'a> {
    language: &'static str,
    taken: HashMap<&'a str, Option<Span>>,
}

impl<'a> Namespace<'a> {
    fn new(language: &'static str, reserved: &[&'a str]) -> Self {
        Namespace {
            language,
            taken: reserved.iter().map(|n| (*n, None)).collect(),
        }
    }

    /// Takes `name`, or returns the report of who has it.
    fn claim(&mut self, name: &'a str, span: Span) -> Result<(), Diagnostic> {
        let Some(first) = self.taken.get(name) else {
            self.taken.insert(name, Some(span));
            return Ok(());
        };
        let diagnostic = Diagnostic::error(
            Code::NameCollision,
            span,
            format!(
                "two types are named `{name}` in the generated {}",
                self.language
            ),
        )
        .label(format!("generates `{name}`"));
        Err(match first {
            Some(first) => diagnostic
                .related(*first, format!("`{name}` also comes from here"))
                .help("rename one: `$name` names a nested object or union, `typeName` a table's type"),
            None => diagnostic.help(format!(
                "`{name}` is defined by the generated code itself; `$name` or `typeName` can choose another name"
            )),
        })
    }
}

/// A generated name: its scope, Rust name (empty: TypeScript only),
/// TypeScript name (empty: Rust only), and where it comes from.
type Named<'a> = (Scope, &'a str, &'a str, Span);

impl Checker<'_> {
    pub(super) fn check_namespaces(&mut self) {
        // A clash of two functions or modules also makes their generated
        // `…Args` and `…Result` names clash; report only the cause.
        let reported = self.check_member_names();
        self.check_table_methods();
        let mut names: Vec<Named<'_>> = Vec::with_capacity(self.types.len() + self.tables.len());
        for def in &self.types {
            names.push((def.scope, &def.rust_name, &def.ts_name, def.span));
            if let crate::ir::Origin::Table(table) = def.origin {
                let table = &self.tables[table.0 as usize];
                names.push((
                    Scope::Root,
                    &table.doc_rust_name,
                    &table.doc_ts_name,
                    table.span,
                ));
                // Rust only: TypeScript has no storage types.
                for rust in [&table.storage.patch, &table.storage.handle] {
                    names.push((Scope::Root, rust, "", table.span));
                }
            }
        }
        for function in self.modules.iter().flat_map(|m| &m.functions) {
            names.push((Scope::Root, "", &function.returns_ts_name, function.span));
        }
        // Report in file order, so "first" is the earlier place.
        names.sort_by_key(|n| n.3.start);
        let mut rust_root = Namespace::new("Rust", crate::emit::rust::RESERVED_RUST_NAMES);
        let mut rust_modules: Vec<Namespace<'_>> = (0..self.modules.len())
            .map(|_| Namespace::new("Rust", crate::emit::rust::RESERVED_MODULE_NAMES))
            .collect();
        let mut ts = Namespace::new("TypeScript", RESERVED_TS_NAMES);
        let mut problems = Vec::new();
        for (scope, rust, ts_name, span) in names {
            if reported.contains(&span) || self.reserved_reported.contains(&span) {
                continue;
            }
            let rust_claim = match (rust.is_empty(), scope) {
                (true, _) => Ok(()),
                (false, Scope::Root) => rust_root.claim(rust, span),
                (false, Scope::Module(m)) => rust_modules[m.0 as usize].claim(rust, span),
            };
            let ts_claim = match ts_name.is_empty() {
                true => Ok(()),
                false => ts.claim(ts_name, span),
            };
            // One report per clash: the TypeScript name usually clashes
            // with the same place as the Rust one.
            problems.extend(rust_claim.err().or(ts_claim.err()));
        }
        for problem in problems {
            self.diagnostics.push(problem);
        }
    }

    /// Tables become methods of the generated `Db` (`ctx.db().users()`).
    fn check_table_methods(&mut self) {
        let mut methods: HashMap<&str, (&str, Span)> = HashMap::new();
        let mut problems = Vec::new();
        for table in &self.tables {
            let rust = names::unraw(&table.storage.method);
            match methods.get(rust) {
                Some((other, first)) => problems.push(
                    Diagnostic::error(
                        Code::NameCollision,
                        table.span,
                        format!(
                            "tables `{other}` and `{}` both become the Rust method `{rust}`",
                            table.name
                        ),
                    )
                    .label("second name")
                    .related(*first, "first name")
                    .help("rename one of the two"),
                ),
                None => {
                    methods.insert(rust, (&table.name, table.span));
                }
            }
        }
        for problem in problems {
            self.diagnostics.push(problem);
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
