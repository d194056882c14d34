//! Quotas and credits: free daily credits, purchased credits, the hourly cap, concurrency.

use std::sync::Barrier;

use accounts::Db;
use accounts::clock::HOUR_MS;
use accounts::credits::balance;
use accounts::{ChargeKind, Clock, Error, charge, credits_summary, grant_credits, pre_check};

use crate::common::{Env, T0, keys};

fn user_caller(env: &Env, email: &str) -> String {
    env.sign_up(email).user.id
}

/// What the server does for one search: check, search, then charge and
/// record the search in one write transaction.
fn search(conn: &Db, clock: &dyn Clock, caller: &str) -> accounts::Result<ChargeKind> {
    pre_check(conn, clock, caller)?;
    let charged = conn.write(|tx| charge(tx, clock, caller, "search-id"))?;
    Ok(charged.kind)
}

#[test]
fn ten_free_searches_then_no_credits_until_credits_are_bought() {
    let env = Env::new();
    let caller = user_caller(&env, "ann@example.com");
    for _ in 0..10 {
        assert_eq!(
            search(&env.conn, env.clock.as_ref(), &caller).unwrap(),
            ChargeKind::Free
        );
    }
    let err = search(&env.conn, env.clock.as_ref(), &caller).unwrap_err();
    assert!(matches!(err, Error::InsufficientCredits { .. }), "{err}");
    assert_eq!(
        err.retry_after_secs(),
        Some(12 * 3600),
        "seconds to midnight UTC"
    );

    grant_credits(&env.conn, env.clock.as_ref(), "ann@example.com", 1).unwrap();
    assert_eq!(
        search(&env.conn, env.clock.as_ref(), &caller).unwrap(),
        ChargeKind::Purchased
    );
    let user_id = &caller;
    assert_eq!(balance(&env.conn, user_id).unwrap(), 0);
    assert!(matches!(
        search(&env.conn, env.clock.as_ref(), &caller),
        Err(Error::InsufficientCredits { .. })
    ));
}

#[test]
fn a_rolled_back_search_is_not_charged() {
    let env = Env::new();
    let caller = user_caller(&env, "ann@example.com");
    let failed: accounts::Result<()> = env.conn.write(|tx| {
        charge(tx, env.clock.as_ref(), &caller, "failed").unwrap();
        Err(Error::Corrupt("the search failed after the charge".into()))
    });
    assert!(failed.is_err());
    let user_id = &caller;
    let summary = credits_summary(&env.conn, env.clock.as_ref(), user_id).unwrap();
    assert_eq!(summary.free_daily.used, 0);
}

#[test]
fn the_101st_search_in_an_hour_is_refused_until_the_oldest_leaves() {
    let env = Env::new();
    let caller = user_caller(&env, "ann@example.com");
    grant_credits(&env.conn, env.clock.as_ref(), "ann@example.com", 500).unwrap();
    for _ in 0..100 {
        search(&env.conn, env.clock.as_ref(), &caller).unwrap();
        env.clock.advance_ms(10_000);
    }
    // Now T0 + 1000 s; the first search (at T0) leaves the window at T0 + 3600 s.
    let err = search(&env.conn, env.clock.as_ref(), &caller).unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    assert_eq!(err.retry_after_secs(), Some(2_600));
    env.clock.set(T0 + HOUR_MS - 1);
    assert_eq!(
        search(&env.conn, env.clock.as_ref(), &caller)
            .unwrap_err()
            .retry_after_secs(),
        Some(1)
    );
    env.clock.set(T0 + HOUR_MS);
    assert_eq!(
        search(&env.conn, env.clock.as_ref(), &caller).unwrap(),
        ChargeKind::Purchased
    );
}

#[test]
fn free_credits_come_back_at_midnight_utc() {
    let env = Env::new();
    let caller = user_caller(&env, "ann@example.com");
    let user_id = &caller;
    env.clock.set(T0 + 11 * HOUR_MS + 30 * 60_000); // 23:30 UTC
    for _ in 0..10 {
        search(&env.conn, env.clock.as_ref(), &caller).unwrap();
    }
    let err = pre_check(&env.conn, env.clock.as_ref(), &caller).unwrap_err();
    assert_eq!(err.retry_after_secs(), Some(1_800));
    let summary = credits_summary(&env.conn, env.clock.as_ref(), user_id).unwrap();
    assert_eq!(
        (summary.free_daily.used, summary.free_daily.remaining),
        (10, 0)
    );
    assert_eq!(summary.free_daily.resets_at, "2026-03-11T00:00:00.000Z");

    env.clock.set(T0 + 12 * HOUR_MS); // midnight
    let summary = credits_summary(&env.conn, env.clock.as_ref(), user_id).unwrap();
    assert_eq!(
        (summary.free_daily.used, summary.free_daily.remaining),
        (0, 10)
    );
    assert_eq!(
        summary.hourly.used, 10,
        "the rolling hour does not reset at midnight"
    );
    assert_eq!(
        search(&env.conn, env.clock.as_ref(), &caller).unwrap(),
        ChargeKind::Free
    );
}

#[test]
fn summary_json_matches_the_contract() {
    let env = Env::new();
    let caller = user_caller(&env, "ann@example.com");
    let user_id = &caller;
    grant_credits(&env.conn, env.clock.as_ref(), "ann@example.com", 3).unwrap();
    search(&env.conn, env.clock.as_ref(), &caller).unwrap();
    env.clock.advance_ms(60_000);
    let summary = credits_summary(&env.conn, env.clock.as_ref(), user_id).unwrap();
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "freeDaily": {"limit": 10, "used": 1, "remaining": 9,
                          "resetsAt": "2026-03-11T00:00:00.000Z"},
            "credits": 3,
            "hourly": {"limit": 100, "used": 1, "resetsAt": "2026-03-10T13:00:00.000Z"}
        })
    );
    assert_eq!(keys(&json), ["credits", "freeDaily", "hourly"]);
}

#[test]
fn fifty_concurrent_charges_spend_exactly_ten_credits() {
    let env = Env::new();
    let caller = user_caller(&env, "ann@example.com");
    for _ in 0..10 {
        search(&env.conn, env.clock.as_ref(), &caller).unwrap();
    }
    grant_credits(&env.conn, env.clock.as_ref(), "ann@example.com", 10).unwrap();
    let conns: Vec<Db> = (0..50).map(|_| env.connect()).collect();
    let barrier = Barrier::new(50);
    let results: Vec<accounts::Result<ChargeKind>> = std::thread::scope(|s| {
        let handles: Vec<_> = conns
            .into_iter()
            .map(|conn| {
                let (clock, caller, barrier) = (env.clock.as_ref(), &caller, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    search(&conn, clock, caller)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 10, "{results:?}");
    for err in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(err, Error::InsufficientCredits { .. }), "{err}");
    }
    let user_id = &caller;
    assert_eq!(balance(&env.conn, user_id).unwrap(), 0);
    assert_eq!(
        env.count("SELECT COUNT(*) FROM charges WHERE kind = 'purchased'"),
        10
    );
}
