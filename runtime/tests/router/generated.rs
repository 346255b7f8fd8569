//! Written the way the generator emits code: absolute paths, `deny_unknown_fields`,
//! one `Handlers` trait per module, one `router` function.

#![allow(dead_code)]

pub const FINGERPRINT: &str = "sb1-test-fingerprint";

#[derive(::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UserDoc {
    #[serde(rename = "_id")]
    pub id: ::schemabridge_runtime::Id<User>,
    #[serde(rename = "_creationTime")]
    pub creation_time: f64,
    pub name: ::std::string::String,
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    pub karma: i64,
}

#[derive(::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: ::std::string::String,
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    pub karma: i64,
}

#[derive(Default)]
pub struct UserPatch {
    pub name: ::schemabridge_runtime::Update<::std::string::String>,
    pub karma: ::schemabridge_runtime::Update<i64>,
}

impl ::schemabridge_runtime::TableRow for User {
    const TABLE: &'static str = "users";
    type Doc = UserDoc;
    type Patch = UserPatch;
    fn apply_patch(&mut self, patch: UserPatch) {
        patch.name.apply(&mut self.name);
        patch.karma.apply(&mut self.karma);
    }
}

pub static SCHEMA: ::schemabridge_runtime::Schema = ::schemabridge_runtime::Schema {
    fingerprint: FINGERPRINT,
    tables: &[::schemabridge_runtime::TableSchema {
        name: "users",
        shape: "users-shape-1",
        indexes: &[::schemabridge_runtime::IndexSchema {
            name: "by_name",
            fields: &["name"],
        }],
        validate: ::schemabridge_runtime::__private::validate::<User>,
    }],
};

pub struct DataModel;

impl ::schemabridge_runtime::DataModel for DataModel {
    const SCHEMA: &'static ::schemabridge_runtime::Schema = &SCHEMA;
    type Db<'a, A: ::schemabridge_runtime::Access> = Db<'a, A>;
}

pub struct Db<'a, A>(::schemabridge_runtime::Db<'a, A>);

impl<'a, A> ::std::convert::From<::schemabridge_runtime::Db<'a, A>> for Db<'a, A> {
    fn from(db: ::schemabridge_runtime::Db<'a, A>) -> Self {
        Db(db)
    }
}

impl<'a, A: ::schemabridge_runtime::Access> Db<'a, A> {
    pub fn users(&self) -> UsersTable<'a, A> {
        UsersTable(self.0.table::<User>())
    }
}

pub struct UsersTable<'a, A>(::schemabridge_runtime::Table<'a, User, A>);

impl<'a, A> ::std::ops::Deref for UsersTable<'a, A> {
    type Target = ::schemabridge_runtime::Table<'a, User, A>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'a, A: ::schemabridge_runtime::Access> UsersTable<'a, A> {
    pub fn by_name<R: ::std::convert::Into<::schemabridge_runtime::KeyRange>>(
        &self,
        range: impl ::std::ops::FnOnce(
            ::schemabridge_runtime::IndexRange<(
                ::schemabridge_runtime::key::Plain<::std::string::String>,
                (),
            )>,
        ) -> R,
    ) -> ::schemabridge_runtime::Query<'a, User, A> {
        self.0.index("by_name", range)
    }
}

pub type QueryCtx = ::schemabridge_runtime::QueryCtx<DataModel>;
pub type MutationCtx = ::schemabridge_runtime::MutationCtx<DataModel>;
pub type ActionCtx = ::schemabridge_runtime::ActionCtx<DataModel>;

#[derive(::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    #[serde(rename = "emailFrequency")]
    pub email_frequency: ::std::vec::Vec<PreferencesEmailFrequency>,
    pub timezone: ::std::string::String,
}

#[derive(::serde::Serialize, ::serde::Deserialize, Debug, Clone, Copy, PartialEq)]
pub enum PreferencesEmailFrequency {
    #[serde(rename = "daily")]
    Daily,
    #[serde(rename = "never")]
    Never,
}

