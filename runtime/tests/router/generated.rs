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

pub struct User;

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

    pub trait Handlers: ::std::marker::Send + ::std::marker::Sync + 'static {
        fn get_profile(
            &self,
            ctx: ::schemabridge_runtime::QueryCtx,
            args: GetProfileArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<
                ::std::option::Option<super::UserDoc>,
                ::schemabridge_runtime::ApiError,
            >,
        > + ::std::marker::Send;

        fn add_karma(
            &self,
            ctx: ::schemabridge_runtime::MutationCtx,
            args: AddKarmaArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<i64, ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn update_preferences(
            &self,
            ctx: ::schemabridge_runtime::MutationCtx,
            args: UpdatePreferencesArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<(), ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn save_items(
            &self,
            ctx: ::schemabridge_runtime::MutationCtx,
            args: SaveItemsArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<::std::vec::Vec<i64>, ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn who_am_i(
            &self,
            ctx: ::schemabridge_runtime::ActionCtx,
            args: WhoAmIArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::schemabridge_runtime::ApiError,
            >,
        > + ::std::marker::Send;

        fn fail(
            &self,
            ctx: ::schemabridge_runtime::ActionCtx,
            args: FailArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<(), ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn stats(
            &self,
            ctx: ::schemabridge_runtime::QueryCtx,
            args: StatsArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<super::Stats, ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;

        fn boom(
            &self,
            ctx: ::schemabridge_runtime::ActionCtx,
            args: BoomArgs,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<(), ::schemabridge_runtime::ApiError>,
        > + ::std::marker::Send;
    }
}

pub fn router<S>(state: S) -> ::schemabridge_runtime::axum::Router
where
    S: users::Handlers + ::std::clone::Clone + ::std::marker::Send + ::std::marker::Sync + 'static,
{
    ::schemabridge_runtime::__private::RouterBuilder::new(state, FINGERPRINT)
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
        .action("users", "boom", |s: S, ctx, args: users::BoomArgs| async move {
            users::Handlers::boom(&s, ctx, args).await
        })
        .finish()
}
