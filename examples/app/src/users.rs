//! `users`: sign-up, profiles and karma. `me` and `register` are
//! `auth: required`: the caller's token subject is their `clerkId`.

use schemabridge_runtime::{ApiError, Id, Patch, Update, Write};

use crate::schema::{
    users, MutationCtx, QueryCtx, SignedInMutationCtx, SignedInQueryCtx, User, UserBirthDetails,
    UserDoc, UserPatch,
};
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
        let birth_details = args.birth_details.map(UserBirthDetails::from);
        insert_new(ctx.db(), args.clerk_id, args.email, birth_details).await
    }

    async fn me(
        &self,
        ctx: SignedInQueryCtx,
        _args: users::MeArgs,
    ) -> Result<Option<UserDoc>, ApiError> {
        let subject = &ctx.identity().subject;
        ctx.db()
            .users()
            .by_clerk_id(|q| q.eq(subject))
            .first()
            .await
    }

    async fn register(
        &self,
        ctx: SignedInMutationCtx,
        args: users::RegisterArgs,
    ) -> Result<Id<User>, ApiError> {
        let clerk_id = ctx.identity().subject.clone();
        let birth_details = args.birth_details.map(UserBirthDetails::from);
        insert_new(ctx.db(), clerk_id, args.email, birth_details).await
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

/// Inserts a user with no karma; a `clerkId` already stored is
/// `already_exists` (409) and writes nothing.
async fn insert_new(
    db: crate::schema::Db<'_, Write>,
    clerk_id: String,
    email: String,
    birth_details: Option<UserBirthDetails>,
) -> Result<Id<User>, ApiError> {
    let users = db.users();
    let taken = users.by_clerk_id(|q| q.eq(&clerk_id)).first().await?;
    if taken.is_some() {
        let message = format!("a user with clerkId {clerk_id:?} exists");
        return Err(ApiError::new("already_exists", message).with_status(409));
    }
    // `new` takes the required fields; the optional ones start absent.
    let mut user = User::new(clerk_id, email, 0);
    user.birth_details = birth_details;
    users.insert(user).await
}
