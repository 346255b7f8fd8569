//! `readings`: charts computed from a user's birth details.

use schemabridge_runtime::{ApiError, Id, Order};

use crate::chart;
use crate::schema::{readings, users, ActionCtx, MutationCtx, QueryCtx, Reading, ReadingDoc};
use crate::App;

impl readings::Handlers for App {
    async fn list(
        &self,
        ctx: QueryCtx,
        args: readings::ListArgs,
    ) -> Result<Vec<ReadingDoc>, ApiError> {
        let readings = ctx.db().readings();
        // `by_user` orders one user's readings by `_creationTime`.
        let mine = readings.by_user(|q| q.eq(&args.user_id));
        mine.order(Order::Desc).collect().await
    }

    async fn compute(
        &self,
        ctx: ActionCtx,
        args: readings::ComputeArgs,
    ) -> Result<Id<Reading>, ApiError> {
        let profile = users::GetProfileArgs {
            user_id: args.user_id.clone(),
        };
        let user = ctx
            .run_query(users::GET_PROFILE, profile)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no user {}", args.user_id)))?;
        let birth = user.birth_details.ok_or_else(|| {
            ApiError::new(
                "no_birth_details",
                "a reading needs the user's birth details",
            )
        })?;
        let chart = chart::compute(&birth.date, &birth.time, &birth.location);
        let save = readings::SaveArgs {
            user_id: args.user_id,
            placements: chart.placements,
            summary: chart.summary,
            score: chart.score,
            tags: chart.tags,
        };
        ctx.run_mutation(readings::SAVE, save).await
    }

    async fn save(
        &self,
        ctx: MutationCtx,
        args: readings::SaveArgs,
    ) -> Result<Id<Reading>, ApiError> {
        let reading = Reading::new(
            args.user_id,
            args.placements,
            args.summary,
            args.score,
            args.tags,
        );
        ctx.db().readings().insert(reading).await
    }
}
