//! `notes`: a user's own notes on a reading.

use std::collections::BTreeMap;

use schemabridge_runtime::{ApiError, Id};

use crate::schema::{notes, MutationCtx, Note, NoteDoc, NoteExtra, NoteMood, QueryCtx};
use crate::App;

impl notes::Handlers for App {
    async fn for_reading(
        &self,
        ctx: QueryCtx,
        args: notes::ForReadingArgs,
    ) -> Result<Vec<NoteDoc>, ApiError> {
        let notes = ctx.db().notes();
        // `by_reading` is `[readingId, authorId]`: within one reading it
        // orders by author first, so restore creation order.
        let mut found = notes
            .by_reading(|q| q.eq(&args.reading_id))
            .collect()
            .await?;
        found.sort_by(|a, b| a.creation_time.total_cmp(&b.creation_time));
        Ok(found)
    }

    async fn add(&self, ctx: MutationCtx, args: notes::AddArgs) -> Result<Id<Note>, ApiError> {
        let db = ctx.db();
        if db.readings().get(&args.reading_id).await?.is_none() {
            return Err(ApiError::not_found(format!(
                "no reading {}",
                args.reading_id
            )));
        }
        if db.users().get(&args.author_id).await?.is_none() {
            return Err(ApiError::not_found(format!("no user {}", args.author_id)));
        }
        let extra = match args.extra {
            notes::AddArgsExtra::String(text) => NoteExtra::String(text),
            notes::AddArgsExtra::Float64(number) => NoteExtra::Float64(number),
        };
        let mut note = Note::new(
            args.reading_id,
            args.author_id,
            args.body,
            args.attachments,
            extra,
        );
        note.mood = args.mood.map(|mood| match mood {
            notes::AddArgsMood::Calm => NoteMood::Calm,
            notes::AddArgsMood::Curious => NoteMood::Curious,
            notes::AddArgsMood::Worried => NoteMood::Worried,
        });
        note.pinned_at = args.pinned_at;
        db.notes().insert(note).await
    }

    async fn stats(
        &self,
        ctx: QueryCtx,
        _args: notes::StatsArgs,
    ) -> Result<BTreeMap<String, i64>, ApiError> {
        let mut counts = BTreeMap::new();
        for note in ctx.db().notes().scan().collect().await? {
            let mood = match note.mood {
                Some(NoteMood::Calm) => "calm",
                Some(NoteMood::Curious) => "curious",
                Some(NoteMood::Worried) => "worried",
                None => "none",
            };
            *counts.entry(mood.to_owned()).or_insert(0) += 1;
        }
        Ok(counts)
    }
}
