//! Pass 2: type declarations become model types. Objects and unions
//! written inline get their generated names here; every reference to a
//! table or named type is resolved.

use std::collections::HashMap;
use std::rc::Rc;

use super::declare::Declared;
use super::names::{self, member_name};
use super::unions::PendingUnion;
use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, EnumVariant, Field, Origin, Scope, TableId, Ty, TypeBody, TypeId};
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{
    self, DeclKind, ExprKind, FieldDecl, Ident, LiteralValue, ScalarType, Section, TypeDecl,
    TypeExpr,
};

/// How the types generated inside one declaration are named: the first
/// gets `base` (`User` + `BirthDetails`), later ones a number suffix.
pub(super) struct Naming<'a> {
    base: Rc<str>,
    /// A field name whose PascalCase is appended to `base`; kept apart so
    /// the name is only built when a type is actually generated.
    field: Option<&'a str>,
    scope: Scope,
    /// Prepended to TypeScript names of module types, whose Rust names are
    /// only unique within their module.
    ts_prefix: Rc<str>,
    parent: TypeId,
    count: u32,
    /// A `$name` that replaces the first generated name.
    explicit: Option<Ident>,
    /// The field name a generated name derives from: where a collision of
    /// that name is best pointed at.
    field_span: Option<Span>,
}

impl<'a> Naming<'a> {
    fn new(base: impl Into<Rc<str>>, scope: Scope, ts_prefix: &str, parent: TypeId) -> Self {
        Naming {
            base: base.into(),
            field: None,
            scope,
            ts_prefix: Rc::from(ts_prefix),
            parent,
            count: 0,
            explicit: None,
            field_span: None,
        }
    }

    /// The next (Rust, TypeScript) name pair, and where the name came from.
    fn next(&mut self, derived_from: Span) -> (String, String, Span) {
        self.count += 1;
        let (rust, span) = match self.explicit.take() {
            // The user's name is the name in both languages:
            // no module prefix in TypeScript.
            Some(ident) => return (ident.name.clone(), ident.name, ident.span),
            None if self.count == 1 => (self.base(), self.field_span.unwrap_or(derived_from)),
            None => (
                format!("{}{}", self.base(), self.count),
                self.field_span.unwrap_or(derived_from),
            ),
        };
        (rust.clone(), format!("{}{rust}", self.ts_prefix), span)
    }

    fn base(&self) -> String {
        match &self.field {
            Some(field) => format!("{}{}", self.base, names::pascal(field)),
            None => self.base.to_string(),
        }
    }

    /// The naming of the types inside a new generated type; `explicit`:
    /// the type was named with `$name`, so the names derived from it are
    /// the user's too and carry no module prefix in TypeScript.
    fn child(&self, base: String, parent: TypeId, explicit: bool) -> Naming<'a> {
        Naming {
            base: base.into(),
            field: None,
            scope: self.scope,
            ts_prefix: if explicit {
                Rc::from("")
            } else {
                self.ts_prefix.clone()
            },
            parent,
            count: 0,
            explicit: None,
            field_span: None,
        }
    }

    /// The naming of the types inside one field of this object.
    fn field<'f>(&self, owner: &Rc<str>, field: &'f Ident) -> Naming<'f> {
        Naming {
            base: owner.clone(),
            field: Some(field.name.as_str()),
            scope: self.scope,
            ts_prefix: self.ts_prefix.clone(),
            parent: self.parent,
            count: 0,
            explicit: None,
            field_span: Some(field.span),
        }
    }
}

