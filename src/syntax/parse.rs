//! YAML nodes to the syntax tree: which keys exist where, and what shape
//! each value has. Names are validated later, by the checker.

use super::ast::*;
use super::type_expr;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::ir::FunctionKind;
use crate::suggest::did_you_mean;
use crate::yaml::{Entry, Node, NodeKind, ScalarStyle};

pub(crate) const TOP_KEYS: &[&str] = &["version", "types", "tables", "functions"];
pub(crate) const TABLE_KEYS: &[&str] = &["doc", "typeName", "fields", "indexes"];
pub(crate) const FUNCTION_KEYS: &[&str] = &["kind", "doc", "internal", "args", "returns"];
pub(crate) const SETTINGS: &[&str] = &["$doc", "$name", "$type"];
const KINDS: &[&str] = &["query", "mutation", "action"];

/// Reads the document root. An empty file or a non-mapping root is an
/// error; everything else is reported key by key. The tree is consumed:
/// each table, type and module is freed once read, so the tree and the
/// syntax tree are never both held whole.
pub fn parse_schema(root: Option<Node<'_>>, eof: usize, diagnostics: &mut Diagnostics) -> Schema {
    let mut p = SchemaParser { diagnostics };
    let mut schema = Schema::default();
    let root = match root {
        Some(root) if !root.is_null() => root,
        _ => {
            p.diagnostics.push(
                Diagnostic::error(
                    Code::MissingKey,
                    crate::source::Span::new(eof, eof),
                    "the schema is empty",
                )
                .label("expected `version: 1` and `tables:`")
                .help("run `schemabridge init` for a starter schema"),
            );
            return schema;
        }
    };
    let start = crate::source::Span::new(root.span.start, root.span.start);
    if p.mapping(&root, "the schema").is_none() {
        return schema;
    }
    let mut version = false;
    let mut tables = false;
    for Entry { key, value } in p.owned_entries(root, "the schema") {
        match p.key(&key, TOP_KEYS, "top-level key") {
            Some("version") => {
                version = true;
                if value.as_str() != Some("1") {
                    p.diagnostics.push(
                        Diagnostic::error(
                            Code::UnsupportedVersion,
                            value.span,
                            "unsupported schema version",
                        )
                        .label("expected `1`")
                        .help("the only schema version is 1: write `version: 1`"),
                    );
                }
            }
            Some("types") => {
                let types = p.named_types(value);
                schema.sections.push(Section::Types(types));
            }
            Some("tables") => {
                tables = true;
                let list = p.tables(value);
                schema.sections.push(Section::Tables(list));
            }
            Some("functions") => {
                let modules = p.modules(value);
                schema.sections.push(Section::Functions(modules));
            }
            _ => {}
        }
    }
    for (present, key, help) in [
        (version, "version", "add `version: 1` at the top"),
        (
            tables,
            "tables",
            "add `tables: {}` if there are no tables yet",
        ),
    ] {
        if !present {
            p.diagnostics.push(
                Diagnostic::error(Code::MissingKey, start, format!("missing `{key}`"))
                    .label(format!("`{key}` is required"))
                    .help(help),
            );
        }
    }
    schema
}

struct SchemaParser<'d> {
    diagnostics: &'d mut Diagnostics,
}

