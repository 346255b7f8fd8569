//! Index rules: names, sizes, and fields that exist on the table
//! (nested fields written with dots).

use std::collections::HashMap;

use super::names::is_index_name;
use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Index, Ty, TypeBody, TypeId};
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, IndexDecl, Section};

/// Every document is indexed by these already.
const RESERVED_INDEXES: &[&str] = &["by_id", "by_creation_time"];
/// The methods of every generated table handle (`ctx.db().users().get(…)`),
/// which an index method of the same name would hide.
const TABLE_METHODS: &[&str] = &[
    "get", "scan", "index", "insert", "patch", "replace", "delete", "deref",
];
const MAX_INDEX_FIELDS: usize = 16;

impl Checker<'_> {
    pub(super) fn check_indexes(&mut self, schema: &ast::Schema) {
        let tables = schema.sections.iter().filter_map(|s| match s {
            Section::Tables(tables) => Some(tables),
            _ => None,
        });
        for (table_index, table) in tables.flatten().enumerate() {
            let fields = self.tables[table_index].fields;
            let indexes: Vec<Index> = table
                .indexes
                .iter()
                .filter_map(|index| self.check_index(fields, index))
                .collect();
            self.tables[table_index].indexes = indexes;
        }
    }

    fn check_index(&mut self, fields: TypeId, index: &IndexDecl) -> Option<Index> {
        let name = &index.name;
        if RESERVED_INDEXES.contains(&name.name.as_str()) {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::ReservedName,
                    name.span,
                    format!("`{}` is a built-in index", name.name),
                )
                .label("reserved index name")
                .help(
                    "every table already has `by_id` and `by_creation_time`; choose another name",
                ),
            );
        } else if TABLE_METHODS.contains(&name.name.as_str()) {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::ReservedName,
                    name.span,
                    format!(
                        "`{}` is a method of every table in generated Rust",
                        name.name
                    ),
                )
                .label("reserved index name")
                .help("each index becomes a method of its table; choose a name like `by_…`"),
            );
        } else if !is_index_name(&name.name) {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidIndexName,
                    name.span,
                    format!("invalid index name `{}`", name.name),
                )
                .label("not a valid index name")
                .help("index names are lower snake case: `[a-z][a-z0-9_]*`, e.g. `by_user`"),
            );
        }
        if index.fields.is_empty() || index.fields.len() > MAX_INDEX_FIELDS {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::IndexSize,
                    index.list_span,
                    format!(
                        "an index lists 1 to {MAX_INDEX_FIELDS} fields, this one {}",
                        index.fields.len()
                    ),
                )
                .label("wrong number of fields")
                .help("list the fields to look documents up by, most selective first"),
            );
        }
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut paths = Vec::with_capacity(index.fields.len());
        let mut ok = true;
        for field in &index.fields {
            if let Some(&first) = seen.get(field.name.as_str()) {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::IndexDuplicateField,
                        field.span,
                        format!("`{}` is listed twice in this index", field.name),
                    )
                    .label("listed again")
                    .related(first, "first listed here")
                    .help("remove the duplicate"),
                );
                ok = false;
                continue;
            }
            seen.insert(&field.name, field.span);
            match self.resolve_path(fields, &field.name, field.span) {
                Some(path) => paths.push(path),
                None => ok = false,
            }
        }
        ok.then(|| Index {
            name: name.name.clone(),
            rust: super::names::rust_snake(&name.name),
            fields: paths,
            span: name.span,
        })
    }

    /// Follows `a.b.c` through nested objects, reporting the first
    /// segment that does not exist.
    fn resolve_path(&mut self, table: TypeId, path: &str, span: Span) -> Option<Vec<String>> {
        let mut current = Some(table);
        let mut segments = Vec::new();
        let mut offset = 0;
        for segment in path.split('.') {
            let segment_span = if span.len() == path.len() {
                Span::new(span.start + offset, span.start + offset + segment.len())
            } else {
                span
            };
            offset += segment.len() + 1;
            let object = current.unwrap_or(table);
            let body = match (current, &self.ty(object).body) {
                (Some(_), TypeBody::Object(body)) => body,
                _ => {
                    let parent = segments.join(".");
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::IndexField,
                            segment_span,
                            format!("`{parent}` is not an object, so it has no field `{segment}`"),
                        )
                        .label("no such field")
                        .help("only fields of nested objects can be reached with dots"),
                    );
                    return None;
                }
            };
            let Some(field) = body.fields.iter().find(|f| f.name.wire == segment) else {
                let names: Vec<&str> = body.fields.iter().map(|f| f.name.wire.as_str()).collect();
                let owner = self.ty(object).rust_name.clone();
                let help = did_you_mean(segment, names.iter().copied());
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::IndexField,
                        segment_span,
                        format!("`{owner}` has no field `{segment}`"),
                    )
                    .label("no such field")
                    .help_opt(help)
                    .help_opt(Some(format!(
                        "fields: {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))),
                );
                return None;
            };
            segments.push(segment.to_string());
            current = match &field.ty {
                Ty::Named(id) => Some(*id),
                Ty::Nullable(inner) => match **inner {
                    Ty::Named(id) => Some(id),
                    _ => None,
                },
                _ => None,
            };
        }
        Some(segments)
    }
}