#[derive(::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub name: ::std::string::String,
    #[serde(with = "::schemabridge_runtime::__private::wire")]
    pub qty: i64,
}

#[derive(::serde::Serialize, Debug, Clone, PartialEq)]
pub struct Stats {
    pub samples: ::std::vec::Vec<f64>,
}

pub mod users {
    #[derive(::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct GetProfileArgs {
        #[serde(rename = "userId")]
        pub user_id: ::std::string::String,
    }

    #[derive(::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct AddKarmaArgs {
        #[serde(rename = "userId")]
        pub user_id: ::std::string::String,
        #[serde(with = "::schemabridge_runtime::__private::wire")]
        pub amount: i64,
    }

    #[derive(::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct UpdatePreferencesArgs {
        #[serde(rename = "userId")]
        pub user_id: ::std::string::String,
        pub preferences: super::Preferences,
    }

    #[derive(::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct SaveItemsArgs {
        pub items: ::std::vec::Vec<super::Item>,
        #[serde(
            default,
            skip_serializing_if = "::std::option::Option::is_none",
            with = "::schemabridge_runtime::__private::wire"
        )]
        pub limit: ::std::option::Option<i64>,
    }

    #[derive(::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct WhoAmIArgs {}

    #[derive(::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct FailArgs {
        pub code: ::std::string::String,
        pub status: u16,
    }

    #[derive(::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct StatsArgs {
        pub poison: bool,
    }

    #[derive(::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct BoomArgs {}

    #[derive(::serde::Serialize, ::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct CreateUserArgs {
        pub name: ::std::string::String,
        /// Fail after inserting: `"error"` or `"panic"`; `""` to succeed.
        pub then: ::std::string::String,
    }

    #[derive(::serde::Serialize, ::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct GetUserArgs {
        pub id: ::schemabridge_runtime::Id<super::User>,
    }

    #[derive(::serde::Serialize, ::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct BumpArgs {
        pub id: ::schemabridge_runtime::Id<super::User>,
    }

    #[derive(::serde::Serialize, ::serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct CountArgs {}

    pub const COUNT_USERS: ::schemabridge_runtime::FunctionRef<
        ::schemabridge_runtime::QueryKind,
        CountArgs,
        i64,
    > = ::schemabridge_runtime::FunctionRef::new_wire("users", "countUsers");

    pub const CREATE_USER: ::schemabridge_runtime::FunctionRef<
        ::schemabridge_runtime::MutationKind,
        CreateUserArgs,
        ::schemabridge_runtime::Id<super::User>,
    > = ::schemabridge_runtime::FunctionRef::new("users", "createUser");

    pub trait Handlers: ::std::marker::Send + ::std::marker::Sync + 'static {
        fn get_profile(
            &self,
            ctx: super::QueryCtx,
            args: GetProfileArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<
                ::std::option::Option<super::UserDoc>,
                ::schemabridge_runtime::ApiError,
            >,
        > + ::std::marker::Send;

        fn add_karma(
            &self,
            ctx: super::MutationCtx,
            args: AddKarmaArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<i64, ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn update_preferences(
            &self,
            ctx: super::MutationCtx,
            args: UpdatePreferencesArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<(), ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn save_items(
            &self,
            ctx: super::MutationCtx,
            args: SaveItemsArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<::std::vec::Vec<i64>, ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn who_am_i(
            &self,
            ctx: super::ActionCtx,
            args: WhoAmIArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::schemabridge_runtime::ApiError,
            >,
        > + ::std::marker::Send;

        fn fail(
            &self,
            ctx: super::ActionCtx,
            args: FailArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<(), ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn stats(
            &self,
            ctx: super::QueryCtx,
            args: StatsArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<super::Stats, ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn create_user(
            &self,
            ctx: super::MutationCtx,
            args: CreateUserArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<
                ::schemabridge_runtime::Id<super::User>,
                ::schemabridge_runtime::ApiError,
            >,
        > + ::std::marker::Send;

        fn get_user(
            &self,
            ctx: super::QueryCtx,
            args: GetUserArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<
                ::std::option::Option<super::UserDoc>,
                ::schemabridge_runtime::ApiError,
            >,
        > + ::std::marker::Send;

        fn bump(
            &self,
            ctx: super::MutationCtx,
            args: BumpArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<i64, ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn count_users(
            &self,
            ctx: super::QueryCtx,
            args: CountArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<i64, ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn create_via_action(
            &self,
            ctx: super::ActionCtx,
            args: CreateUserArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<
                ::schemabridge_runtime::Id<super::User>,
                ::schemabridge_runtime::ApiError,
            >,
        > + ::std::marker::Send;

        fn count_via_action(
            &self,
            ctx: super::ActionCtx,
            args: CountArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<i64, ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn boom(
            &self,
            ctx: super::ActionCtx,
            args: BoomArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<(), ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;
    }
}

pub fn router<S>(
    state: S,
    store: ::schemabridge_runtime::Store,
) -> ::schemabridge_runtime::axum::Router
where
    S: users::Handlers + ::std::clone::Clone + ::std::marker::Send + ::std::marker::Sync + 'static,
{
    ::schemabridge_runtime::__private::RouterBuilder::new(state, FINGERPRINT, store)
        .query("users", "getProfile", |s: S, ctx, args: users::GetProfileArgs| async move {
            users::Handlers::get_profile(&s, ctx, args).await
        })
        .mutation("users", "addKarma", |s: S, ctx, args: users::AddKarmaArgs| async move {
            users::Handlers::add_karma(&s, ctx, args)
                .await
                .map(::schemabridge_runtime::__private::wire::Encoded)
        })
        .mutation(
            "users",
            "updatePreferences",
            |s: S, ctx, args: users::UpdatePreferencesArgs| async move {
                users::Handlers::update_preferences(&s, ctx, args).await
            },
        )
        .mutation("users", "saveItems", |s: S, ctx, args: users::SaveItemsArgs| async move {
            users::Handlers::save_items(&s, ctx, args)
                .await
                .map(::schemabridge_runtime::__private::wire::Encoded)
        })
        .action("users", "whoAmI", |s: S, ctx, args: users::WhoAmIArgs| async move {
            users::Handlers::who_am_i(&s, ctx, args).await
        })
        .action("users", "fail", |s: S, ctx, args: users::FailArgs| async move {
            users::Handlers::fail(&s, ctx, args).await
        })
        .query("users", "stats", |s: S, ctx, args: users::StatsArgs| async move {
            users::Handlers::stats(&s, ctx, args).await
        })
        .mutation("users", "createUser", |s: S, ctx, args: users::CreateUserArgs| async move {
            users::Handlers::create_user(&s, ctx, args).await
        })
        .query("users", "getUser", |s: S, ctx, args: users::GetUserArgs| async move {
            users::Handlers::get_user(&s, ctx, args).await
        })
        .mutation("users", "bump", |s: S, ctx, args: users::BumpArgs| async move {
            users::Handlers::bump(&s, ctx, args)
                .await
                .map(::schemabridge_runtime::__private::wire::Encoded)
        })
        .internal_query("users", "countUsers", |s: S, ctx, args: users::CountArgs| async move {
            users::Handlers::count_users(&s, ctx, args)
                .await
                .map(::schemabridge_runtime::__private::wire::Encoded)
        })
        .action("users", "createViaAction", |s: S, ctx, args: users::CreateUserArgs| async move {
            users::Handlers::create_via_action(&s, ctx, args).await
        })
        .action("users", "countViaAction", |s: S, ctx, args: users::CountArgs| async move {
            users::Handlers::count_via_action(&s, ctx, args)
                .await
                .map(::schemabridge_runtime::__private::wire::Encoded)
        })
        .action("users", "boom", |s: S, ctx, args: users::BoomArgs| async move {
            users::Handlers::boom(&s, ctx, args).await
        })
        .finish()
}
