//! Flag parsing into the checked `Config`.

use server::config::{Config, ConfigError, ParseError};
use std::path::Path;

fn parse(args: &[&str]) -> Result<Config, ParseError> {
    Config::try_parse_from(std::iter::once("server").chain(args.iter().copied()))
}

#[test]
fn defaults_live_under_data() {
    let c = parse(&[]).unwrap();
    assert_eq!(c.index, Path::new("data/index.bin"));
    assert_eq!(c.database, Path::new("data/server.db"));
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.guest_daily_limit, Some(5));
    assert_eq!(c.index_poll.as_millis(), 1000);
    assert!(!c.trust_proxy && !c.allow_loopback_urls && c.secret.is_none());
    assert!(c.trusted_origins.is_empty());
}

#[test]
fn reads_every_flag() {
    let secret = "s".repeat(32);
    let c = parse(&[
        "--index",
        "/srv/i.bin",
        "--database",
        "/srv/s.db",
        "--listen",
        "0.0.0.0:9000",
        "--secret",
        &secret,
        "--trusted-origin",
        "https://Example.com/",
        "--trusted-origin",
        "http://localhost:3000",
        "--trust-proxy",
        "--allow-loopback-urls",
        "--no-guest-quota",
        "--index-poll-ms",
        "250",
        "--workers",
        "3",
    ])
    .unwrap();
    assert_eq!(
        (c.index.to_str(), c.database.to_str()),
        (Some("/srv/i.bin"), Some("/srv/s.db"))
    );
    assert_eq!(c.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(c.secret.as_deref(), Some(secret.as_str()));
    assert_eq!(
        c.trusted_origins,
        ["https://example.com", "http://localhost:3000"]
    );
    assert!(c.trust_proxy && c.allow_loopback_urls);
    assert_eq!(
        (c.guest_daily_limit, c.index_poll.as_millis(), c.workers),
        (None, 250, 3)
    );
}

#[test]
fn refuses_bad_values() {
    let invalid = |args: &[&str]| match parse(args) {
        Err(ParseError::Invalid(e)) => e,
        other => panic!("{args:?}: {other:?}"),
    };
    assert_eq!(invalid(&["--secret", "short"]), ConfigError::ShortSecret);
    assert_eq!(
        invalid(&["--trusted-origin", "https://example.com/path"]),
        ConfigError::BadOrigin("https://example.com/path".into())
    );
    assert_eq!(
        invalid(&["--trusted-origin", "example.com"]),
        ConfigError::BadOrigin("example.com".into())
    );
    assert_eq!(invalid(&["--workers", "0"]), ConfigError::NoWorkers);
    assert_eq!(invalid(&["--index-poll-ms", "1"]), ConfigError::PollTooFast);
    assert!(matches!(
        parse(&["--listen", "nowhere"]),
        Err(ParseError::Clap(_))
    ));
    assert!(matches!(parse(&["--unknown"]), Err(ParseError::Clap(_))));
}