impl Checker<'_> {
    /// Lowers every declaration, emptying each once it is done: later
    /// passes read only the model (and the tables' index lists).
    pub(super) fn lower(&mut self, schema: &mut ast::Schema, declared: &Declared) {
        let mut named_ids = declared.named.iter();
        let mut table_ids = declared.tables.iter();
        for section in &mut schema.sections {
            match section {
                Section::Types(types) => {
                    for (named, &id) in types.iter().zip(named_ids.by_ref()) {
                        self.lower_named(id, &named.decl);
                    }
                    *types = Vec::new();
                }
                Section::Tables(tables) => {
                    for (table, &id) in tables.iter_mut().zip(table_ids.by_ref()) {
                        self.lower_table(id, table);
                        table.fields = Vec::new();
                    }
                }
                Section::Functions(modules) => {
                    for module in modules.iter() {
                        self.lower_module(module);
                    }
                    *modules = Vec::new();
                }
            }
        }
    }

    fn lower_named(&mut self, id: TypeId, decl: &TypeDecl) {
        let name = self.ty(id).rust_name.clone();
        self.ty_mut(id).doc = decl.doc.clone();
        let body = match &decl.kind {
            DeclKind::Object(fields) => {
                let mut naming = Naming::new(name, Scope::Root, "", id);
                TypeBody::Object(self.lower_object(fields, &mut naming, false))
            }
            DeclKind::Expr(expr) => {
                let mut naming = Naming::new(format!("{name}Item"), Scope::Root, "", id);
                match &expr.kind {
                    ExprKind::Union(members) => {
                        self.lower_union(members, expr.span, Some(id), &mut naming);
                        return;
                    }
                    ExprKind::Literal(LiteralValue::String(value)) => {
                        TypeBody::StringEnum(vec![EnumVariant {
                            wire: value.clone(),
                            rust: names::rust_variant(value),
                            span: expr.span,
                        }])
                    }
                    _ => TypeBody::Alias(ir::Alias {
                        ty: self.lower_expr(expr, &mut naming),
                        newtype: false,
                        boxed: false,
                    }),
                }
            }
        };
        self.ty_mut(id).body = body;
    }

    fn lower_table(&mut self, table_id: TableId, table: &ast::Table) {
        let id = self.tables[table_id.0 as usize].fields;
        let name = self.ty(id).rust_name.clone();
        self.ty_mut(id).doc = table.doc.clone();
        let mut naming = Naming::new(name, Scope::Root, "", id);
        let object = self.lower_object(&table.fields, &mut naming, true);
        self.ty_mut(id).body = TypeBody::Object(object);
    }

    fn lower_module(&mut self, module: &ast::Module) {
        let module_id = ir::ModuleId(self.modules.len() as u32);
        self.check_plain_name(&module.name, "module");
        let scope = Scope::Module(module_id);
        let prefix = names::pascal(&module.name.name);
        let mut functions = Vec::new();
        for function in &module.functions {
            self.check_plain_name(&function.name, "function");
            let base = names::pascal(&function.name.name);
            let args_name = format!("{base}Args");
            let args = self.alloc(
                args_name.clone(),
                format!("{prefix}{args_name}"),
                scope,
                Origin::Args,
                function.name.span,
                None,
            );
            let mut naming = Naming::new(args_name, scope, &prefix, args);
            let object = self.lower_object(&function.args, &mut naming, false);
            self.ty_mut(args).body = TypeBody::Object(object);
            let returns = match &function.returns {
                None => Ty::Null,
                Some(decl) => {
                    // Not `…Result`: that is the TypeScript alias of the
                    // whole result type, which may refer to this one.
                    let mut naming = Naming::new(format!("{base}Output"), scope, &prefix, args);
                    self.lower_position(decl, &mut naming)
                }
            };
            functions.push(ir::Function {
                name: member_name(&function.name.name),
                kind: function.kind,
                doc: function.doc.clone(),
                internal: function.internal,
                args,
                returns_ts_name: format!("{prefix}{base}Result"),
                returns,
                span: function.name.span,
            });
        }
        self.modules.push(ir::Module {
            name: member_name(&module.name.name),
            functions,
            span: module.name.span,
        });
    }

    fn check_plain_name(&mut self, ident: &Ident, what: &str) {
        if !names::is_plain_name(&ident.name) {
            self.diagnostics.push(
                Diagnostic::error(Code::InvalidName, ident.span, format!("invalid {what} name `{}`", ident.name))
                    .label(format!("not a valid {what} name"))
                    .help(format!("{what} names start with a letter, then letters, digits or `_`, at most 64 characters")),
            );
        }
    }

    /// The fields of an object. `naming.base` is the object's own name.
    fn lower_object(
        &mut self,
        fields: &[FieldDecl],
        owner: &mut Naming<'_>,
        is_table: bool,
    ) -> ir::Object {
        let owner_base: Rc<str> = owner.base().into();
        let mut lowered: Vec<Field> = Vec::with_capacity(fields.len());
        for field in fields {
            let wire = &field.name.name;
            let problem = names::field_name_problem(wire);
            if let Some(problem) = problem {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidFieldName,
                        field.name.span,
                        format!("invalid field name `{wire}`"),
                    )
                    .label("invalid field name")
                    .help(problem),
                );
            }
            let name = member_name(wire);
            let rust = names::unraw(&name.rust);
            // A document's `_id` and `_creationTime` are the Rust fields
            // `id` and `creation_time`; a table field may not take them.
            if is_table && problem.is_none() && (rust == "id" || rust == "creation_time") {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::ReservedName,
                        field.name.span,
                        format!("field `{wire}` would clash with the document's system field `{}`", if rust == "id" { "_id" } else { "_creationTime" }),
                    )
                    .label("reserved in tables")
                    .help(format!("every document already has `_id` and `_creationTime`; rename this field (e.g. `external{}`)", names::pascal(wire))),
                );
            }
            let mut naming = owner.field(&owner_base, &field.name);
            let ty = self.lower_position(&field.decl, &mut naming);
            lowered.push(Field {
                name,
                doc: field.decl.doc.clone(),
                optional: field.optional,
                ty,
                boxed: false,
                span: field.name.span,
            });
        }
        self.check_field_collisions(&lowered);
        ir::Object { fields: lowered }
    }

    /// Two fields of one object that become one Rust field (`userId`,
    /// `user_id`). Found by sorting, so no name is copied.
    fn check_field_collisions(&mut self, fields: &[Field]) {
        let mut order: Vec<&Field> = fields.iter().collect();
        order.sort_by(|a, b| {
            names::unraw(&a.name.rust)
                .cmp(names::unraw(&b.name.rust))
                .then(a.span.start.cmp(&b.span.start))
        });
        for pair in order.windows(2) {
            let (first, second) = (pair[0], pair[1]);
            let rust = names::unraw(&first.name.rust);
            if rust != names::unraw(&second.name.rust) {
                continue;
            }
            let (wire, other) = (&second.name.wire, &first.name.wire);
            let message = if other == wire {
                format!("field `{wire}` is declared twice")
            } else {
                format!("fields `{other}` and `{wire}` both become the Rust field `{rust}`")
            };
            self.diagnostics.push(
                Diagnostic::error(Code::NameCollision, second.span, message)
                    .label("second field")
                    .related(first.span, "first field")
                    .help("rename one of the two fields"),
            );
        }
    }

    /// A type in a field or result position.
    fn lower_position(&mut self, decl: &TypeDecl, naming: &mut Naming<'_>) -> Ty {
        if let Some(ident) = &decl.name {
            self.check_type_name(ident, "`$name`");
            naming.explicit = Some(ident.clone());
        }
        match &decl.kind {
            DeclKind::Object(fields) => {
                let id = self.alloc_nested(naming, decl.span);
                self.ty_mut(id).doc = decl.doc.clone();
                let explicit = decl.name.is_some();
                let mut inner = naming.child(self.ty(id).rust_name.clone(), id, explicit);
                let object = self.lower_object(fields, &mut inner, false);
                self.ty_mut(id).body = TypeBody::Object(object);
                Ty::Named(id)
            }
            DeclKind::Expr(expr) => {
                let ty = self.lower_expr(expr, naming);
                if let Some(ident) = naming.explicit.take() {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            Code::UnknownSetting,
                            ident.span,
                            "`$name` has no effect here",
                        )
                        .label("nothing to name")
                        .help("`$name` names a nested object or union; this type generates none"),
                    );
                }
                ty
            }
        }
    }

    fn lower_expr(&mut self, expr: &TypeExpr, naming: &mut Naming<'_>) -> Ty {
        match &expr.kind {
            ExprKind::Scalar(scalar) => scalar_ty(*scalar),
            ExprKind::Literal(LiteralValue::String(value)) => {
                let id = self.string_enum(&[(value.clone(), expr.span)], None, naming, expr.span);
                Ty::Named(id)
            }
            ExprKind::Literal(LiteralValue::Number { text, value }) => {
                Ty::Literal(ir::Literal::Number {
                    text: text.clone(),
                    value: *value,
                })
            }
            ExprKind::Literal(LiteralValue::Bool(value)) => Ty::Literal(ir::Literal::Bool(*value)),
            ExprKind::Id(table) => self.table_ref(table).map_or(Ty::Any, Ty::Id),
            ExprKind::Doc(table) => self.table_ref(table).map_or(Ty::Any, Ty::Doc),
            ExprKind::Array(item) => Ty::Array(Box::new(self.lower_expr(item, naming))),
            ExprKind::Record(key, value) => {
                let key_ty = self.lower_expr(key, naming);
                if !matches!(key_ty, Ty::String | Ty::Id(_) | Ty::Any) {
                    self.diagnostics.push(
                        Diagnostic::error(Code::InvalidRecordKey, key.span, "a record key must be `string` or `id<table>`")
                            .label("not a valid key type")
                            .help("JSON object keys are strings: use `record<string, V>` or `record<id<table>, V>`"),
                    );
                }
                let value_ty = self.lower_expr(value, naming);
                Ty::Record(Box::new(key_ty), Box::new(value_ty))
            }
            ExprKind::Union(members) => self.lower_union(members, expr.span, None, naming),
            ExprKind::Named(ident) => match self.named.get(&ident.name) {
                Some(&id) => Ty::Named(id),
                None => {
                    self.unknown_type(ident);
                    Ty::Any
                }
            },
        }
    }

    fn table_ref(&mut self, table: &Ident) -> Option<TableId> {
        if let Some(&id) = self.table_ids.get(&table.name) {
            return Some(id);
        }
        let mut tables: Vec<&str> = self.table_ids.keys().map(String::as_str).collect();
        tables.sort_unstable();
        let help = did_you_mean(&table.name, tables.iter().copied()).unwrap_or_else(|| {
            if tables.is_empty() {
                "declare the table under `tables:`".to_string()
            } else {
                format!(
                    "tables: {}",
                    tables
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        });
        self.diagnostics.push(
            Diagnostic::error(
                Code::UnknownTable,
                table.span,
                format!("unknown table `{}`", table.name),
            )
            .label("no such table")
            .help(help),
        );
        None
    }

    fn unknown_type(&mut self, ident: &Ident) {
        let name = ident.name.as_str();
        let table_by_type = self
            .tables
            .iter()
            .find(|t| self.types[t.fields.0 as usize].rust_name == name)
            .map(|t| t.name.clone());
        let help = if self.table_ids.contains_key(name) {
            Some(format!("`{name}` is a table: write `doc<{name}>` for one of its documents, or `id<{name}>` for a reference to one"))
        } else if let Some(table) = table_by_type {
            Some(format!("`{name}` is the type of table `{table}`: write `doc<{table}>` for a stored document, or `id<{table}>` for a reference"))
        } else {
            let mut named: Vec<&str> = self.named.keys().map(String::as_str).collect();
            named.sort_unstable();
            let builtins = ScalarType::NAMES.iter().map(|(n, _)| *n);
            did_you_mean(name, builtins.chain(named.iter().copied())).or_else(|| {
                self.was_quoted_in_yaml(ident.span).then(|| {
                    format!("to write the string literal \"{name}\", quote it inside the YAML string: '\"{name}\"'")
                })
            })
        };
        self.diagnostics.push(
            Diagnostic::error(Code::UnknownType, ident.span, format!("unknown type `{name}`"))
                .label("not a type")
                .help_opt(help)
                .help_opt(Some("types are built-in (`string`, `float64`, `int64`, `boolean`, `bytes`, `null`, `any`) or declared under `types:`".to_string())),
        );
    }

    /// Whether the YAML scalar around `span` was quoted: then the user
    /// probably meant a string literal, whose quotes YAML consumed.
    fn was_quoted_in_yaml(&self, span: Span) -> bool {
        let bytes = self.source.as_bytes();
        let before = span.start.checked_sub(1).and_then(|i| bytes.get(i));
        let after = bytes.get(span.end);
        matches!(
            (before, after),
            (Some(b'"'), Some(b'"')) | (Some(b'\''), Some(b'\''))
        )
    }

    /// A union. With `target`, the union becomes that named type.
    fn lower_union(
        &mut self,
        members: &[TypeExpr],
        span: Span,
        target: Option<TypeId>,
        naming: &mut Naming<'_>,
    ) -> Ty {
        let mut nulls: Vec<Span> = Vec::new();
        let mut literals: Vec<(String, Span)> = Vec::new();
        let mut others: Vec<&TypeExpr> = Vec::new();
        // Unions may be long (a hostile one has 100,000 members): duplicates
        // are found through maps, not by searching the members seen so far.
        let mut literal_spans: HashMap<&str, Span> = HashMap::new();
        for member in members {
            match &member.kind {
                ExprKind::Scalar(ScalarType::Null) => {
                    if let Some(&first) = nulls.first() {
                        self.duplicate_member(member.span, first, "null");
                    }
                    nulls.push(member.span);
                }
                ExprKind::Scalar(ScalarType::Any) => {
                    self.diagnostics.push(
                        Diagnostic::error(Code::AnyInUnion, member.span, "`any` inside a union")
                            .label("accepts every value")
                            .help("`any` already includes every other member; write `any` alone, or list the real members"),
                    );
                }
                ExprKind::Literal(LiteralValue::String(value)) => {
                    if let Some(&first) = literal_spans.get(value.as_str()) {
                        self.duplicate_member(member.span, first, &format!("\"{value}\""));
                    } else {
                        literal_spans.insert(value, member.span);
                        literals.push((value.clone(), member.span));
                    }
                }
                _ => others.push(member),
            }
        }
        let nullable = !nulls.is_empty();
        let wrap = |ty: Ty| {
            if nullable {
                Ty::Nullable(Box::new(ty))
            } else {
                ty
            }
        };

        // `T | null` and `"a" | null` need no union type of their own.
        if others.len() + usize::from(!literals.is_empty()) <= 1 && target.is_none() {
            return match (others.first(), literals.is_empty()) {
                (Some(only), _) => {
                    let ty = self.lower_expr(only, naming);
                    wrap(ty)
                }
                (None, false) => {
                    let id = self.string_enum(&literals, None, naming, span);
                    wrap(Ty::Named(id))
                }
                (None, true) => Ty::Null,
            };
        }
        // A named type that is nullable is an alias of `Option<…>` around a
        // union of its own (`Name` + `Value`). String literals alone are the
        // named type itself: `Role: '"owner" | "admin"'` is the enum `Role`.
        if let Some(target) = target {
            if nullable || (others.len() == 1 && literals.is_empty()) {
                let inner_members: Vec<TypeExpr> = members
                    .iter()
                    .filter(|m| !matches!(m.kind, ExprKind::Scalar(ScalarType::Null)))
                    .cloned()
                    .collect();
                let name = self.ty(target).rust_name.clone();
                let mut inner_naming = Naming::new(format!("{name}Value"), Scope::Root, "", target);
                let inner = match inner_members.as_slice() {
                    [] => Ty::Null,
                    [only] => self.lower_expr(only, &mut inner_naming),
                    many => self.lower_union(many, span, None, &mut inner_naming),
                };
                self.ty_mut(target).body = TypeBody::Alias(ir::Alias {
                    ty: wrap(inner),
                    newtype: false,
                    boxed: false,
                });
                return Ty::Named(target);
            }
        }
        if others.is_empty() {
            let id = self.string_enum(&literals, target, naming, span);
            return wrap(Ty::Named(id));
        }
        let id = match target {
            Some(id) => id,
            None => self.alloc_nested(naming, span),
        };
        let mut lowered: Vec<(Ty, Span)> = Vec::new();
        let mut member_spans: HashMap<String, Span> = HashMap::new();
        if !literals.is_empty() {
            let union = self.ty(id);
            let (rust, ts) = (
                format!("{}Literal", union.rust_name),
                format!("{}Literal", union.ts_name),
            );
            let group = self.alloc(
                rust,
                ts,
                union.scope,
                Origin::Nested,
                literals[0].1,
                Some(id),
            );
            self.fill_string_enum(group, &literals);
            lowered.push((Ty::Named(group), literals[0].1));
        }
        for member in others {
            let ty = self.lower_expr(member, naming);
            // `Ty` holds floats and has no `Hash`; its debug text is a
            // faithful key. `any` stands for unresolved members: no duplicates.
            let key = format!("{ty:?}");
            if !matches!(ty, Ty::Any) {
                if let Some(&first) = member_spans.get(&key) {
                    self.duplicate_member(member.span, first, "this type");
                    continue;
                }
                member_spans.insert(key, member.span);
            }
            lowered.push((ty, member.span));
        }
        self.pending_unions.push(PendingUnion {
            id,
            members: lowered,
            literal_group: !literals.is_empty(),
            literals: literals.iter().map(|(_, s)| *s).collect(),
        });
        wrap(Ty::Named(id))
    }

    /// A new type for an object or union written inline, named by `naming`.
    fn alloc_nested(&mut self, naming: &mut Naming<'_>, span: Span) -> TypeId {
        let (rust, ts, name_span) = naming.next(span);
        self.alloc(
            rust,
            ts,
            naming.scope,
            Origin::Nested,
            name_span,
            Some(naming.parent),
        )
    }

    fn string_enum(
        &mut self,
        literals: &[(String, Span)],
        target: Option<TypeId>,
        naming: &mut Naming<'_>,
        span: Span,
    ) -> TypeId {
        let id = match target {
            Some(id) => id,
            None => self.alloc_nested(naming, span),
        };
        self.fill_string_enum(id, literals);
        id
    }

    fn fill_string_enum(&mut self, id: TypeId, literals: &[(String, Span)]) {
        let mut seen: HashMap<String, (String, Span)> = HashMap::new();
        let mut variants = Vec::with_capacity(literals.len());
        for (value, span) in literals {
            let rust = names::rust_variant(value);
            if let Some((other, first)) = seen.get(&rust) {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::NameCollision,
                        *span,
                        format!(
                            "\"{other}\" and \"{value}\" both become the Rust variant `{rust}`"
                        ),
                    )
                    .label("second literal")
                    .related(*first, "first literal")
                    .help("use literals that differ in more than case and punctuation"),
                );
                continue;
            }
            seen.insert(rust.clone(), (value.clone(), *span));
            variants.push(EnumVariant {
                wire: value.clone(),
                rust,
                span: *span,
            });
        }
        self.ty_mut(id).body = TypeBody::StringEnum(variants);
    }

    fn duplicate_member(&mut self, span: Span, first: Span, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::DuplicateUnionMember,
                span,
                format!("{what} appears twice in this union"),
            )
            .label("duplicate member")
            .related(first, "first listed here")
            .help("remove the duplicate"),
        );
    }
}

fn scalar_ty(scalar: ScalarType) -> Ty {
    match scalar {
        ScalarType::String => Ty::String,
        ScalarType::Float64 => Ty::Float64,
        ScalarType::Int64 => Ty::Int64,
        ScalarType::Boolean => Ty::Boolean,
        ScalarType::Bytes => Ty::Bytes,
        ScalarType::Null => Ty::Null,
        ScalarType::Any => Ty::Any,
    }
}
