//! A hand-written app against the generated code, as SPEC §5 and §6 show
//! one: `async fn` implementations of every `Handlers` trait that read and
//! write through `ctx.db()`, an action that runs an internal mutation by
//! its `FunctionRef`, and `router` called with the state and a store. If
//! the trait, storage or router shape drifts, this stops compiling. Copied
//! into the `emit_rust_compile` crate as `src/app.rs`.

use std::collections::BTreeMap;

use schemabridge_runtime::axum::Router;
use schemabridge_runtime::{ApiError, Id, Store, Update};

use crate::case_modules::{
    stats, users, ActionCtx, MutationCtx, QueryCtx, User, UserDoc, UserPatch,
};

#[derive(Clone)]
struct App;

impl users::Handlers for App {
    async fn get_profile(
        &self,
        ctx: QueryCtx,
        args: users::GetProfileArgs,
    ) -> Result<Option<UserDoc>, ApiError> {
        ctx.db().users().get(&args.user_id).await
    }

    async fn create(&self, ctx: MutationCtx, args: users::CreateArgs) -> Result<Id<User>, ApiError> {
        let users::CreateArgs {
            clerk_id,
            birth_details,
            preferences,
        } = args;
        let _ = (birth_details.map(|b| b.date), preferences.timezone);
        let taken = ctx
            .db()
            .users()
            .by_clerk_id(|q| q.eq(&clerk_id))
            .first()
            .await?;
        if taken.is_some() {
            return Err(ApiError::new("already_exists", "clerkId taken").with_status(409));
        }
        ctx.db().users().insert(User { clerk_id, karma: 0 }).await
    }

    async fn add_karma(&self, ctx: MutationCtx, args: users::AddKarmaArgs) -> Result<i64, ApiError> {
        let users = ctx.db().users();
        let user = users
            .get(&args.user_id)
            .await?
            .ok_or_else(|| ApiError::not_found("no such user"))?;
        let karma = user.karma + args.amount;
        let patch = UserPatch {
            karma: Update::Set(karma),
            ..Default::default()
        };
        users.patch(&args.user_id, patch).await?;
        Ok(karma)
    }

    async fn ping(&self, _ctx: QueryCtx, _args: users::PingArgs) -> Result<(), ApiError> {
        Ok(())
    }
}

impl stats::Handlers for App {
    async fn karma_by_user(
        &self,
        ctx: QueryCtx,
        _args: stats::KarmaByUserArgs,
    ) -> Result<BTreeMap<Id<User>, i64>, ApiError> {
        let users = ctx.db().users().scan().collect().await?;
        Ok(users.into_iter().map(|u| (u.id, u.karma)).collect())
    }

    async fn recompute(
        &self,
        ctx: ActionCtx,
        args: stats::RecomputeArgs,
    ) -> Result<Vec<UserDoc>, ApiError> {
        if args.full == Some(true) {
            return Err(ApiError::internal("not yet"));
        }
        ctx.run_mutation(stats::REBUILD, stats::RebuildArgs {}).await?;
        let karma = ctx.run_query(stats::KARMA_BY_USER, stats::KarmaByUserArgs {}).await?;
        let mut users = Vec::new();
        for id in karma.into_keys() {
            let args = users::GetProfileArgs { user_id: id };
            users.extend(ctx.run_query(users::GET_PROFILE, args).await?);
        }
        Ok(users)
    }

    async fn rebuild(&self, ctx: MutationCtx, _args: stats::RebuildArgs) -> Result<(), ApiError> {
        let users = ctx.db().users();
        for user in users.scan().collect().await? {
            let patch = UserPatch {
                karma: Update::Set(0),
                ..Default::default()
            };
            users.patch(&user.id, patch).await?;
        }
        Ok(())
    }
}

/// A module and a function named by keywords, and schema types named like
/// the prelude's.
#[derive(Clone)]
struct Shadowed;

impl crate::case_shadowing::r#type::Handlers for Shadowed {
    async fn r#fn(
        &self,
        _ctx: crate::case_shadowing::QueryCtx,
        args: crate::case_shadowing::r#type::FnArgs,
    ) -> Result<crate::case_shadowing::Option, ApiError> {
        Ok(crate::case_shadowing::Option {
            x: args.s.x + args.r#box.x,
        })
    }
}

async fn memory(schema: &'static schemabridge_runtime::Schema) -> Store {
    Store::open("sqlite::memory:", schema)
        .await
        .expect("an in-memory store opens")
}

/// The router of the `modules` case on a fresh store, which `behaviour.rs`
/// calls.
pub async fn modules_router() -> Router {
    let store = memory(&crate::case_modules::SCHEMA).await;
    crate::case_modules::router(App, store)
}

pub async fn shadowing_router() -> Router {
    let store = memory(&crate::case_shadowing::SCHEMA).await;
    crate::case_shadowing::router(Shadowed, store)
}

/// Without modules, any cloneable state will do.
pub async fn empty_router() -> Router {
    let store = memory(&crate::case_empty::SCHEMA).await;
    crate::case_empty::router((), store)
}
