//! Command-line flags (each also an environment variable) and the one
//! checked `Config` they become, passed down by reference from `main`.

mod commands;

pub use commands::{Command, CreditsCommand, DatabaseArg, MigrateDbArgs, UsersCommand};

use accounts::db::Target;
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The command line: serve (no subcommand), or an operator command.
#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "Anime scene search HTTP server",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(flatten)]
    pub serve: Args,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Raw flags as clap parses them.
#[derive(Debug, Parser)]
#[command(name = "server", version, about = "Anime scene search HTTP server")]
pub struct Args {
    #[command(flatten)]
    pub log: crate::logging::LogArgs,
    /// Index file written by `indexer build`; reloaded when replaced.
    #[arg(long, env = "SERVER_INDEX", default_value = "data/index.bin")]
    pub index: PathBuf,
    /// The database: an SQLite file (created with its schema on first
    /// start), or a `postgres://user:password@host/db` URL shared by
    /// several replicas (docs/deploying.md).
    #[arg(long, env = "SERVER_DATABASE", default_value = "data/server.db",
          value_parser = parse_database, hide_env_values = true)]
    pub database: Target,
    /// Address to listen on.
    #[arg(long, env = "SERVER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Address of a second listener serving only `GET /metrics`
    /// (Prometheus text format); keep it off the public network. Without
    /// it there is no `/metrics` at all.
    #[arg(long, env = "SERVER_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Secret for cookie signing and IP hashing (at least 32 characters);
    /// when absent one is generated once and kept in the database.
    #[arg(long, env = "SERVER_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Origin allowed to send cookie-authenticated requests (repeatable;
    /// comma-separated in the environment variable).
    #[arg(
        long = "trusted-origin",
        env = "SERVER_TRUSTED_ORIGINS",
        value_delimiter = ','
    )]
    pub trusted_origins: Vec<String>,
    /// The public URL of the service, e.g. https://search.example.com: its
    /// origin is trusted, and with https the session cookie is `Secure`
    /// and named `__Secure-better-auth.session_token`.
    #[arg(long, env = "SERVER_BASE_URL")]
    pub base_url: Option<String>,
    /// PBKDF2-HMAC-SHA256 rounds for new password hashes. Lower it only for
    /// tests; stored hashes keep their own count.
    #[arg(long, env = "SERVER_PBKDF2_ITERATIONS", default_value_t = DEFAULT_PBKDF2_ITERATIONS)]
    pub pbkdf2_iterations: u32,
    /// A reverse proxy whose `X-Forwarded-For` is believed: an address or
    /// a network such as 10.0.0.0/8 (repeatable; comma-separated in the
    /// environment variable). Requests from elsewhere are taken at their
    /// peer address whatever they claim.
    #[arg(long = "trust-proxy", env = "SERVER_TRUST_PROXY", value_delimiter = ',',
          value_name = "ADDR[/BITS]", value_parser = parse_network)]
    pub trust_proxy: Vec<ipnet::IpNet>,
    /// Let `url` searches fetch from loopback addresses (tests, closed
    /// networks). Other private ranges stay refused.
    #[arg(long, env = "SERVER_ALLOW_LOOPBACK_URLS")]
    pub allow_loopback_urls: bool,
    /// Turn the guest daily quota off: for benchmarks and closed
    /// deployments only.
    #[arg(long, env = "SERVER_NO_GUEST_QUOTA")]
    pub no_guest_quota: bool,
    /// Searches a guest may make per UTC day.
    #[arg(long, env = "SERVER_GUEST_DAILY_LIMIT", default_value_t = 5)]
    pub guest_daily_limit: u32,
    /// How often the index path is checked for a new file, in milliseconds.
    #[arg(long, env = "SERVER_INDEX_POLL_MS", default_value_t = 1000)]
    pub index_poll_ms: u64,
    /// Do not read each loaded index ahead into memory (by default the
    /// whole file is read into the page cache in the background, so that
    /// the first searches after a reboot do not wait on the disk; turn it
    /// off where the index does not fit in memory).
    #[arg(long, env = "SERVER_NO_INDEX_PREFETCH")]
    pub no_index_prefetch: bool,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "SERVER_WORKERS")]
    pub workers: Option<usize>,
    /// Seconds a request body may take to arrive in full; a slower one is
    /// refused and its connection closed.
    #[arg(long, env = "SERVER_BODY_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_timeout_secs: u64,
    /// The library folder the index was built from: with it, search
    /// results carry `image` and `video` preview URLs cut from its videos.
    #[arg(long, env = "SERVER_LIBRARY")]
    pub library: Option<PathBuf>,
    /// Folder of cut previews (created when missing).
    #[arg(long, env = "SERVER_PREVIEW_CACHE", default_value = "data/previews")]
    pub preview_cache: PathBuf,
    /// Megabytes the preview folder may hold; the least recently used go first.
    #[arg(long, env = "SERVER_PREVIEW_CACHE_MB", default_value_t = 1024,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub preview_cache_mb: u64,
    /// Seconds a preview URL stays valid.
    #[arg(long, env = "SERVER_PREVIEW_TTL_SECS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub preview_ttl_secs: u64,
    /// The ffmpeg program that cuts previews.
    #[arg(long, env = "SERVER_FFMPEG", default_value = "ffmpeg")]
    pub ffmpeg: PathBuf,
    /// Megabytes of request bodies all requests together may hold in
    /// memory; a new upload past it gets 503 `SERVER_BUSY`.
    #[arg(long, env = "SERVER_BODY_MEMORY_MB", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub body_memory_mb: u64,
}

