//! `users`: sign-up, profiles and karma.

use schemabridge_runtime::{ApiError, Id, Patch, Update};

use crate::schema::{users, MutationCtx, QueryCtx, User, UserBirthDetails, UserDoc, UserPatch};
use crate::App;

impl users::Handlers for App {
    async fn get_profile(
        &self,
        ctx: QueryCtx,
        args: users::GetProfileArgs,
    ) -> Result<Option<UserDoc>, ApiError> {
        ctx.db().users().get(&args.user_id).await
    }

    async fn by_clerk_id(
        &self,
        ctx: QueryCtx,
        args: users::ByClerkIdArgs,
    ) -> Result<Option<UserDoc>, ApiError> {
        let users = ctx.db().users();
        users.by_clerk_id(|q| q.eq(&args.clerk_id)).first().await
    }

    async fn create(
        &self,
        ctx: MutationCtx,
        args: users::CreateArgs,
    ) -> Result<Id<User>, ApiError> {
        let users = ctx.db().users();
        let taken = users.by_clerk_id(|q| q.eq(&args.clerk_id)).first().await?;
        if taken.is_some() {
            let message = format!("a user with clerkId {:?} exists", args.clerk_id);
            return Err(ApiError::new("already_exists", message).with_status(409));
        }
        // `new` takes the required fields; the optional ones start absent.
        let mut user = User::new(args.clerk_id, args.email, 0);
        user.birth_details = args.birth_details.map(UserBirthDetails::from);
        users.insert(user).await
    }

    async fn update_preferences(
        &self,
        ctx: MutationCtx,
        args: users::UpdatePreferencesArgs,
    ) -> Result<(), ApiError> {
        let patch = UserPatch {
            preferences: Patch::Set(args.preferences),
            ..Default::default()
        };
        // `not_found` (404) when there is no such user.
        ctx.db().users().patch(&args.user_id, patch).await
    }

    async fn add_karma(
        &self,
        ctx: MutationCtx,
        args: users::AddKarmaArgs,
    ) -> Result<i64, ApiError> {
        let users = ctx.db().users();
        let user = users
            .get(&args.user_id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no user {}", args.user_id)))?;
        let karma = user.karma.checked_add(args.amount).ok_or_else(|| {
            let message = format!("{} + {} overflows int64", user.karma, args.amount);
            ApiError::new("overflow", message).with_status(400)
        })?;
        let patch = UserPatch {
            karma: Update::Set(karma),
            ..Default::default()
        };
        users.patch(&args.user_id, patch).await?;
        Ok(karma)
    }
}
