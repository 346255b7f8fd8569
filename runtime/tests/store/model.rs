//! A data model written the way the generator emits one.

#![allow(dead_code)]

use schemabridge_runtime::__private::{optional, validate, wire};
use schemabridge_runtime::{
    key, Access, IndexRange, IndexSchema, KeyRange, Patch, Query, Schema, Table, TableRow,
    TableSchema, Update,
};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Prefs {
    pub timezone: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub email: String,
    #[serde(with = "wire")]
    pub karma: i64,
    /// `age?: float64 | null`
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub age: Option<Option<f64>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::optional"
    )]
    pub avatar: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub prefs: Option<Prefs>,
    pub tags: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UserDoc {
    #[serde(rename = "_id")]
    pub id: schemabridge_runtime::Id<User>,
    #[serde(rename = "_creationTime")]
    pub creation_time: f64,
    pub name: String,
    pub email: String,
    #[serde(with = "wire")]
    pub karma: i64,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub age: Option<Option<f64>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::optional"
    )]
    pub avatar: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub prefs: Option<Prefs>,
    pub tags: Vec<String>,
}

#[derive(Default)]
pub struct UserPatch {
    pub name: Update<String>,
    pub email: Update<String>,
    pub karma: Update<i64>,
    pub age: Patch<Option<f64>>,
    pub avatar: Patch<Vec<u8>>,
    pub prefs: Patch<Prefs>,
    pub tags: Update<Vec<String>>,
}

impl TableRow for User {
    const TABLE: &'static str = "users";
    type Doc = UserDoc;
    type Patch = UserPatch;
    fn apply_patch(&mut self, patch: UserPatch) {
        patch.name.apply(&mut self.name);
        patch.email.apply(&mut self.email);
        patch.karma.apply(&mut self.karma);
        patch.age.apply(&mut self.age);
        patch.avatar.apply(&mut self.avatar);
        patch.prefs.apply(&mut self.prefs);
        patch.tags.apply(&mut self.tags);
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub author: schemabridge_runtime::Id<User>,
    pub text: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NoteDoc {
    #[serde(rename = "_id")]
    pub id: schemabridge_runtime::Id<Note>,
    #[serde(rename = "_creationTime")]
    pub creation_time: f64,
    pub author: schemabridge_runtime::Id<User>,
    pub text: String,
}

#[derive(Default)]
pub struct NotePatch {
    pub text: Update<String>,
}

impl TableRow for Note {
    const TABLE: &'static str = "notes";
    type Doc = NoteDoc;
    type Patch = NotePatch;
    fn apply_patch(&mut self, patch: NotePatch) {
        patch.text.apply(&mut self.text);
    }
}

/// A value of any schema type in its wire form: what an `any`-like field
/// holding int64 and bytes looks like in generated code.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum Val {
    Null(()),
    Int(#[serde(with = "wire")] i64),
    Bytes(#[serde(with = "wire")] Vec<u8>),
    Float(f64),
    Bool(bool),
    Str(String),
    Arr(Vec<Val>),
    Obj(std::collections::BTreeMap<String, Val>),
}

/// Values of any type, for the property test of index order.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Item {
    #[serde(with = "wire")]
    pub group: i64,
    /// Wire JSON as is: absent, or any value (null included).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub value: Option<Val>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub nested: Option<Nested>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Nested {
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub inner: Option<Val>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ItemDoc {
    #[serde(rename = "_id")]
    pub id: schemabridge_runtime::Id<Item>,
    #[serde(rename = "_creationTime")]
    pub creation_time: f64,
    #[serde(with = "wire")]
    pub group: i64,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub value: Option<Val>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub nested: Option<Nested>,
}

impl TableRow for Item {
    const TABLE: &'static str = "items";
    type Doc = ItemDoc;
    type Patch = ();
    fn apply_patch(&mut self, _patch: ()) {}
}

pub const USER_INDEXES: &[IndexSchema] = &[
    IndexSchema {
        name: "by_email",
        fields: &["email"],
    },
    IndexSchema {
        name: "by_karma",
        fields: &["karma"],
    },
    IndexSchema {
        name: "by_name_age",
        fields: &["name", "age"],
    },
    IndexSchema {
        name: "by_timezone",
        fields: &["prefs.timezone"],
    },
];

pub static SCHEMA: Schema = Schema {
    fingerprint: "sb1-store-test",
    tables: &[
        TableSchema {
            name: "users",
            shape: "users-1",
            indexes: USER_INDEXES,
            validate: validate::<User>,
        },
        TableSchema {
            name: "notes",
            shape: "notes-1",
            indexes: &[IndexSchema {
                name: "by_author",
                fields: &["author"],
            }],
            validate: validate::<Note>,
        },
        TableSchema {
            name: "items",
            shape: "items-1",
            indexes: &[
                IndexSchema {
                    name: "by_group_value",
                    fields: &["group", "value"],
                },
                IndexSchema {
                    name: "by_value",
                    fields: &["value"],
                },
                IndexSchema {
                    name: "by_inner",
                    fields: &["nested.inner"],
                },
            ],
            validate: validate::<Item>,
        },
    ],
};

pub struct DataModel;

impl schemabridge_runtime::DataModel for DataModel {
    const SCHEMA: &'static Schema = &SCHEMA;
    type Db<'a, A: Access> = Db<'a, A>;
}

pub struct Db<'a, A>(schemabridge_runtime::Db<'a, A>);

impl<'a, A> From<schemabridge_runtime::Db<'a, A>> for Db<'a, A> {
    fn from(db: schemabridge_runtime::Db<'a, A>) -> Self {
        Db(db)
    }
}

impl<'a, A: Access> Db<'a, A> {
    pub fn users(&self) -> Users<'a, A> {
        Users(self.0.table())
    }
    pub fn notes(&self) -> Table<'a, Note, A> {
        self.0.table()
    }
    pub fn items(&self) -> Items<'a, A> {
        Items(self.0.table())
    }
}

