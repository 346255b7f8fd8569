//! The catalog of diagnostic codes. Each code's string is stable: users
//! match on it in CI scripts and editors, so a code is never renamed.

macro_rules! codes {
    ($($variant:ident => $name:literal: $what:literal,)*) => {
        /// A stable diagnostic code, printed as `schemabridge::<name>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(#[doc = $what] $variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The full code, e.g. `schemabridge::unknown_type`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => concat!("schemabridge::", $name),)*
                }
            }

            /// The part after `schemabridge::`, as fixture files name it.
            pub fn short_name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One line on what the code means, for documentation.
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $what,)*
                }
            }
        }
    };
}

codes! {
    InvalidUtf8 => "invalid_utf8": "The schema file is not UTF-8 text.",
    YamlSyntax => "yaml_syntax": "The file is not well-formed YAML.",
    DuplicateKey => "duplicate_key": "A key appears twice in one YAML mapping.",
    YamlAnchor => "yaml_anchor": "YAML anchors and aliases are not allowed; use `types:` for reuse.",
    YamlTag => "yaml_tag": "YAML tags (`!foo`) are not allowed.",
    MultipleDocuments => "multiple_documents": "The file holds more than one YAML document.",
    TooDeep => "too_deep": "Nesting deeper than 32 levels.",
    WrongKind => "wrong_kind": "A value has the wrong YAML shape (e.g. a list where a mapping belongs).",
    MissingKey => "missing_key": "A required key is missing.",
    UnknownKey => "unknown_key": "A key that the schema language does not define.",
    UnknownSetting => "unknown_setting": "A `$` key other than `$doc`, `$name` and `$type`.",
    TypeWithFields => "type_with_fields": "A mapping with `$type` also lists fields.",
    UnsupportedVersion => "unsupported_version": "`version` is not 1.",
    TypeSyntax => "type_syntax": "A type expression does not parse.",
    UnknownType => "unknown_type": "A type name that is neither built in nor declared under `types:`.",
    UnknownTable => "unknown_table": "`id<…>` or `doc<…>` names a table that does not exist.",
    InvalidRecordKey => "invalid_record_key": "A record key type other than `string` or `id<table>`.",
    InvalidName => "invalid_name": "A table, module, function or type name breaks the naming rules.",
    InvalidFieldName => "invalid_field_name": "A field name breaks the naming rules.",
    InvalidIndexName => "invalid_index_name": "An index name breaks the naming rules.",
    ReservedName => "reserved_name": "A name that schemabridge itself uses.",
    NameCollision => "name_collision": "Two names become the same identifier in generated code.",
    IndexField => "index_field": "An index lists a field its table does not have.",
    IndexDuplicateField => "index_duplicate_field": "An index lists a field twice.",
    IndexSize => "index_size": "An index lists no fields, or more than 16.",
    InvalidFunctionKind => "invalid_function_kind": "`kind` is not `query`, `mutation` or `action`.",
    InvalidAuth => "invalid_auth": "`auth` is not `required` or `optional`.",
    InfiniteType => "infinite_type": "A recursive type with no finite value.",
    DirectRecursion => "direct_recursion": "A type refers to itself through unions and aliases alone, with no object, array or record in between.",
    AnyInUnion => "any_in_union": "`any` inside a union swallows every other member.",
    DuplicateUnionMember => "duplicate_union_member": "A union lists the same member twice.",
    RedundantLiteral => "redundant_literal": "A union lists a literal next to its own base type.",
    OverlappingUnion => "overlapping_union": "Two members of an untagged union accept the same values.",
}
