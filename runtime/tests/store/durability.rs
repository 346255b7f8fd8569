//! A mutation that answered survives the process being killed (SIGKILL):
//! a child process commits documents one by one and reports each, the
//! test kills it mid-stream, reopens the file and finds every reported one.

use crate::model::{MutationCtx, QueryCtx, User, SCHEMA};
use schemabridge_runtime::{Id, Store};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Set in the child process: the database file it writes to.
const CHILD_DATABASE: &str = "SCHEMABRIDGE_DURABILITY_CHILD_DB";
const CHILD_TEST: &str = "durability::child_process_commits_until_killed";

fn user(n: usize) -> User {
    User {
        name: format!("u{n}"),
        email: "e".into(),
        karma: n as i64,
        age: None,
        avatar: None,
        prefs: None,
        tags: vec![],
    }
}

/// The child half of `a_commit_survives_sigkill`; does nothing unless that
/// test started this process.
#[test]
fn child_process_commits_until_killed() {
    let Ok(path) = std::env::var(CHILD_DATABASE) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = Store::open(&path, &SCHEMA).await.unwrap();
        let mut out = std::io::stdout().lock();
        for n in 0..100_000 {
            let id = store
                .mutation(|ctx: MutationCtx| async move { ctx.db().users().insert(user(n)).await })
                .await
                .unwrap();
            // Reported only once the mutation answered: what a client saw.
            writeln!(out, "committed {id}").unwrap();
            out.flush().unwrap();
        }
    });
}

#[tokio::test]
async fn a_commit_survives_sigkill() {
    let file = crate::TempDb::new(&format!("durability-{}", std::process::id()));
    let path = file.path();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD_DATABASE, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut committed = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        if let Some(id) = line.unwrap().strip_prefix("committed ") {
            committed.push(id.to_owned());
        }
        if committed.len() == 200 {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no checkpoint
    child.wait().unwrap();
    assert_eq!(committed.len(), 200, "the child stopped early");
    let store = Store::open(path.to_str().unwrap(), &SCHEMA).await.unwrap();
    for id in committed {
        let id: Id<User> = Id::new(id);
        let found = store
            .query(|ctx: QueryCtx| {
                let id = id.clone();
                async move { ctx.db().users().get(&id).await }
            })
            .await
            .unwrap();
        assert!(found.is_some(), "{id} was answered but is lost");
    }
}

/// A file-backed test store deletes its database, WAL and shared-memory
/// files when it is dropped.
#[tokio::test]
async fn a_test_store_leaves_no_files_behind() {
    let store = crate::Backend::File.open(&SCHEMA).await;
    store
        .mutation(|ctx: MutationCtx| async move { ctx.db().users().insert(user(1)).await })
        .await
        .unwrap();
    let files = store.place_files();
    assert!(files[0].exists(), "the store was not on a file");
    assert!(files[1].exists(), "no WAL file while the store is open");
    drop(store);
    for file in files {
        assert!(!file.exists(), "{} was left behind", file.display());
    }
}
