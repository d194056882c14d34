//! Guest quota: 5 successful searches per IP per UTC day, counted in the
//! same transaction as the search log, refused with 429 and Retry-After.

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::Value;

fn quota_error() -> Value {
    error(
        "GUEST_QUOTA_EXCEEDED",
        "guests may search 5 times per UTC day; sign in or come back after midnight UTC",
    )
}

fn seconds_to_midnight() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    86_400 - now.as_secs() % 86_400
}

#[actix_web::test]
async fn refuses_the_sixth_guest_search_with_retry_after() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let shot = jpeg(1);
    for i in 0..5 {
        let (status, body, _) = call(&app, upload(&shot), "192.0.2.1").await;
        assert_eq!(status, 200, "search {i}: {body}");
    }
    let (status, body, headers) = call(&app, upload(&shot), "192.0.2.1").await;
    assert_eq!((status.as_u16(), body), (429, quota_error()));
    let retry: u64 = headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry.abs_diff(seconds_to_midnight()) <= 5, "{retry}");
    let (status, _, _) = call(&app, upload(&shot), "192.0.2.2").await;
    assert_eq!(status, 200, "another IP has its own quota");
}

#[actix_web::test]
async fn an_ipv6_slash_64_is_one_guest() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    for i in 1..=5 {
        let ip = format!("[2001:db8:1:2::{i}]");
        let (status, body, _) = call(&app, upload(&jpeg(1)), &ip).await;
        assert_eq!(status, 200, "search {i}: {body}");
    }
    let other_address = "[2001:db8:1:2:ffff:ffff:ffff:ffff]";
    let (status, body, _) = call(&app, upload(&jpeg(1)), other_address).await;
    assert_eq!((status.as_u16(), body), (429, quota_error()));
    let other_network = "[2001:db8:1:3::1]";
    let (status, _, _) = call(&app, upload(&jpeg(1)), other_network).await;
    assert_eq!(status, 200, "another /64 has its own quota");
}

#[actix_web::test]
async fn counts_only_successful_searches() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    for _ in 0..3 {
        let (status, _, _) = call(&app, upload(b"text"), "192.0.2.3").await;
        assert_eq!(status, 400);
        let (status, _, _) = call(
            &app,
            TestRequest::post().uri("/api/anime/search"),
            "192.0.2.3",
        )
        .await;
        assert_eq!(status, 400);
    }
    for _ in 0..5 {
        let (status, _, _) = call(&app, upload(&jpeg(2)), "192.0.2.3").await;
        assert_eq!(status, 200);
    }
    let (status, body, _) = call(&app, upload(&jpeg(2)), "192.0.2.3").await;
    assert_eq!((status.as_u16(), body), (429, quota_error()));
}

#[actix_web::test]
async fn concurrent_searches_never_exceed_the_quota() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let shot = jpeg(3);
    let calls = (0..9).map(|_| call(&app, upload(&shot), "192.0.2.4"));
    let results = futures_util::future::join_all(calls).await;
    let mut statuses: Vec<u16> = results.iter().map(|r| r.0.as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429, 429, 429]);
}

#[actix_web::test]
async fn believes_x_forwarded_for_only_behind_a_trusted_proxy() {
    for trust in [false, true] {
        let mut f = Fixture::new();
        if trust {
            f.config.trust_proxy = vec!["127.0.0.0/8".parse().unwrap()];
        }
        let app = app(f.state()).await;
        let from = |client: &str| {
            upload(&jpeg(4)).insert_header(("x-forwarded-for", format!("1.1.1.1, {client}")))
        };
        for _ in 0..5 {
            let (status, _, _) = call(&app, from("9.9.9.1"), "127.0.0.1").await;
            assert_eq!(status, 200);
        }
        let (status, _, _) = call(&app, from("9.9.9.2"), "127.0.0.1").await;
        assert_eq!(
            status.as_u16(),
            if trust { 200 } else { 429 },
            "trust_proxy = {trust}"
        );
    }
}

/// Only the listed proxies are believed: a request straight from another
/// peer that claims to be forwarded is counted at its own address, and a
/// chain of trusted proxies is walked back to the first address outside it.
#[actix_web::test]
async fn believes_only_the_listed_proxies() {
    let mut f = Fixture::new();
    f.config.trust_proxy = vec![
        "10.0.0.0/8".parse().unwrap(),
        "192.0.2.1/32".parse().unwrap(),
    ];
    let app = app(f.state()).await;
    let forwarded =
        |chain: &str| upload(&jpeg(4)).insert_header(("x-forwarded-for", chain.to_string()));
    // An untrusted peer spoofing five different clients: one guest.
    for n in 0..5 {
        let (status, _, _) = call(&app, forwarded(&format!("9.9.9.{n}")), "198.51.100.3").await;
        assert_eq!(status, 200);
    }
    let (status, _, _) = call(&app, forwarded("9.9.9.9"), "198.51.100.3").await;
    assert_eq!(status.as_u16(), 429, "the spoofing peer is one guest");
    // Through two trusted proxies the client is 203.0.113.50, whatever it
    // wrote in front (it cannot pose as 10.1.1.1 or anyone else).
    for claimed in ["1.2.3.4", "5.6.7.8", "", "junk", "1.1.1.1"] {
        let chain = format!("{claimed}, 203.0.113.50, 10.1.1.1");
        let (status, _, _) = call(&app, forwarded(&chain), "192.0.2.1").await;
        assert_eq!(status, 200, "{chain}");
    }
    let chain = "7.7.7.7, 203.0.113.50, 10.1.1.1";
    let (status, _, _) = call(&app, forwarded(chain), "192.0.2.1").await;
    assert_eq!(status.as_u16(), 429, "one client behind the proxies");
}

#[actix_web::test]
async fn no_guest_quota_flag_lifts_the_limit() {
    let mut f = Fixture::new();
    f.config.guest_daily_limit = None;
    let app = app(f.state()).await;
    for _ in 0..7 {
        let (status, _, _) = call(&app, upload(&jpeg(1)), "192.0.2.5").await;
        assert_eq!(status, 200);
    }
}

#[actix_web::test]
async fn keeps_no_ip_address_in_the_database() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (status, _, _) = call(&app, upload(&jpeg(1)), "192.0.2.77").await;
    assert_eq!(status, 200);
    drop(app);
    let row = f
        .db()
        .query_one(
            "SELECT caller_kind, ip_hash FROM searches",
            accounts::params![],
        )
        .unwrap();
    let (kind, hash): (String, Vec<u8>) = (row.get(0).unwrap(), row.get(1).unwrap());
    assert_eq!((kind.as_str(), hash.len()), ("guest", 32));
    let written = testkit::database::written_bytes(&f.config.database.to_string());
    assert!(
        testkit::database::contains(&written, "guest"),
        "the scan sees the data"
    );
    assert!(!testkit::database::contains(&written, "192.0.2.77"));
}
