//! Several instances of the example app on one PostgreSQL database (SPEC §9,
//! issue 11): a commit through any instance is released, in order, by
//! every instance; increments spread over instances are exact; an instance
//! killed, a commit feed cut, or a burst of commits loses nothing.
//!
//! Needs the test cluster (`eval "$(scripts/pg-test-cluster.sh start)"`).

mod support;

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::json;
use support::instances::Instances;
use support::live_socket::{idempotency_key, LiveSocket};
use support::{int64, int64_of, Client};

/// How long instances may take to release a commit of another one. The
/// feed is woken by a notification and reads the log within milliseconds;
/// this is generous for debug builds on a loaded machine.
const CATCH_UP: Duration = Duration::from_secs(20);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn block_on<T>(test: impl std::future::Future<Output = T>) -> T {
    runtime().block_on(test)
}

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

/// A client subscribed on A sees a mutation made through B, and one made
/// over B's socket, which resolves once B's client shows it; a third
/// instance sees both.
#[test]
fn a_subscriber_on_one_instance_sees_mutations_made_through_another() {
    let instances = Instances::start("scaleout_live", 3);
    let user = create_user(&instances.server(0).client(), "live");
    let address = |n: usize| instances.server(n).address().to_owned();
    let b = instances.server(1).client();
    block_on(async {
        let profile = json!({ "userId": user });
        let karma_is = |n: i64| move |profile: &serde_json::Value| int64_of(&profile["karma"]) == n;
        let mut on_a = LiveSocket::connect(&address(0)).await.unwrap();
        let mut on_b = LiveSocket::connect(&address(1)).await.unwrap();
        let mut on_c = LiveSocket::connect(&address(2)).await.unwrap();
        for socket in [&mut on_a, &mut on_b, &mut on_c] {
            socket
                .subscribe(7, "users/getProfile", profile.clone())
                .await
                .unwrap();
            socket.wait_for(7, CATCH_UP, karma_is(0)).await.unwrap();
        }
        // Over HTTP through B (a blocking call, off the runtime's workers).
        let (b, id) = (b.clone(), user.clone());
        let total = tokio::task::spawn_blocking(move || add_karma(&b, &id))
            .await
            .unwrap();
        assert_eq!(total, Ok(1));
        on_a.wait_for(7, CATCH_UP, karma_is(1)).await.unwrap();
        // Over B's socket: resolved once B's subscription shows it.
        let args = json!({ "userId": user, "amount": int64(1) });
        let total = on_b
            .mutation("users/addKarma", args, &idempotency_key())
            .await
            .unwrap();
        assert_eq!(int64_of(&total), 2);
        assert_eq!(
            int64_of(&on_b.result(7).unwrap()["karma"]),
            2,
            "read your writes"
        );
        on_a.wait_for(7, CATCH_UP, karma_is(2)).await.unwrap();
        on_c.wait_for(7, CATCH_UP, karma_is(2)).await.unwrap();
        // Each client saw 0, 1, 2 in order (C may have seen 1 and 2 in one
        // Transition: then only 2 after 0).
        for socket in [&on_a, &on_c] {
            let seen: Vec<i64> = socket
                .updates
                .iter()
                .map(|(_, p)| int64_of(&p["karma"]))
                .collect();
            assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        }
    });
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

/// 8 live clients spread over three instances, each subscribed to the
/// user's profile, × 500 `addKarma(1)` over their sockets: exactly 4,000,
/// the totals returned are 1..=4000 each once, each mutation resolves only
/// once its client's subscription shows it (whichever instance made the
/// commits before it), and every subscription on every instance ends on
/// 4,000.
#[test]
fn increments_spread_over_three_instances_are_exact() {
    const CLIENTS: usize = 8;
    const CALLS: usize = 500;
    let instances = Instances::start("scaleout_karma", 3);
    let user = create_user(&instances.server(0).client(), "karma");
    let addresses: Vec<String> = (0..3)
        .map(|n| instances.server(n).address().to_owned())
        .collect();
    let totals = block_on(async {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let (address, user) = (addresses[n % 3].clone(), user.clone());
                tokio::spawn(async move {
                    let mut socket = LiveSocket::connect(&address).await?;
                    socket
                        .subscribe(1, "users/getProfile", json!({ "userId": user }))
                        .await?;
                    let mut totals = Vec::with_capacity(CALLS);
                    for _ in 0..CALLS {
                        let args = json!({ "userId": user, "amount": int64(1) });
                        let total = int64_of(
                            &socket
                                .mutation("users/addKarma", args, &idempotency_key())
                                .await?,
                        );
                        // Read your writes: the subscription already shows it.
                        let shown = socket.result(1).map(|profile| int64_of(&profile["karma"]));
                        if shown < Some(total) {
                            return Err(format!(
                                "addKarma returned {total}, the subscription shows {shown:?}"
                            ));
                        }
                        totals.push(total);
                    }
                    let last = (CLIENTS * CALLS) as i64;
                    socket
                        .wait_for(1, CATCH_UP, |profile| int64_of(&profile["karma"]) == last)
                        .await?;
                    Ok::<_, String>(totals)
                })
            })
            .collect();
        let mut totals = Vec::new();
        for client in clients {
            totals.extend(
                client
                    .await
                    .expect("a client task")
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        totals
    });
    let mut totals = totals;
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
/// database, and a client subscribed on B sees the karma only go up, to the
/// final value.
#[test]
fn a_cut_feed_connection_reconnects_and_catches_up() {
    let instances = Instances::start("scaleout_cut", 2);
    let a = instances.server(0).client();
    let user = create_user(&a, "cut");
    let target = Arc::new(AtomicI64::new(-1));
    let runtime = runtime();
    // Read all along: a client that stops reading is a slow consumer.
    let subscriber = {
        let (address, user, target) = (
            instances.server(1).address().to_owned(),
            user.clone(),
            target.clone(),
        );
        runtime.spawn(async move {
            let mut socket = LiveSocket::connect(&address).await?;
            socket
                .subscribe(1, "users/getProfile", json!({ "userId": user }))
                .await?;
            socket
                .wait_for(1, Duration::from_secs(120), |profile| {
                    int64_of(&profile["karma"]) == target.load(Ordering::Relaxed)
                })
                .await?;
            Ok::<_, String>(socket)
        })
    };
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
    target.store(acknowledged, Ordering::Relaxed);
    instances.wait_caught_up(instances.database_sequence(0), CATCH_UP);
    assert_eq!(karma(&instances.server(1).client(), &user), acknowledged);
    let socket = runtime
        .block_on(subscriber)
        .expect("the subscriber")
        .unwrap_or_else(|e| panic!("the subscriber on B: {e}"));
    let seen: Vec<i64> = socket
        .updates
        .iter()
        .map(|(_, p)| int64_of(&p["karma"]))
        .collect();
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "karma went back: {seen:?}"
    );
    assert_eq!(seen.last(), Some(&acknowledged));
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

/// Live clients on A and B, subscribed and mutating over their sockets; B
/// is killed mid-stream. Its clients reconnect to A, subscribe again, get
/// the current value, and send their mutation in flight again with the same
/// idempotency key: the total is exactly the number of mutations
/// acknowledged, each applied once, and every subscription ends on it.
#[test]
fn an_instance_killed_loses_no_acknowledged_mutation() {
    const WRITERS: usize = 4;
    let mut instances = Instances::start("scaleout_kill", 2);
    let user = create_user(&instances.server(0).client(), "kill");
    let (a, b) = (
        instances.server(0).address().to_owned(),
        instances.server(1).address().to_owned(),
    );
    let runtime = runtime();
    let reconnected = Arc::new(AtomicI64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|n| {
            let home = if n % 2 == 0 { a.clone() } else { b.clone() };
            let (a, user, reconnected) = (a.clone(), user.clone(), reconnected.clone());
            let stop = stop.clone();
            runtime.spawn(async move {
                let profile = json!({ "userId": user });
                let mut socket = LiveSocket::connect(&home).await?;
                socket
                    .subscribe(1, "users/getProfile", profile.clone())
                    .await?;
                let mut acknowledged = 0i64;
                while !stop.load(Ordering::Relaxed) && acknowledged < 5_000 {
                    let key = idempotency_key();
                    let args = json!({ "userId": user, "amount": int64(1) });
                    loop {
                        match socket.mutation("users/addKarma", args.clone(), &key).await {
                            Ok(_) => break,
                            Err(error) if error.starts_with("users/addKarma") => return Err(error),
                            Err(_) => {
                                // Its server is gone: to A, as a load balancer
                                // would; the same key again.
                                let before = socket.result(1).map(|p| int64_of(&p["karma"]));
                                socket = LiveSocket::connect(&a).await?;
                                socket
                                    .subscribe(1, "users/getProfile", profile.clone())
                                    .await?;
                                let now = socket.wait_for(1, CATCH_UP, |_| true).await?;
                                if Some(int64_of(&now["karma"])) < before {
                                    return Err(format!(
                                        "after reconnecting: {now}, before: {before:?}"
                                    ));
                                }
                                reconnected.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    acknowledged += 1;
                }
                Ok::<_, String>((acknowledged, socket))
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(1_500));
    instances.kill(1);
    thread::sleep(Duration::from_millis(1_500));
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged = 0;
    let mut sockets = Vec::new();
    for writer in writers {
        let (acked, socket) = runtime
            .block_on(writer)
            .expect("a writer task")
            .unwrap_or_else(|e| panic!("a writer: {e}"));
        acknowledged += acked;
        sockets.push(socket);
    }
    assert_eq!(
        reconnected.load(Ordering::Relaxed),
        2,
        "B's two clients moved to A"
    );
    let a_client = instances.server(0).client();
    assert_eq!(
        karma(&a_client, &user),
        acknowledged,
        "each mutation applied once"
    );
    runtime.block_on(async {
        for socket in &mut sockets {
            socket
                .wait_for(1, CATCH_UP, |p| int64_of(&p["karma"]) == acknowledged)
                .await
                .unwrap();
        }
    });
    instances.wait_caught_up(instances.database_sequence(0), CATCH_UP);
}
