//! What the database costs a search: the quota pre-check and the charge-
//! and-log transaction the server runs for every successful search of a
//! signed-in user, timed on SQLite and on PostgreSQL, one caller at a time
//! and several at once. The reference is SQLite in the same run.

use accounts::{ClientInfo, Db, ManualClock, NewUser, PasswordPolicy, Target};
use server::caller::{Caller, Via};
use server::store::Store;
use server::store::quota::{self, QuotaPolicy};
use server::store::searches::{self, NewSearch};
use shared::{AnimeRef, SearchHit};
use std::sync::Arc;
use std::time::Instant;

/// What one engine measured.
pub struct EngineCost {
    pub engine: &'static str,
    /// Milliseconds per search, one caller at a time.
    pub serial_ms: Vec<f64>,
    /// Searches per second with `threads` callers at once.
    pub concurrent_per_s: f64,
    pub threads: usize,
}

/// Simulated seconds between two searches of one user: keeps each user
/// under the 100-per-rolling-hour cap however many searches are timed.
const SPACING_MS: i64 = 37_000;

/// The simulated time the first run starts at (2027-01-15).
const START_MS: i64 = 1_800_000_000_000;

/// Times `searches` serial and `searches` concurrent (over `threads`
/// users) charge-and-log transactions on `target`.
pub fn measure(
    engine: &'static str,
    target: &Target,
    searches: usize,
    threads: usize,
) -> anyhow::Result<EngineCost> {
    let store = Store::open(target, threads + 1)?;
    let users: Vec<String> = (0..threads.max(1))
        .map(|i| user(&store, i))
        .collect::<anyhow::Result<_>>()?;
    let serial_ms = run_user(&store, &users[0], searches, START_MS)?;
    let later = START_MS + (searches as i64 + 100) * SPACING_MS;
    let start = Instant::now();
    let per_thread = searches.div_ceil(threads);
    std::thread::scope(|s| {
        let runs: Vec<_> = users
            .iter()
            .map(|u| s.spawn(|| run_user(&store, u, per_thread, later)))
            .collect();
        runs.into_iter()
            .try_for_each(|r| r.join().expect("thread").map(drop))
    })?;
    let concurrent_per_s = (per_thread * threads) as f64 / start.elapsed().as_secs_f64();
    Ok(EngineCost {
        engine,
        serial_ms,
        concurrent_per_s,
        threads,
    })
}

/// A user with credits enough for any run; its id.
fn user(store: &Store, i: usize) -> anyhow::Result<String> {
    let db: &Db = &store.get();
    let clock = ManualClock::new(0);
    let new = NewUser {
        name: "Bench".into(),
        email: format!("bench{i}@example.com"),
        password: "correct horse battery".into(),
        image: None,
        remember_me: true,
    };
    let policy = PasswordPolicy::with_iterations(1_000);
    let signed = accounts::sign_up(db, &clock, &policy, &new, &ClientInfo::default())?;
    accounts::grant_credits(db, &clock, &new.email, 1_000_000_000)?;
    Ok(signed.user.id)
}

/// `n` searches of `user_id` from `start_ms` on (simulated), each its
/// pre-check then its transaction; the milliseconds of each.
fn run_user(store: &Store, user_id: &str, n: usize, start_ms: i64) -> anyhow::Result<Vec<f64>> {
    let clock = Arc::new(ManualClock::new(start_ms));
    let caller = Caller::User {
        user_id: user_id.to_owned(),
        via: Via::ApiKey,
    };
    let policy = QuotaPolicy {
        guest_daily_limit: Some(5),
    };
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        clock.advance_ms(SPACING_MS);
        let search = logged(&format!("{user_id}-{start_ms}-{i}"), clock.as_ref());
        let start = Instant::now();
        quota::check(&store.get(), &caller, &policy, clock.as_ref())?;
        searches::record(&store.get(), &search, &caller, &policy, clock.as_ref())?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(times)
}

/// A search record like the server's: five hits kept as JSON.
fn logged(id: &str, clock: &ManualClock) -> NewSearch {
    let hit = |i: u32| SearchHit {
        anime: AnimeRef {
            id: i,
            title: format!("Anime {i}"),
            anilist_id: Some(1000 + i),
            is_adult: false,
        },
        anilist: Some(1000 + i),
        filename: format!("Anime {i} - 01.mkv"),
        episode: Some(1),
        from: 10.0,
        to: 12.5,
        at: 11.25,
        duration: 1420.0,
        similarity: 0.97 - f64::from(i) * 0.05,
        video_path: format!("Anime {i}/Anime {i} - 01.mkv"),
    };
    NewSearch {
        id: format!("bench-{id}"),
        created_at: accounts::Clock::now_ms(clock),
        frame_count: 100_000_000,
        results: (0..5).map(hit).collect(),
    }
}