/// The checked configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub index: PathBuf,
    pub database: Target,
    pub listen: SocketAddr,
    pub metrics_listen: Option<SocketAddr>,
    pub secret: Option<String>,
    /// Origins (`scheme://host[:port]`, `*` wildcards allowed) whose
    /// cookie-authenticated requests are accepted; includes the base URL's.
    pub trusted_origins: Vec<String>,
    /// Cookies get `Secure` and the `__Secure-` prefix (https base URL).
    pub secure_cookies: bool,
    pub pbkdf2_iterations: u32,
    /// Proxies whose `X-Forwarded-For` is believed (empty: none).
    pub trust_proxy: Vec<ipnet::IpNet>,
    pub allow_loopback_urls: bool,
    /// `None` when guest searches are unlimited.
    pub guest_daily_limit: Option<u32>,
    pub index_poll: Duration,
    /// Read each loaded index ahead into the page cache.
    pub index_prefetch: bool,
    pub workers: usize,
    pub body_timeout: Duration,
    pub body_memory_bytes: usize,
    /// `--base-url` without a trailing slash: the start of absolute URLs.
    pub base_url: Option<String>,
    pub library: Option<PathBuf>,
    pub preview_cache: PathBuf,
    pub preview_cache_bytes: u64,
    pub preview_ttl: Duration,
    pub ffmpeg: PathBuf,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("--secret must be at least 32 characters long")]
    ShortSecret,
    #[error("--trusted-origin {0:?} is not an origin such as https://example.com")]
    BadOrigin(String),
    #[error("--index-poll-ms must be at least 10")]
    PollTooFast,
    #[error("--workers must be at least 1")]
    NoWorkers,
    #[error("--base-url {0:?} is not an http(s) URL such as https://example.com")]
    BadBaseUrl(String),
    #[error("--pbkdf2-iterations must be at least 1")]
    NoIterations,
    #[error("--metrics-listen must differ from --listen: /metrics is kept off the public listener")]
    MetricsOnPublicListener,
}

/// OWASP's 2023 floor for PBKDF2-HMAC-SHA256.
pub const DEFAULT_PBKDF2_ITERATIONS: u32 = 600_000;

