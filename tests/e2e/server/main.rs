//! The server half of the end-to-end test (tests/e2e.rs): the Rust that
//! schemabridge generates from schema.example.yaml, `include!`d as a user
//! would, with every module's `Handlers` implemented on the generated
//! storage access over an in-memory SQLite store, served by the generated
//! `router` on 127.0.0.1 at a port the OS picks.
//!
//! The test copies this file to `target/e2e/server/src/main.rs`, next to
//! the generated `schema.rs`. The server prints its port on the first line
//! of stdout, and exits when its stdin reaches end of file, so that it
//! never outlives the test that started it, even one that was killed.
//!
//! A few inputs make handlers fail on purpose, so the client can check
//! every error path of SPEC §3 (see tests/e2e/client.ts):
//! - `users.create` needs `authorization: Bearer e2e` (code
//!   `unauthorized`, 401) and a clerk id not yet taken (`clerk_id_taken`, 409);
//! - `users.updatePreferences` on an unknown user: `unknown_user`, 404;
//! - `users.addKarma` on an unknown user: the generic `handler`, 400; on
//!   overflow: `karma_overflow`, 422;
//! - `readings.compute` for a user without birth details:
//!   `no_birth_details`, the default status 400 (it stores the reading
//!   through the internal mutation `readings.save`);
//! - `notes.add` on an unknown reading: `ApiError::not_found`; with the
//!   body `"panic"` the handler panics (`internal`, 500).

#![deny(warnings)]

mod schema {
    include!("schema.rs");
}

use std::collections::BTreeMap;
use std::io::Read as _;

use schema::{
    notes, readings, users, ActionCtx, MutationCtx, Note, NoteDoc, NoteExtra, NoteMood, Placement,
    PlacementBody, QueryCtx, Reading, ReadingDoc, User, UserBirthDetails, UserDoc, UserPatch,
};
use schemabridge_runtime::{ApiError, Id, Patch, Store, Update};

/// The app's state: none, every document is in the store.
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
        let authorized = ctx
            .headers()
            .get("authorization")
            .is_some_and(|value| value == "Bearer e2e");
        if !authorized {
            return Err(ApiError::new("unauthorized", "sign in first").with_status(401));
        }
        let users = ctx.db().users();
        if users.by_clerk_id(|q| q.eq(&args.clerk_id)).first().await?.is_some() {
            return Err(ApiError::new(
                "clerk_id_taken",
                format!("a user with clerk id {:?} exists", args.clerk_id),
            )
            .with_status(409));
        }
        // `new` and `From` rather than struct literals: this keeps
        // compiling when the schema gains optional fields.
        let mut user = User::new(args.clerk_id, args.email, 0);
        user.birth_details = args.birth_details.map(UserBirthDetails::from);
        users.insert(user).await
    }

    async fn update_preferences(
        &self,
        ctx: MutationCtx,
        args: users::UpdatePreferencesArgs,
    ) -> Result<(), ApiError> {
        let users = ctx.db().users();
        if users.get(&args.user_id).await?.is_none() {
            return Err(
                ApiError::new("unknown_user", format!("no user {}", args.user_id)).with_status(404),
            );
        }
        let patch = UserPatch {
            preferences: Patch::Set(args.preferences),
            ..Default::default()
        };
        users.patch(&args.user_id, patch).await
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
            .ok_or_else(|| ApiError::handler(format!("no user {}", args.user_id)))?;
        let karma = user.karma.checked_add(args.amount).ok_or_else(|| {
            ApiError::new(
                "karma_overflow",
                format!("{} + {} overflows int64", user.karma, args.amount),
            )
            .with_status(422)
        })?;
        let patch = UserPatch {
            karma: Update::Set(karma),
            ..Default::default()
        };
        users.patch(&args.user_id, patch).await?;
        Ok(karma)
    }
}

impl readings::Handlers for App {
    async fn list(
        &self,
        ctx: QueryCtx,
        args: readings::ListArgs,
    ) -> Result<Vec<ReadingDoc>, ApiError> {
        // Oldest first: `by_user` then `_creationTime`.
        let readings = ctx.db().readings();
        readings.by_user(|q| q.eq(&args.user_id)).collect().await
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
        let birth = user.birth_details.clone().ok_or_else(|| {
            ApiError::new(
                "no_birth_details",
                "a reading needs the user's birth details",
            )
        })?;
        let placements = vec![
            Placement::new(PlacementBody::Sun, "Leo".to_owned(), 12.5),
            Placement::new(PlacementBody::Moon, "Pisces ♓".to_owned(), 0.1 + 0.2),
            Placement::new(PlacementBody::Mars, "Aries".to_owned(), -1e-300),
        ];
        // Null until the user has preferences: `float64 | null` both ways.
        let score = user.preferences.as_ref().map(|_| 1.0 / 3.0);
        let mut tags = BTreeMap::new();
        tags.insert("location".to_owned(), birth.location);
        tags.insert("date".to_owned(), birth.date);
        if let Some(preferences) = &user.preferences {
            tags.insert("timezone".to_owned(), preferences.timezone.clone());
        }
        // Keys no identifier could be; `__proto__` must stay an own key in JS.
        tags.insert("__proto__".to_owned(), "an own key".to_owned());
        tags.insert("with space & ünïcødé 😀".to_owned(), String::new());
        tags.insert(String::new(), "the empty key".to_owned());
        let save = readings::SaveArgs {
            user_id: args.user_id,
            placements,
            summary: format!("A reading for {}", birth.time),
            score,
            tags,
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

impl notes::Handlers for App {
    async fn for_reading(
        &self,
        ctx: QueryCtx,
        args: notes::ForReadingArgs,
    ) -> Result<Vec<NoteDoc>, ApiError> {
        let notes = ctx.db().notes();
        let mut found = notes
            .by_reading(|q| q.eq(&args.reading_id))
            .collect()
            .await?;
        // The index orders by author within a reading; keep creation order.
        found.sort_by(|a, b| a.creation_time.total_cmp(&b.creation_time));
        Ok(found)
    }

    async fn add(&self, ctx: MutationCtx, args: notes::AddArgs) -> Result<Id<Note>, ApiError> {
        if args.body == "panic" {
            panic!("the e2e client asked this handler to panic");
        }
        let db = ctx.db();
        if db.readings().get(&args.reading_id).await?.is_none() {
            return Err(ApiError::not_found(format!(
                "no reading {}",
                args.reading_id
            )));
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
        let mut counts: BTreeMap<String, i64> = ["calm", "curious", "worried", "none"]
            .into_iter()
            .map(|mood| (mood.to_owned(), 0))
            .collect();
        for note in ctx.db().notes().scan().collect().await? {
            let mood = match note.mood {
                Some(NoteMood::Calm) => "calm",
                Some(NoteMood::Curious) => "curious",
                Some(NoteMood::Worried) => "worried",
                None => "none",
            };
            *counts.entry(mood.to_owned()).or_default() += 1;
        }
        Ok(counts)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // The test holds our stdin open while it needs us; end of file means it
    // is gone (finished, panicked or killed), and so should we be.
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let store = Store::open("sqlite::memory:", &schema::SCHEMA)
        .await
        .expect("an in-memory store opens");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("cannot bind 127.0.0.1:0");
    let port = listener.local_addr().expect("a bound address").port();
    // stdout is line-buffered: the test reads this line right away.
    println!("{port}");
    let app = schema::router(App, store);
    schemabridge_runtime::axum::serve(listener, app)
        .await
        .expect("the server failed");
}
