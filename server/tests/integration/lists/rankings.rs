//! Rankings by period, with and without adult anime, from the search log.

use super::*;

fn logged(anime: (u32, &str, bool), similarity: f64, days_ago: f64) -> NewSearch {
    let now = server::clock::Clock::now_ms(&server::clock::SystemClock);
    let hit = SearchHit {
        anime: AnimeRef {
            id: anime.0,
            title: anime.1.into(),
            anilist_id: Some(anime.0 * 10),
            is_adult: anime.2,
        },
        anilist: Some(anime.0 * 10),
        filename: "x.mkv".into(),
        episode: Some(1),
        from: 1.0,
        to: 2.0,
        at: 1.5,
        duration: 100.0,
        similarity,
        video_path: "A/x.mkv".into(),
    };
    NewSearch {
        id: server::ids::search_id(),
        created_at: now - (days_ago * 86_400_000.0) as i64,
        frame_count: 6,
        results: vec![hit],
    }
}

/// Ten (7 found over the years), Twenty (adult, 4 today), Thirty (1 found
/// today, 2 guesses below 0.9).
fn seed_log(f: &Fixture) {
    let store = server::store::Store::open(&f.config.database, 1).unwrap();
    let ten = (10, "Ten", false);
    let mut log = vec![];
    for days in [0.0, 0.1, 0.5, 3.0, 20.0, 200.0, 700.0] {
        log.push(logged(ten, 0.95, days));
    }
    for _ in 0..4 {
        log.push(logged((20, "Twenty", true), 0.99, 0.2));
    }
    log.push(logged((30, "Thirty", false), 0.92, 0.0));
    log.push(logged((30, "Thirty", false), 0.5, 0.0));
    log.push(logged((30, "Thirty", false), 0.89, 0.0));
    let caller = server::Caller::Guest {
        ip_hash: server::caller::IpHasher::new(b"k").hash([192, 0, 2, 1].into()),
    };
    let policy = QuotaPolicy {
        guest_daily_limit: None,
    };
    for s in &log {
        record(
            &store.get(),
            s,
            &caller,
            &policy,
            &server::clock::SystemClock,
        )
        .unwrap();
    }
}

fn ranked(rank: u32, id: u32, title: &str, adult: bool, searches: u64) -> Value {
    json!({"rank": rank, "anime": {"id": id, "title": title, "anilistId": id * 10, "isAdult": adult},
           "searches": searches})
}

#[actix_web::test]
async fn ranks_anime_by_period_with_and_without_adult() {
    let f = Fixture::new();
    seed_log(&f);
    let app = app(f.state()).await;
    let cases = [
        (
            "",
            "all",
            vec![
                ranked(1, 10, "Ten", false, 7),
                ranked(2, 30, "Thirty", false, 1),
            ],
        ),
        (
            "period=daily",
            "daily",
            vec![
                ranked(1, 10, "Ten", false, 3),
                ranked(2, 30, "Thirty", false, 1),
            ],
        ),
        (
            "period=weekly",
            "weekly",
            vec![
                ranked(1, 10, "Ten", false, 4),
                ranked(2, 30, "Thirty", false, 1),
            ],
        ),
        (
            "period=monthly&limit=1",
            "monthly",
            vec![ranked(1, 10, "Ten", false, 5)],
        ),
        (
            "period=yearly&includeAdult=false",
            "yearly",
            vec![
                ranked(1, 10, "Ten", false, 6),
                ranked(2, 30, "Thirty", false, 1),
            ],
        ),
        (
            "period=daily&includeAdult=true",
            "daily",
            vec![
                ranked(1, 20, "Twenty", true, 4),
                ranked(2, 10, "Ten", false, 3),
                ranked(3, 30, "Thirty", false, 1),
            ],
        ),
    ];
    for (query, period, items) in cases {
        let req = TestRequest::get().uri(&format!("/api/anime/rankings?{query}"));
        let (status, body, _) = call(&app, req, ME).await;
        assert_eq!(
            (status.as_u16(), body),
            (200, json!({"period": period, "items": items})),
            "{query}"
        );
    }
}

#[actix_web::test]
async fn rankings_refuse_bad_parameters() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let cases = [
        (
            "period=hourly",
            error(
                "INVALID_PERIOD",
                "period must be one of daily, weekly, monthly, yearly, all, not \"hourly\"",
            ),
        ),
        (
            "limit=0",
            error(
                "INVALID_LIMIT",
                "limit must be an integer from 1 to 100, not \"0\"",
            ),
        ),
        (
            "limit=ten",
            error(
                "INVALID_LIMIT",
                "limit must be an integer from 1 to 100, not \"ten\"",
            ),
        ),
        (
            "includeAdult=yes",
            error(
                "INVALID_PARAMETER",
                "includeAdult must be true or false, not \"yes\"",
            ),
        ),
    ];
    for (query, expected) in cases {
        let req = TestRequest::get().uri(&format!("/api/anime/rankings?{query}"));
        let (status, body, _) = call(&app, req, ME).await;
        assert_eq!((status.as_u16(), body), (400, expected), "{query}");
    }
}