impl Config {
    /// Parses `argv` (and the environment) into a checked configuration.
    pub fn try_parse_from<I, T>(argv: I) -> Result<Config, ParseError>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let args = Args::try_parse_from(argv).map_err(ParseError::Clap)?;
        Config::from_args(args).map_err(ParseError::Invalid)
    }

    pub fn from_args(a: Args) -> Result<Config, ConfigError> {
        if a.secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(ConfigError::ShortSecret);
        }
        let mut trusted_origins = a
            .trusted_origins
            .iter()
            .filter(|o| !o.is_empty())
            .map(|o| normalize_origin(o))
            .collect::<Result<Vec<_>, _>>()?;
        let base = a.base_url.as_deref().map(base_origin).transpose()?;
        let secure_cookies = base.as_ref().is_some_and(|b| b.starts_with("https://"));
        trusted_origins.extend(base);
        if a.pbkdf2_iterations == 0 {
            return Err(ConfigError::NoIterations);
        }
        if a.metrics_listen == Some(a.listen) {
            return Err(ConfigError::MetricsOnPublicListener);
        }
        if a.index_poll_ms < 10 {
            return Err(ConfigError::PollTooFast);
        }
        let workers = a.workers.unwrap_or_else(default_workers);
        if workers == 0 {
            return Err(ConfigError::NoWorkers);
        }
        Ok(Config {
            index: a.index,
            database: a.database,
            listen: a.listen,
            metrics_listen: a.metrics_listen,
            secret: a.secret,
            trusted_origins,
            secure_cookies,
            pbkdf2_iterations: a.pbkdf2_iterations,
            trust_proxy: a.trust_proxy,
            allow_loopback_urls: a.allow_loopback_urls,
            guest_daily_limit: (!a.no_guest_quota).then_some(a.guest_daily_limit),
            index_poll: Duration::from_millis(a.index_poll_ms),
            index_prefetch: !a.no_index_prefetch,
            workers,
            body_timeout: Duration::from_secs(a.body_timeout_secs),
            body_memory_bytes: (a.body_memory_mb * 1024 * 1024) as usize,
            base_url: a.base_url.map(|u| u.trim_end_matches('/').to_string()),
            library: a.library,
            preview_cache: a.preview_cache,
            preview_cache_bytes: a.preview_cache_mb * 1024 * 1024,
            preview_ttl: Duration::from_secs(a.preview_ttl_secs),
            ffmpeg: a.ffmpeg,
        })
    }

    /// A configuration for tests: files under `dir`, defaults elsewhere.
    /// `TEST_DATABASE_URL`, when set, names the database instead (see
    /// `testkit::database`).
    pub fn for_dir(dir: &std::path::Path) -> Config {
        let index = dir.join("index.bin");
        let database = dir.join("server.db");
        Config::try_parse_from([
            "server".as_ref(),
            "--index".as_ref(),
            index.as_os_str(),
            "--database".as_ref(),
            database.as_os_str(),
        ])
        .expect("default configuration is valid")
    }
}

/// The origin of `--base-url` (any path is allowed there).
fn base_origin(url: &str) -> Result<String, ConfigError> {
    let bad = || ConfigError::BadBaseUrl(url.to_string());
    let parsed = url::Url::parse(url).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(bad());
    }
    Ok(parsed.origin().ascii_serialization())
}

/// `scheme://host[:port]` in lower case, without a trailing slash. A
/// pattern with `*` (e.g. `https://*.example.com`) is kept as written,
/// lower-cased, and matched by `http::origin`.
fn normalize_origin(origin: &str) -> Result<String, ConfigError> {
    let bad = || ConfigError::BadOrigin(origin.to_string());
    if origin.contains('*') {
        let o = origin.trim_end_matches('/').to_ascii_lowercase();
        let ok = (o.starts_with("http://") || o.starts_with("https://"))
            && !o
                .split_once("://")
                .is_some_and(|(_, rest)| rest.contains('/'));
        return if ok { Ok(o) } else { Err(bad()) };
    }
    let url = url::Url::parse(origin).map_err(|_| bad())?;
    let plain = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || !plain {
        return Err(bad());
    }
    Ok(url.origin().ascii_serialization())
}

/// `10.0.0.0/8`, `::1`, `192.0.2.7`: a network, or one address.
fn parse_network(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .map(|net| net.trunc())
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{text:?} is not an address or a network such as 10.0.0.0/8"))
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Why `Config::try_parse_from` failed: bad flags, or flags that parse
/// but do not make a usable configuration.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error(transparent)]
    Clap(#[from] clap::Error),
    #[error(transparent)]
    Invalid(#[from] ConfigError),
}

/// `--database`: a `postgres://` URL or an SQLite path.
pub fn parse_database(s: &str) -> Result<Target, String> {
    if s.trim().is_empty() {
        return Err("give an SQLite file path or a postgres:// URL".into());
    }
    Ok(Target::parse(s))
}
