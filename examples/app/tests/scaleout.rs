//! Several instances of the example app on one PostgreSQL database (SPEC §9,
//! issue 11): a commit through any instance is released, in order, by
//! every instance; increments spread over instances are exact; an instance
//! killed, a commit feed cut, or a burst of commits loses nothing.
//!
//! Needs the test cluster (`eval "$(scripts/pg-test-cluster.sh start)"`).

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::json;
use support::instances::Instances;
use support::{int64, int64_of, Client};

/// How long instances may take to release a commit of another one. The
/// feed is woken by a notification and reads the log within milliseconds;
/// this is generous for debug builds on a loaded machine.
const CATCH_UP: Duration = Duration::from_secs(20);

fn create_user(client: &Client, clerk_id: &str) -> String {
    let args = json!({ "clerkId": clerk_id, "email": format!("{clerk_id}@example.com") });
    client.ok("users.create", args).as_str().unwrap().to_owned()
}

fn karma(client: &Client, user: &str) -> i64 {
    int64_of(&client.ok("users.getProfile", json!({ "userId": user }))["karma"])
}

fn add_karma(client: &Client, user: &str) -> Result<i64, String> {
    let args = json!({ "userId": user, "amount": int64(1) });
    match client.call("users.addKarma", &args)? {
        (200, body) => Ok(int64_of(&body["value"])),
        (status, body) => Err(format!("addKarma: {status} {body}")),
    }
}

#[test]
fn a_commit_through_one_instance_is_released_by_the_other() {
    let instances = Instances::start("scaleout_two", 2);
    let (a, b) = (instances.server(0).client(), instances.server(1).client());
    let user = create_user(&b, "ada");
    assert_eq!(add_karma(&b, &user), Ok(1));
    let sequence = instances.database_sequence(1);
    assert_eq!(sequence, 2, "two commits");
    instances.wait_caught_up(sequence, CATCH_UP);
    assert_eq!(karma(&a, &user), 1);
    // And back: A's commit reaches B.
    assert_eq!(add_karma(&a, &user), Ok(2));
    instances.wait_caught_up(3, CATCH_UP);
    let health = instances.health(1);
    assert_eq!(
        (health["sequence"].clone(), health["database"].clone()),
        (json!(3), json!(3)),
        "{health}"
    );
}

