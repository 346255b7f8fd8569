//! The server half of the end-to-end test (tests/e2e.rs): the Rust that
//! schemabridge generates from schema.example.yaml, `include!`d as a user
//! would, with every module's `Handlers` implemented over an in-memory
//! store, served by the generated `router` on 127.0.0.1 at a port the OS
//! picks.
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
//!   `no_birth_details`, the default status 400;
//! - `notes.add` on an unknown reading: `ApiError::not_found`; with the
//!   body `"panic"` the handler panics (`internal`, 500).

#![deny(warnings)]

mod schema {
    include!("schema.rs");
}

use std::collections::BTreeMap;
use std::io::Read as _;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use schema::{
    notes, readings, users, Note, NoteDoc, NoteExtra, NoteMood, Placement, PlacementBody, Reading,
    ReadingDoc, User, UserBirthDetails, UserDoc,
};
use schemabridge_runtime::{ActionCtx, ApiError, Id, MutationCtx, QueryCtx};

/// The app's state: one store behind a mutex, shared by every clone.
#[derive(Clone, Default)]
struct App {
    store: Arc<Mutex<Store>>,
}

#[derive(Default)]
struct Store {
    /// The last number used in an id, for every table.
    last_id: u64,
    users: BTreeMap<Id<User>, UserDoc>,
    readings: Vec<ReadingDoc>,
    notes: Vec<NoteDoc>,
}

impl Store {
    /// A new id of `table`, as a string the client treats as opaque.
    fn new_id<T>(&mut self, table: &str) -> Id<T> {
        self.last_id += 1;
        Id::new(format!("{table}:{}", self.last_id))
    }

    fn user_mut(&mut self, id: &Id<User>) -> Option<&mut UserDoc> {
        self.users.get_mut(id.as_str())
    }
}

impl App {
    fn store(&self) -> MutexGuard<'_, Store> {
        // A handler that panicked on purpose held no lock; recover anyway.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Milliseconds since the Unix epoch, with a fraction, as Convex stores it.
fn now_millis() -> f64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    elapsed.as_secs_f64() * 1000.0
}

impl users::Handlers for App {
    async fn get_profile(
        &self,
        _ctx: QueryCtx,
        args: users::GetProfileArgs,
    ) -> Result<Option<UserDoc>, ApiError> {
        Ok(self.store().users.get(&args.user_id).cloned())
    }

    async fn by_clerk_id(
        &self,
        _ctx: QueryCtx,
        args: users::ByClerkIdArgs,
    ) -> Result<Option<UserDoc>, ApiError> {
        let store = self.store();
        let found = store.users.values().find(|u| u.clerk_id == args.clerk_id);
        Ok(found.cloned())
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
        let mut store = self.store();
        if store.users.values().any(|u| u.clerk_id == args.clerk_id) {
            return Err(ApiError::new(
                "clerk_id_taken",
                format!("a user with clerk id {:?} exists", args.clerk_id),
            )
            .with_status(409));
        }
        let id: Id<User> = store.new_id("users");
        // `new` and `From` rather than struct literals: this keeps
        // compiling when the schema gains optional fields.
        let mut user = User::new(args.clerk_id, args.email, 0);
        user.birth_details = args.birth_details.map(UserBirthDetails::from);
        let doc = UserDoc::from_parts(id.clone(), now_millis(), user);
        store.users.insert(id.clone(), doc);
        Ok(id)
    }

    async fn update_preferences(
        &self,
        _ctx: MutationCtx,
        args: users::UpdatePreferencesArgs,
    ) -> Result<(), ApiError> {
        let mut store = self.store();
        let user = store.user_mut(&args.user_id).ok_or_else(|| {
            ApiError::new("unknown_user", format!("no user {}", args.user_id)).with_status(404)
        })?;
        user.preferences = Some(args.preferences);
        Ok(())
    }

    async fn add_karma(
        &self,
        _ctx: MutationCtx,
        args: users::AddKarmaArgs,
    ) -> Result<i64, ApiError> {
        let mut store = self.store();
        let user = store
            .user_mut(&args.user_id)
            .ok_or_else(|| ApiError::handler(format!("no user {}", args.user_id)))?;
        let karma = user.karma.checked_add(args.amount).ok_or_else(|| {
            ApiError::new(
                "karma_overflow",
                format!("{} + {} overflows int64", user.karma, args.amount),
            )
            .with_status(422)
        })?;
        user.karma = karma;
        Ok(karma)
    }
}

impl readings::Handlers for App {
    async fn list(
        &self,
        _ctx: QueryCtx,
        args: readings::ListArgs,
    ) -> Result<Vec<ReadingDoc>, ApiError> {
        let store = self.store();
        let mine = store.readings.iter().filter(|r| r.user_id == args.user_id);
        Ok(mine.cloned().collect())
    }

    async fn compute(
        &self,
        _ctx: ActionCtx,
        args: readings::ComputeArgs,
    ) -> Result<Id<Reading>, ApiError> {
        let mut store = self.store();
        let user = store
            .users
            .get(&args.user_id)
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
        let id: Id<Reading> = store.new_id("readings");
        let summary = format!("A reading for {}", birth.time);
        let reading = Reading::new(args.user_id, placements, summary, score, tags);
        store
            .readings
            .push(ReadingDoc::from_parts(id.clone(), now_millis(), reading));
        Ok(id)
    }
}

impl notes::Handlers for App {
    async fn for_reading(
        &self,
        _ctx: QueryCtx,
        args: notes::ForReadingArgs,
    ) -> Result<Vec<NoteDoc>, ApiError> {
        let store = self.store();
        let notes = store
            .notes
            .iter()
            .filter(|n| n.reading_id == args.reading_id);
        Ok(notes.cloned().collect())
    }

    async fn add(&self, _ctx: MutationCtx, args: notes::AddArgs) -> Result<Id<Note>, ApiError> {
        if args.body == "panic" {
            panic!("the e2e client asked this handler to panic");
        }
        let mut store = self.store();
        if !store.readings.iter().any(|r| r.id == args.reading_id) {
            return Err(ApiError::not_found(format!(
                "no reading {}",
                args.reading_id
            )));
        }
        let id: Id<Note> = store.new_id("notes");
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
        let note = NoteDoc::from_parts(id.clone(), now_millis(), note);
        store.notes.push(note);
        Ok(id)
    }

    async fn stats(
        &self,
        _ctx: QueryCtx,
        _args: notes::StatsArgs,
    ) -> Result<BTreeMap<String, i64>, ApiError> {
        let store = self.store();
        let mut counts: BTreeMap<String, i64> = ["calm", "curious", "worried", "none"]
            .into_iter()
            .map(|mood| (mood.to_owned(), 0))
            .collect();
        for note in &store.notes {
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("cannot bind 127.0.0.1:0");
    let port = listener.local_addr().expect("a bound address").port();
    // stdout is line-buffered: the test reads this line right away.
    println!("{port}");
    let app = schema::router(App::default());
    schemabridge_runtime::axum::serve(listener, app)
        .await
        .expect("the server failed");
}