impl SchemaParser<'_> {
    fn wrong_kind(&mut self, node: &Node, expected: &str, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::WrongKind,
                node.span,
                format!("{what} must be {expected}, not {}", node.kind_name()),
            )
            .label(format!("expected {expected}")),
        );
    }

    fn mapping<'n>(&mut self, node: &'n Node<'n>, what: &str) -> Option<&'n [Entry<'n>]> {
        match &node.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => {
                self.wrong_kind(node, "a mapping", what);
                None
            }
        }
    }

    /// A mapping that may also be written as null (`types:` with nothing under it).
    fn optional_mapping<'n>(&mut self, node: &'n Node<'n>, what: &str) -> &'n [Entry<'n>] {
        if node.is_null() {
            return &[];
        }
        self.mapping(node, what).unwrap_or(&[])
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.as_str() {
            Some(text) => Some(text.to_string()),
            None => {
                self.wrong_kind(node, "text", what);
                None
            }
        }
    }

    /// A YAML boolean (`true`/`false` as plain scalars); anything else is
    /// reported and read as `false`.
    fn boolean(&mut self, node: &Node, what: &str) -> bool {
        let plain = node
            .as_scalar()
            .filter(|s| s.style == ScalarStyle::Plain)
            .map(|s| s.value.as_ref());
        match plain {
            Some("true" | "True" | "TRUE") => true,
            Some("false" | "False" | "FALSE") => false,
            _ => {
                let found = match node.as_str() {
                    Some(text) => format!("`{text}`"),
                    None => node.kind_name().to_string(),
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::WrongKind,
                        node.span,
                        format!("{what} must be `true` or `false`, not {found}"),
                    )
                    .label("expected `true` or `false`"),
                );
                false
            }
        }
    }

    /// A name given as a value (`typeName: User`), which must be text.
    fn name_value(&mut self, node: &Node, what: &str) -> Option<Ident> {
        self.text(node, what)?;
        Some(self.ident(node))
    }

    fn ident(&mut self, node: &Node) -> Ident {
        Ident {
            name: node.as_str().unwrap_or_default().to_string(),
            span: node.span,
        }
    }

    /// Checks a key against the keys allowed at this place.
    fn key<'k>(&mut self, key: &Node, allowed: &[&'k str], what: &str) -> Option<&'k str> {
        let name = key.as_str().unwrap_or_default();
        if let Some(found) = allowed.iter().find(|k| **k == name) {
            return Some(found);
        }
        self.diagnostics.push(
            Diagnostic::error(
                Code::UnknownKey,
                key.span,
                format!("unknown {what} `{name}`"),
            )
            .label("not recognized here")
            .help_opt(did_you_mean(name, allowed.iter().copied()))
            .help_opt(Some(format!("expected one of {}", list(allowed)))),
        );
        None
    }

    /// The entries of a mapping (or of null), taken out of the tree.
    fn owned_entries<'a>(&mut self, node: Node<'a>, what: &str) -> Vec<Entry<'a>> {
        match node.kind {
            NodeKind::Mapping(entries) => entries,
            _ if node.is_null() => Vec::new(),
            _ => {
                self.wrong_kind(&node, "a mapping", what);
                Vec::new()
            }
        }
    }

    fn named_types(&mut self, node: Node<'_>) -> Vec<NamedType> {
        self.owned_entries(node, "`types`")
            .into_iter()
            .map(|e| NamedType {
                name: self.ident(&e.key),
                decl: self.type_decl(&e.value),
            })
            .collect()
    }

    /// A type in type position: a scalar is a type expression, a mapping
    /// is an object or a `$type` with settings.
    fn type_decl(&mut self, node: &Node) -> TypeDecl {
        let span = node.span;
        match &node.kind {
            NodeKind::Scalar(scalar)
                if scalar.style == crate::yaml::ScalarStyle::Plain
                    && matches!(scalar.value.as_ref(), "" | "~") =>
            {
                self.diagnostics.push(
                    Diagnostic::error(Code::TypeSyntax, span, "missing type")
                        .label("expected a type here")
                        .help("write a type such as `string`; the null type is written `null`"),
                );
                TypeDecl {
                    kind: DeclKind::Expr(TypeExpr {
                        kind: ExprKind::Scalar(ScalarType::Any),
                        span,
                    }),
                    doc: None,
                    name: None,
                    span,
                }
            }
            NodeKind::Scalar(_) => TypeDecl {
                kind: DeclKind::Expr(self.expr(node)),
                doc: None,
                name: None,
                span,
            },
            NodeKind::Sequence(_) => {
                self.diagnostics.push(
                    Diagnostic::error(Code::WrongKind, span, "a type cannot be a YAML list")
                        .label("expected a type expression or a mapping of fields")
                        .help("for a list type write `array<T>` or `T[]`"),
                );
                TypeDecl {
                    kind: DeclKind::Object(Vec::new()),
                    doc: None,
                    name: None,
                    span,
                }
            }
            NodeKind::Mapping(entries) => self.object_decl(entries, span),
        }
    }

    fn object_decl(&mut self, entries: &[Entry], span: crate::source::Span) -> TypeDecl {
        let mut doc = None;
        let mut name = None;
        let mut explicit: Option<(&Node, TypeDecl)> = None;
        let mut fields = Vec::new();
        for Entry { key, value } in entries {
            let key_text = key.as_str().unwrap_or_default();
            if key_text.starts_with('$') {
                match self.setting(key) {
                    Some("$doc") => doc = self.text(value, "`$doc`"),
                    Some("$name") => name = self.name_value(value, "`$name`"),
                    Some("$type") => explicit = Some((key, self.type_decl(value))),
                    _ => {}
                }
                continue;
            }
            fields.push(self.field(key, value));
        }
        if let Some((type_key, mut decl)) = explicit {
            if let Some(first) = fields.first() {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::TypeWithFields,
                        first.name.span,
                        "a mapping with `$type` cannot also list fields",
                    )
                    .label("field next to `$type`")
                    .related(type_key.span, "`$type` given here")
                    .help("move the fields into a named type, or drop `$type`"),
                );
            }
            decl.doc = doc.or(decl.doc);
            decl.name = name.or(decl.name);
            decl.span = span;
            return decl;
        }
        TypeDecl {
            kind: DeclKind::Object(fields),
            doc,
            name,
            span,
        }
    }

    fn setting(&mut self, key: &Node) -> Option<&'static str> {
        let name = key.as_str().unwrap_or_default();
        if let Some(found) = SETTINGS.iter().find(|k| **k == name) {
            return Some(found);
        }
        self.diagnostics.push(
            Diagnostic::error(Code::UnknownSetting, key.span, format!("unknown setting `{name}`"))
                .label("not a setting")
                .help_opt(did_you_mean(name, SETTINGS.iter().copied()))
                .help_opt(Some(
                    "keys starting with `$` are settings: `$doc`, `$name` or `$type`; field names cannot start with `$`"
                        .to_string(),
                )),
        );
        None
    }

    fn field(&mut self, key: &Node, value: &Node) -> FieldDecl {
        let mut name = self.ident(key);
        let optional = name.name.ends_with('?');
        if optional {
            name.name.pop();
            name.span.end = name.span.end.saturating_sub(1).max(name.span.start);
        }
        FieldDecl {
            name,
            optional,
            decl: self.type_decl(value),
        }
    }

    fn fields(&mut self, node: &Node, what: &str) -> Vec<FieldDecl> {
        let entries = self.optional_mapping(node, what);
        entries
            .iter()
            .map(|e| self.field(&e.key, &e.value))
            .collect()
    }

    fn expr(&mut self, node: &Node) -> TypeExpr {
        type_expr::parse(node, self.diagnostics).unwrap_or(TypeExpr {
            // A placeholder after a reported syntax error; it resolves to
            // `any` so that one mistake does not cascade.
            kind: ExprKind::Scalar(ScalarType::Any),
            span: node.span,
        })
    }

    fn tables(&mut self, node: Node<'_>) -> Vec<Table> {
        self.owned_entries(node, "`tables`")
            .into_iter()
            .map(|e| self.table(&e.key, &e.value))
            .collect()
    }

    fn table(&mut self, key: &Node, node: &Node) -> Table {
        let mut table = Table {
            name: self.ident(key),
            doc: None,
            type_name: None,
            fields: Vec::new(),
            indexes: Vec::new(),
        };
        let Some(entries) = self.mapping(node, "a table") else {
            return table;
        };
        let mut has_fields = false;
        for Entry { key, value } in entries {
            match self.key(key, TABLE_KEYS, "table key") {
                Some("doc") => table.doc = self.text(value, "`doc`"),
                Some("typeName") => table.type_name = self.name_value(value, "`typeName`"),
                Some("fields") => {
                    has_fields = true;
                    table.fields = self.fields(value, "`fields`");
                }
                Some("indexes") => table.indexes = self.indexes(value),
                _ => {}
            }
        }
        if !has_fields {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::MissingKey,
                    key.span,
                    format!("table `{}` has no `fields`", table.name.name),
                )
                .label("missing `fields`")
                .help("add `fields:` with one entry per field (`fields: {}` for none)"),
            );
        }
        table
    }

    fn indexes(&mut self, node: &Node) -> Vec<IndexDecl> {
        let entries = self.optional_mapping(node, "`indexes`");
        let mut indexes = Vec::new();
        for Entry { key, value } in entries {
            let name = self.ident(key);
            let fields = match &value.kind {
                NodeKind::Sequence(items) => items
                    .iter()
                    .filter_map(|item| self.text(item, "an index field").map(|_| self.ident(item)))
                    .collect(),
                NodeKind::Scalar(_) => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::WrongKind,
                            value.span,
                            "an index lists its fields in a sequence",
                        )
                        .label("expected a list of field names")
                        .help(format!("write `[{}]`", value.as_str().unwrap_or_default())),
                    );
                    continue;
                }
                NodeKind::Mapping(_) => {
                    self.wrong_kind(value, "a sequence of field names", "an index");
                    continue;
                }
            };
            indexes.push(IndexDecl {
                name,
                fields,
                list_span: value.span,
            });
        }
        indexes
    }

    fn modules(&mut self, node: Node<'_>) -> Vec<Module> {
        let mut modules = Vec::new();
        for Entry { key, value } in self.owned_entries(node, "`functions`") {
            let functions = self
                .optional_mapping(&value, "a module")
                .iter()
                .filter_map(|e| self.function(&e.key, &e.value))
                .collect();
            modules.push(Module {
                name: self.ident(&key),
                functions,
            });
        }
        modules
    }

    fn function(&mut self, key: &Node, node: &Node) -> Option<FunctionDecl> {
        let entries = self.mapping(node, "a function")?;
        let mut kind = None;
        let mut kind_seen = false;
        let mut function = FunctionDecl {
            name: self.ident(key),
            kind: FunctionKind::Query,
            doc: None,
            internal: false,
            args: Vec::new(),
            returns: None,
        };
        for Entry { key, value } in entries {
            match self.key(key, FUNCTION_KEYS, "function key") {
                Some("kind") => {
                    kind_seen = true;
                    kind = self.function_kind(value);
                }
                Some("doc") => function.doc = self.text(value, "`doc`"),
                Some("internal") => function.internal = self.boolean(value, "`internal`"),
                Some("args") => function.args = self.fields(value, "`args`"),
                Some("returns") => function.returns = Some(self.type_decl(value)),
                _ => {}
            }
        }
        if !kind_seen {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::MissingKey,
                    key.span,
                    format!("function `{}` has no `kind`", function.name.name),
                )
                .label("missing `kind`")
                .help("add `kind: query`, `kind: mutation` or `kind: action`"),
            );
        }
        // A missing or bad kind was reported; keep checking the rest.
        function.kind = kind.unwrap_or(FunctionKind::Query);
        Some(function)
    }

    fn function_kind(&mut self, node: &Node) -> Option<FunctionKind> {
        match node.as_str() {
            Some("query") => Some(FunctionKind::Query),
            Some("mutation") => Some(FunctionKind::Mutation),
            Some("action") => Some(FunctionKind::Action),
            other => {
                let text = other.unwrap_or_default();
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidFunctionKind,
                        node.span,
                        format!("`{text}` is not a function kind"),
                    )
                    .label("unknown kind")
                    .help_opt(did_you_mean(text, KINDS.iter().copied()))
                    .help_opt(Some(
                        "a function is a `query`, a `mutation` or an `action`".to_string(),
                    )),
                );
                None
            }
        }
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