/// 8 clients spread over three instances × 500 `addKarma(1)` on one user:
/// exactly 4,000, the totals returned are 1..=4000 each once, and every
/// instance ends having released the same final commit.
#[test]
fn increments_spread_over_three_instances_are_exact() {
    const CLIENTS: usize = 8;
    const CALLS: usize = 500;
    let instances = Instances::start("scaleout_karma", 3);
    let user = create_user(&instances.server(0).client(), "karma");
    let totals = Arc::new(Mutex::new(Vec::with_capacity(CLIENTS * CALLS)));
    let workers: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let client = instances.server(n % instances.len()).client();
            let (user, totals) = (user.clone(), totals.clone());
            thread::spawn(move || {
                for _ in 0..CALLS {
                    let total = add_karma(&client, &user).unwrap_or_else(|e| panic!("{e}"));
                    totals.lock().unwrap().push(total);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a client thread");
    }
    let mut totals = totals.lock().unwrap().clone();
    totals.sort_unstable();
    let expected: Vec<i64> = (1..=(CLIENTS * CALLS) as i64).collect();
    assert!(
        totals == expected,
        "returned totals are not 1..=4000 once each"
    );
    // One commit creates the user, one per increment. A commit that failed
    // at COMMIT (and ran again) drew a number too: the last may be higher.
    let logged = instances.admin_query("SELECT count(*) FROM _sb_commits");
    assert_eq!(logged, [(1 + CLIENTS * CALLS).to_string()]);
    let last = instances.database_sequence(0);
    instances.wait_caught_up(last, CATCH_UP);
    let mut conflicts = 0;
    for n in 0..instances.len() {
        let client = instances.server(n).client();
        assert_eq!(
            karma(&client, &user),
            (CLIENTS * CALLS) as i64,
            "instance {n}"
        );
        let health = instances.health(n);
        assert_eq!(health["sequence"], last, "instance {n}: {health}");
        conflicts += health["conflicts"].as_u64().expect("a conflict count");
    }
    println!("{CLIENTS} clients × {CALLS} increments over 3 instances: {conflicts} conflicts");
}

/// A writer streams commits through A while B's commit feed connection is
/// terminated three times: B reconnects each time and catches up with the
/// database.
#[test]
fn a_cut_feed_connection_reconnects_and_catches_up() {
    let instances = Instances::start("scaleout_cut", 2);
    let a = instances.server(0).client();
    let user = create_user(&a, "cut");
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (a, user, stop) = (a.clone(), user.clone(), stop.clone());
        thread::spawn(move || {
            let mut acknowledged = 0;
            while !stop.load(Ordering::Relaxed) && acknowledged < 5_000 {
                add_karma(&a, &user).unwrap_or_else(|e| panic!("{e}"));
                acknowledged += 1;
            }
            acknowledged
        })
    };
    let mut backends = vec![instances.wait_feed(1, None, CATCH_UP)];
    for _ in 0..3 {
        thread::sleep(Duration::from_millis(200));
        let cut = instances.cut_feed(1);
        assert_eq!(Some(&cut), backends.last(), "the feed's backend");
        // `wait_feed` returns only a backend other than the one cut.
        backends.push(instances.wait_feed(1, Some(cut), CATCH_UP));
    }
    thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let acknowledged = writer.join().expect("the writer");
    instances.wait_caught_up(instances.database_sequence(0), CATCH_UP);
    assert_eq!(
        karma(&instances.server(1).client(), &user),
        acknowledged as i64
    );
}

/// 2,400 commits from 8 writers on two instances as fast as they go: more
/// than one read of the log (1,000 rows) and more notifications than a
/// follower handles one by one. Every instance releases all of them.
#[test]
fn a_burst_of_commits_is_released_entirely() {
    const WRITERS: usize = 8;
    const EACH: usize = 300;
    let instances = Instances::start("scaleout_burst", 2);
    let workers: Vec<_> = (0..WRITERS)
        .map(|n| {
            let client = instances.server(n % 2).client();
            thread::spawn(move || {
                for i in 0..EACH {
                    create_user(&client, &format!("w{n}-{i}"));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a writer");
    }
    let logged = instances.admin_query("SELECT count(*) FROM _sb_commits");
    assert_eq!(
        logged,
        [(WRITERS * EACH).to_string()],
        "one logged commit per user"
    );
    // Commits that failed at COMMIT (serialization failures, retried) drew
    // numbers too: the last sequence is at least the number of commits.
    let last = instances.database_sequence(1);
    assert!(last >= (WRITERS * EACH) as u64, "{last}");
    instances.wait_caught_up(last, CATCH_UP);
}

/// Writers on A and B; B is killed mid-stream. Its writers go on through A.
/// Every acknowledged increment is in the total; A keeps releasing.
#[test]
fn an_instance_killed_loses_no_acknowledged_mutation() {
    const WRITERS: usize = 4;
    let mut instances = Instances::start("scaleout_kill", 2);
    let a = instances.server(0).client();
    let b = instances.server(1).client();
    let user = create_user(&a, "kill");
    let stop = Arc::new(AtomicBool::new(false));
    // Per writer: acknowledged increments, and calls that got no answer
    // (sent to B as it died: they may or may not have committed).
    let workers: Vec<_> = (0..WRITERS)
        .map(|n| {
            let (a, b, user, stop) = (a.clone(), b.clone(), user.clone(), stop.clone());
            thread::spawn(move || {
                let (mut acknowledged, mut unanswered) = (0i64, 0i64);
                let mut client = if n % 2 == 0 { a.clone() } else { b };
                while !stop.load(Ordering::Relaxed) && acknowledged < 5_000 {
                    match add_karma(&client, &user) {
                        Ok(_) => acknowledged += 1,
                        Err(_) => {
                            // Reconnect elsewhere, as a load balancer would.
                            unanswered += 1;
                            client = a.clone();
                        }
                    }
                }
                (acknowledged, unanswered)
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(1_000));
    instances.kill(1);
    thread::sleep(Duration::from_millis(1_000));
    stop.store(true, Ordering::Relaxed);
    let (mut acknowledged, mut unanswered) = (0, 0);
    for worker in workers {
        let (acked, lost) = worker.join().expect("a writer");
        acknowledged += acked;
        unanswered += lost;
    }
    let total = karma(&a, &user);
    assert!(
        (acknowledged..=acknowledged + unanswered).contains(&total),
        "karma {total}: {acknowledged} acknowledged, {unanswered} unanswered"
    );
    let logged = instances.admin_query("SELECT count(*) FROM _sb_commits");
    assert_eq!(
        logged,
        [(1 + total).to_string()],
        "one logged commit per increment"
    );
    instances.wait_caught_up(instances.database_sequence(0), CATCH_UP);
}
