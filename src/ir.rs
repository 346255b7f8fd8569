//! The resolved model of a schema: the only thing emitters and `diff` read.
//!
//! Every name an emitter prints was decided by the checker: wire names, Rust
//! identifiers (already escaped for keywords) and TypeScript names. Emitters
//! never sanitize, deduplicate or look at YAML. Generated types live in one
//! arena (`Schema::types`) and are referenced by [`TypeId`], so recursive and
//! forward references need no special case.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The schema file's name as given on the command line, for headers.
    pub source_name: String,
    /// A stable hash of the schema's meaning, shared by server and client
    /// so that each can notice the other was generated from another schema.
    pub fingerprint: String,
    /// Every generated type, in the order of the schema file (a parent
    /// before the types nested in it).
    pub types: Vec<TypeDef>,
    pub tables: Vec<Table>,
    pub modules: Vec<Module>,
}

impl Schema {
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0 as usize]
    }

    pub fn table(&self, id: TableId) -> &Table {
        &self.tables[id.0 as usize]
    }
}

/// Index into [`Schema::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub u32);

/// Index into [`Schema::tables`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableId(pub u32);

/// Index into [`Schema::modules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleId(pub u32);

/// A name as it appears on the wire and in each language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The name in JSON, exactly as written in the schema.
    pub wire: String,
    /// A Rust identifier, escaped (`r#type`, `self_`) where needed.
    pub rust: String,
    /// A TypeScript property key: the wire name when it is an identifier,
    /// otherwise a quoted string literal (`"first-name"`).
    pub ts: String,
}

/// A generated named type: a struct or interface, an enum, or an alias.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust type name, unique within its [`Scope`].
    pub rust_name: String,
    /// The TypeScript type name, unique across `schema.ts`.
    pub ts_name: String,
    pub doc: Option<String>,
    /// Where the Rust item is emitted: at the top of the file, or inside a
    /// schema module's `mod` (function args and their nested types).
    pub scope: Scope,
    pub origin: Origin,
    /// Where the type is written in the schema.
    pub span: Span,
    pub body: TypeBody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Root,
    Module(ModuleId),
}

/// Why a type exists; `diff` and the dump use it to name things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Declared under `types:`.
    Named,
    /// The fields of a table (`User`); its document type is derived.
    Table(TableId),
    /// An object or union written inline inside another type.
    Nested,
    /// The `<Function>Args` of a function.
    Args,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeBody {
    Object(Object),
    /// A union of string literals only: Rust unit variants with renames,
    /// TypeScript a union of string literal types.
    StringEnum(Vec<EnumVariant>),
    /// Objects told apart by one field holding distinct string literals:
    /// Rust `#[serde(tag = "…")]` with struct variants that leave the tag
    /// field out; TypeScript a union of the member types.
    Tagged(TaggedUnion),
    /// Any other union: Rust `#[serde(untagged)]`, TypeScript `A | B`.
    Untagged(Vec<UntaggedVariant>),
    /// A named type that is not an object or union (`Email: string`).
    Alias(Alias),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: Name,
    pub doc: Option<String>,
    /// Written with `?`: the field may be absent.
    pub optional: bool,
    pub ty: Ty,
    /// The field's type closes a cycle that only a heap pointer can break
    /// in Rust: print `Box<T>` (inside the `Option` when optional or
    /// nullable).
    pub boxed: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The literal's text on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub rust: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedUnion {
    /// The discriminating field (its `rust` name is unused by serde but
    /// kept for documentation).
    pub tag: Name,
    pub variants: Vec<TaggedVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// The value of the tag field for this variant.
    pub tag_value: String,
    /// The Rust variant name.
    pub rust: String,
    /// The member type (an object type) as TypeScript refers to it; its
    /// fields include the tag.
    pub member: TypeId,
    /// The member's fields without the tag, as the Rust struct variant
    /// holds them.
    pub fields: Vec<Field>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedVariant {
    /// The Rust variant name.
    pub rust: String,
    pub ty: Ty,
    /// As [`Field::boxed`].
    pub boxed: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    pub ty: Ty,
    /// The alias is part of a cycle (`Tree: array<Tree>`). Rust cannot
    /// have recursive type aliases, so it becomes a transparent newtype.
    pub newtype: bool,
    /// The newtype holds itself inline (`A: A | null`): as
    /// [`Field::boxed`], its content needs a `Box`.
    pub boxed: bool,
}

/// A type expression after resolution. Objects and unions other than
/// `T | null` are always [`Ty::Named`]: the checker gave them a name.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    Float64,
    Int64,
    Boolean,
    Bytes,
    Null,
    Any,
    Id(TableId),
    Doc(TableId),
    Array(Box<Ty>),
    /// Keys are [`Ty::String`] or [`Ty::Id`].
    Record(Box<Ty>, Box<Ty>),
    /// `T | null`.
    Nullable(Box<Ty>),
    /// A lone number or boolean literal (string literals become a
    /// [`TypeBody::StringEnum`]). Rust prints the base type.
    Literal(Literal),
    Named(TypeId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    /// The number as written, for TypeScript, and its value.
    Number {
        text: String,
        value: f64,
    },
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The table name, used on the wire and in `Id<"users">`.
    pub name: String,
    pub doc: Option<String>,
    /// The object type of the table's fields (`User`).
    pub fields: TypeId,
    /// The Rust document struct (`UserDoc`); TypeScript uses `Doc<"users">`.
    pub doc_rust_name: String,
    /// The TypeScript document interface (`UserDoc`), which `Doc<"users">`
    /// resolves to.
    pub doc_ts_name: String,
    /// The Rust names of the table's typed storage access.
    pub storage: TableStorage,
    pub indexes: Vec<Index>,
    pub span: Span,
}

/// The Rust items that give typed access to one table's documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableStorage {
    /// The method of the generated `Db` that opens the table
    /// (`ctx.db().users()`), escaped where needed.
    pub method: String,
    /// The patch struct (`UserPatch`).
    pub patch: String,
    /// The table handle, with one method per index (`UserTable`).
    pub handle: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    /// The method of the table handle that queries the index (the name,
    /// escaped where it is a Rust keyword).
    pub rust: String,
    /// Field paths, each a list of wire names (`birthDetails.date` is
    /// `["birthDetails", "date"]`).
    pub fields: Vec<Vec<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// The module name as in URLs (`/api/users/getProfile`) and `api.users`.
    pub name: Name,
    pub functions: Vec<Function>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    Query,
    Mutation,
    Action,
}

impl FunctionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FunctionKind::Query => "query",
            FunctionKind::Mutation => "mutation",
            FunctionKind::Action => "action",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// `wire` is the URL segment and `api` key; `rust` the trait method.
    pub name: Name,
    pub kind: FunctionKind,
    pub doc: Option<String>,
    /// `internal: true`: not served over the network and not in the
    /// TypeScript `api`; other functions run it through their context.
    pub internal: bool,
    /// The `<Function>Args` object type, scoped to the module in Rust.
    pub args: TypeId,
    /// The TypeScript name of the result type (`UsersGetProfileResult`).
    pub returns_ts_name: String,
    pub returns: Ty,
    pub span: Span,
}
