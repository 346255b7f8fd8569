//! A hand-written app against the generated code, as SPEC §5 shows one:
//! `async fn` implementations of every `Handlers` trait, and `router`
//! called with the state. If the trait or router shape drifts, this stops
//! compiling. Copied into the `emit_rust_compile` crate as `src/app.rs`.

use schemabridge_runtime::{ActionCtx, ApiError, Id, MutationCtx, QueryCtx};

use crate::case_modules::{stats, users, User, UserDoc};

#[derive(Clone)]
struct App {
    karma: i64,
}

impl users::Handlers for App {
    async fn get_profile(
        &self,
        _ctx: QueryCtx,
        args: users::GetProfileArgs,
    ) -> Result<Option<UserDoc>, ApiError> {
        Ok(Some(UserDoc {
            id: args.user_id,
            creation_time: 0.0,
            clerk_id: "clerk".to_owned(),
            karma: self.karma,
        }))
    }

    async fn create(
        &self,
        _ctx: MutationCtx,
        args: users::CreateArgs,
    ) -> Result<Id<User>, ApiError> {
        let users::CreateArgs {
            clerk_id,
            birth_details,
            preferences,
        } = args;
        let _ = (birth_details.map(|b| b.date), preferences.timezone);
        Ok(Id::new(clerk_id))
    }

    async fn add_karma(
        &self,
        _ctx: MutationCtx,
        args: users::AddKarmaArgs,
    ) -> Result<i64, ApiError> {
        Ok(self.karma + args.amount)
    }

    async fn ping(&self, _ctx: QueryCtx, _args: users::PingArgs) -> Result<(), ApiError> {
        Ok(())
    }
}

impl stats::Handlers for App {
    async fn karma_by_user(
        &self,
        _ctx: QueryCtx,
        _args: stats::KarmaByUserArgs,
    ) -> Result<std::collections::BTreeMap<Id<User>, i64>, ApiError> {
        Ok([(Id::new("u1"), self.karma)].into())
    }

    async fn recompute(
        &self,
        _ctx: ActionCtx,
        args: stats::RecomputeArgs,
    ) -> Result<Vec<UserDoc>, ApiError> {
        match args.full {
            Some(true) => Err(ApiError::internal("not yet")),
            _ => Ok(Vec::new()),
        }
    }

    async fn rebuild(&self, _ctx: MutationCtx, _args: stats::RebuildArgs) -> Result<(), ApiError> {
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
        _ctx: QueryCtx,
        args: crate::case_shadowing::r#type::FnArgs,
    ) -> Result<crate::case_shadowing::Option, ApiError> {
        Ok(crate::case_shadowing::Option {
            x: args.s.x + args.r#box.x,
        })
    }
}

/// The router of the `modules` case, which `behaviour.rs` calls.
pub fn modules_router() -> schemabridge_runtime::axum::Router {
    crate::case_modules::router(App { karma: 1 })
}

pub fn shadowing_router() -> schemabridge_runtime::axum::Router {
    crate::case_shadowing::router(Shadowed)
}

/// Without modules, any cloneable state will do.
pub fn empty_router() -> schemabridge_runtime::axum::Router {
    crate::case_empty::router(())
}