pub struct Users<'a, A>(pub Table<'a, User, A>);

impl<'a, A> std::ops::Deref for Users<'a, A> {
    type Target = Table<'a, User, A>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

type One<P> = (P, ());

impl<'a, A: Access> Users<'a, A> {
    pub fn by_email<R: Into<KeyRange>>(
        &self,
        range: impl FnOnce(IndexRange<One<key::Plain<String>>>) -> R,
    ) -> Query<'a, User, A> {
        self.0.index("by_email", range)
    }
    pub fn by_karma<R: Into<KeyRange>>(
        &self,
        range: impl FnOnce(IndexRange<One<key::Wire<i64>>>) -> R,
    ) -> Query<'a, User, A> {
        self.0.index("by_karma", range)
    }
    pub fn by_name_age<R: Into<KeyRange>>(
        &self,
        range: impl FnOnce(
            IndexRange<(
                key::Plain<String>,
                One<key::Optional<key::Plain<Option<f64>>>>,
            )>,
        ) -> R,
    ) -> Query<'a, User, A> {
        self.0.index("by_name_age", range)
    }
    pub fn by_timezone<R: Into<KeyRange>>(
        &self,
        range: impl FnOnce(IndexRange<One<key::Optional<key::Plain<String>>>>) -> R,
    ) -> Query<'a, User, A> {
        self.0.index("by_timezone", range)
    }
}

pub struct Items<'a, A>(pub Table<'a, Item, A>);

impl<'a, A> std::ops::Deref for Items<'a, A> {
    type Target = Table<'a, Item, A>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'a, A: Access> Items<'a, A> {
    pub fn by_group_value<R: Into<KeyRange>>(
        &self,
        range: impl FnOnce(IndexRange<(key::Wire<i64>, One<key::Optional<key::Plain<Val>>>)>) -> R,
    ) -> Query<'a, Item, A> {
        self.0.index("by_group_value", range)
    }
    pub fn by_value<R: Into<KeyRange>>(
        &self,
        range: impl FnOnce(IndexRange<One<key::Optional<key::Plain<Val>>>>) -> R,
    ) -> Query<'a, Item, A> {
        self.0.index("by_value", range)
    }
    pub fn by_inner<R: Into<KeyRange>>(
        &self,
        range: impl FnOnce(IndexRange<One<key::Optional<key::Plain<Val>>>>) -> R,
    ) -> Query<'a, Item, A> {
        self.0.index("by_inner", range)
    }
}

pub type QueryCtx = schemabridge_runtime::QueryCtx<DataModel>;
pub type MutationCtx = schemabridge_runtime::MutationCtx<DataModel>;
