//! Pass 1: give every named type and table an id before any type is
//! resolved, so references may point forward or back.

use super::names::{self, is_plain_name, is_type_name};
use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Origin, Scope, TableId, TypeId};
use crate::syntax::ast::{self, Ident, Section};

/// The ids given to the declarations, in the order of the syntax tree.
pub(super) struct Declared {
    pub named: Vec<TypeId>,
    pub tables: Vec<TableId>,
}

impl Checker<'_> {
    pub(super) fn declare(&mut self, schema: &ast::Schema) -> Declared {
        let mut declared = Declared {
            named: Vec::new(),
            tables: Vec::new(),
        };
        for section in &schema.sections {
            match section {
                Section::Types(types) => {
                    for named in types {
                        self.check_type_name(&named.name, "a named type");
                        let name = named.name.name.clone();
                        let id = self.alloc(
                            name.clone(),
                            name.clone(),
                            Scope::Root,
                            Origin::Named,
                            named.name.span,
                            None,
                        );
                        self.named.insert(name, id);
                        declared.named.push(id);
                    }
                }
                Section::Tables(tables) => {
                    for table in tables {
                        declared.tables.push(self.declare_table(table));
                    }
                }
                Section::Functions(_) => {}
            }
        }
        declared
    }

    fn declare_table(&mut self, table: &ast::Table) -> TableId {
        let name = &table.name;
        if !is_plain_name(&name.name) {
            self.diagnostics.push(
                Diagnostic::error(Code::InvalidName, name.span, format!("invalid table name `{}`", name.name))
                    .label("not a valid table name")
                    .help("table names start with a letter, then letters, digits or `_`, at most 64 characters"),
            );
        }
        let (type_name, span) = match &table.type_name {
            Some(ident) => {
                self.check_type_name(ident, "`typeName`");
                (ident.name.clone(), ident.span)
            }
            None => (names::pascal(&name.name), name.span),
        };
        let table_id = TableId(self.tables.len() as u32);
        let fields = self.alloc(
            type_name.clone(),
            type_name.clone(),
            Scope::Root,
            Origin::Table(table_id),
            span,
            None,
        );
        let doc_name = format!("{type_name}Doc");
        self.tables.push(ir::Table {
            name: name.name.clone(),
            doc: table.doc.clone(),
            fields,
            doc_rust_name: doc_name.clone(),
            doc_ts_name: doc_name,
            storage: ir::TableStorage {
                method: super::names::rust_snake(&name.name),
                patch: format!("{type_name}Patch"),
                handle: format!("{type_name}Table"),
            },
            indexes: Vec::new(),
            span: name.span,
        });
        self.table_ids.insert(name.name.clone(), table_id);
        table_id
    }

    /// Type names are PascalCase, and must not shadow what the generated
    /// code itself defines.
    pub(super) fn check_type_name(&mut self, ident: &Ident, what: &str) {
        if !is_type_name(&ident.name) {
            let suggestion = names::pascal(&ident.name);
            let help = if is_type_name(&suggestion) {
                format!("type names are PascalCase: `[A-Z][A-Za-z0-9]*`, e.g. `{suggestion}`")
            } else {
                "type names are PascalCase: `[A-Z][A-Za-z0-9]*`".to_string()
            };
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidName,
                    ident.span,
                    format!("invalid name `{}` for {what}", ident.name),
                )
                .label("not a PascalCase type name")
                .help(help),
            );
        } else if ident.name == "Self"
            || crate::emit::ts::RESERVED_TS_NAMES.contains(&ident.name.as_str())
        {
            self.reserved_reported.insert(ident.span);
            self.diagnostics.push(
                Diagnostic::error(
                    Code::ReservedName,
                    ident.span,
                    format!("`{}` is a name the generated code uses itself", ident.name),
                )
                .label("reserved name")
                .help("the generated Rust or TypeScript defines this name itself; choose another"),
            );
        }
    }
}
