//! A user's implementation of the generated trait, with `async fn`.

use crate::generated::{users, ActionCtx, MutationCtx, QueryCtx, Stats, User, UserDoc, UserPatch};
use schemabridge_runtime::{ApiError, Id, Update};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct App {
    /// What the last `updatePreferences` call received.
    pub last_timezone: Arc<Mutex<Option<String>>>,
}

impl users::Handlers for App {
    async fn get_profile(
        &self,
        _ctx: QueryCtx,
        args: users::GetProfileArgs,
    ) -> Result<Option<UserDoc>, ApiError> {
        Ok((args.user_id == "u1").then(|| UserDoc {
            id: Id::new("u1"),
            creation_time: 1.5,
            name: "Ada".to_owned(),
            karma: i64::MIN,
        }))
    }

    async fn add_karma(
        &self,
        _ctx: MutationCtx,
        args: users::AddKarmaArgs,
    ) -> Result<i64, ApiError> {
        args.amount
            .checked_add(1)
            .ok_or_else(|| ApiError::invalid_args("karma overflows", "amount"))
    }

    async fn update_preferences(
        &self,
        _ctx: MutationCtx,
        args: users::UpdatePreferencesArgs,
    ) -> Result<(), ApiError> {
        *self.last_timezone.lock().unwrap() = Some(args.preferences.timezone);
        Ok(())
    }

    async fn save_items(
        &self,
        _ctx: MutationCtx,
        args: users::SaveItemsArgs,
    ) -> Result<Vec<i64>, ApiError> {
        let limit = args.limit.unwrap_or(i64::MAX);
        Ok(args.items.iter().map(|item| item.qty.min(limit)).collect())
    }

    async fn who_am_i(
        &self,
        ctx: ActionCtx,
        _args: users::WhoAmIArgs,
    ) -> Result<Option<String>, ApiError> {
        let user = ctx.headers().get("x-user");
        Ok(user.map(|value| value.to_str().unwrap().to_owned()))
    }

    async fn fail(&self, _ctx: ActionCtx, args: users::FailArgs) -> Result<(), ApiError> {
        let error = if args.code == "handler" {
            ApiError::handler("plain failure")
        } else {
            ApiError::new(args.code, "custom failure")
        };
        Err(if args.status == 0 {
            error
        } else {
            error.with_status(args.status)
        })
    }

    async fn stats(&self, _ctx: QueryCtx, args: users::StatsArgs) -> Result<Stats, ApiError> {
        let poison = if args.poison { f64::NAN } else { 2.0 };
        Ok(Stats {
            samples: vec![1.0, poison],
        })
    }

    async fn create_user(
        &self,
        ctx: MutationCtx,
        args: users::CreateUserArgs,
    ) -> Result<Id<User>, ApiError> {
        let id = ctx
            .db()
            .users()
            .insert(User {
                name: args.name,
                karma: 0,
            })
            .await?;
        match args.then.as_str() {
            "error" => Err(ApiError::handler("refused after the insert")),
            "panic" => panic!("handler bug after the insert (expected by the test)"),
            _ => Ok(id),
        }
    }

    async fn get_user(
        &self,
        ctx: QueryCtx,
        args: users::GetUserArgs,
    ) -> Result<Option<UserDoc>, ApiError> {
        ctx.db().users().get(&args.id).await
    }

    async fn bump(&self, ctx: MutationCtx, args: users::BumpArgs) -> Result<i64, ApiError> {
        let users = ctx.db().users();
        let user = users
            .get(&args.id)
            .await?
            .ok_or_else(|| ApiError::not_found("no such user"))?;
        let karma = user.karma + 1;
        let patch = UserPatch {
            karma: Update::Set(karma),
            ..Default::default()
        };
        users.patch(&args.id, patch).await?;
        Ok(karma)
    }

    async fn count_users(&self, ctx: QueryCtx, _args: users::CountArgs) -> Result<i64, ApiError> {
        Ok(ctx.db().users().scan().collect().await?.len() as i64)
    }

    async fn create_via_action(
        &self,
        ctx: ActionCtx,
        args: users::CreateUserArgs,
    ) -> Result<Id<User>, ApiError> {
        ctx.run_mutation(users::CREATE_USER, args).await
    }

    async fn count_via_action(
        &self,
        ctx: ActionCtx,
        _args: users::CountArgs,
    ) -> Result<i64, ApiError> {
        ctx.run_query(users::COUNT_USERS, users::CountArgs {}).await
    }

    async fn boom(&self, _ctx: ActionCtx, _args: users::BoomArgs) -> Result<(), ApiError> {
        panic!("handler bug (expected by the test)")
    }
}
