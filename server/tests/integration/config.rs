//! Flag parsing into the checked `Config`.

use accounts::Target;
use clap::Parser;
use server::config::{Cli, Command, Config, ConfigError, CreditsCommand, ParseError, UsersCommand};
use std::path::Path;

fn parse(args: &[&str]) -> Result<Config, ParseError> {
    Config::try_parse_from(std::iter::once("server").chain(args.iter().copied()))
}

#[test]
fn defaults_live_under_data() {
    let c = parse(&[]).unwrap();
    assert_eq!(c.index, Path::new("data/index.bin"));
    assert_eq!(c.database, Target::Sqlite("data/server.db".into()));
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.guest_daily_limit, Some(5));
    assert_eq!(c.index_poll.as_millis(), 1000);
    assert!(c.index_prefetch, "indexes are read ahead by default");
    assert!(c.trust_proxy.is_empty() && !c.allow_loopback_urls && c.secret.is_none());
    assert!(c.trusted_origins.is_empty());
    assert_eq!(c.pbkdf2_iterations, 600_000, "OWASP 2023 floor");
    assert!(!c.secure_cookies);
}

#[test]
fn an_https_base_url_is_trusted_and_makes_cookies_secure() {
    let c = parse(&[
        "--base-url",
        "https://Search.example.com/app/",
        "--trusted-origin",
        "https://*.example.com",
        "--pbkdf2-iterations",
        "1000",
    ])
    .unwrap();
    assert!(c.secure_cookies);
    assert_eq!(
        c.trusted_origins,
        ["https://*.example.com", "https://search.example.com"]
    );
    assert_eq!(c.pbkdf2_iterations, 1000);
    assert!(
        !parse(&["--base-url", "http://a.example"])
            .unwrap()
            .secure_cookies
    );
}

#[test]
fn plain_flags_serve_and_subcommands_are_operator_commands() {
    let cli = Cli::try_parse_from(["server", "--index", "i.bin", "--database", "s.db"]).unwrap();
    assert!(cli.command.is_none());
    assert_eq!(cli.serve.database, Target::Sqlite("s.db".into()));
    let url = "postgres://app:pw@db.internal/scenes";
    let cli = Cli::try_parse_from(["server", "--database", url]).unwrap();
    assert_eq!(cli.serve.database, Target::Postgres(url.into()));
    assert_eq!(
        cli.serve.database.to_string(),
        "postgres://app:***@db.internal/scenes",
        "logged without its password"
    );
    let cli = Cli::try_parse_from([
        "server",
        "credits",
        "grant",
        "--database",
        "s.db",
        "--email",
        "a@b.io",
        "--amount",
        "5",
    ])
    .unwrap();
    let Some(Command::Credits(CreditsCommand::Grant { db, email, amount })) = cli.command else {
        panic!("{cli:?}")
    };
    assert_eq!(
        (db.database.as_arg(), email.as_str(), amount),
        ("s.db".to_string(), "a@b.io", 5)
    );
    let cli = Cli::try_parse_from(["server", "users", "disable", "--email", "a@b.io"]).unwrap();
    assert!(matches!(
        cli.command,
        Some(Command::Users(UsersCommand::Disable { .. }))
    ));
    assert!(Cli::try_parse_from(["server", "--index", "i", "users", "list"]).is_err());
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
        "10.0.0.7/8,::1",
        "--trust-proxy",
        "192.0.2.1",
        "--allow-loopback-urls",
        "--no-guest-quota",
        "--index-poll-ms",
        "250",
        "--no-index-prefetch",
        "--workers",
        "3",
    ])
    .unwrap();
    assert_eq!(
        (c.index.to_str(), c.database.as_arg()),
        (Some("/srv/i.bin"), "/srv/s.db".to_string())
    );
    assert_eq!(c.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(c.secret.as_deref(), Some(secret.as_str()));
    assert_eq!(
        c.trusted_origins,
        ["https://example.com", "http://localhost:3000"]
    );
    let proxies: Vec<String> = c.trust_proxy.iter().map(|n| n.to_string()).collect();
    assert_eq!(proxies, ["10.0.0.0/8", "::1/128", "192.0.2.1/32"]);
    assert!(c.allow_loopback_urls);
    assert!(!c.index_prefetch);
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
    assert_eq!(
        invalid(&["--base-url", "ftp://x.io"]),
        ConfigError::BadBaseUrl("ftp://x.io".into())
    );
    assert_eq!(
        invalid(&["--pbkdf2-iterations", "0"]),
        ConfigError::NoIterations
    );
    assert_eq!(invalid(&["--index-poll-ms", "1"]), ConfigError::PollTooFast);
    assert_eq!(
        invalid(&["--listen", "0.0.0.0:80", "--metrics-listen", "0.0.0.0:80"]),
        ConfigError::MetricsOnPublicListener
    );
    assert!(matches!(
        parse(&["--listen", "nowhere"]),
        Err(ParseError::Clap(_))
    ));
    assert!(matches!(parse(&["--unknown"]), Err(ParseError::Clap(_))));
    match parse(&["--trust-proxy", "proxy.local"]) {
        Err(ParseError::Clap(e)) => assert!(
            e.to_string()
                .contains("\"proxy.local\" is not an address or a network such as 10.0.0.0/8"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
}
