//! Fetches a screenshot from a client-given URL without letting the client
//! reach the server's own network: http(s) only, every address of every
//! hop checked, the connection made to the checked addresses (no second
//! DNS lookup), redirects followed by hand, a time limit and a size cap.

mod addr;

pub use addr::{Reach, reach};

use futures_util::StreamExt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use url::{Host, Url};

/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 3;

/// Why a URL could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    InvalidUrl(String),
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0}")]
    Failed(String),
    #[error("{0}")]
    TooLarge(String),
}

/// The fetch policy, from the configuration.
#[derive(Debug, Clone)]
pub struct Fetcher {
    pub allow_loopback: bool,
    pub timeout: Duration,
    pub max_bytes: usize,
    /// Downloads running at once; more wait (within their time limit), so
    /// slow hosts cannot make the server hold unbounded bodies in memory.
    pub slots: std::sync::Arc<tokio::sync::Semaphore>,
}

/// How many URL downloads run at once by default: at most 8 x 25 MB held.
pub const CONCURRENT_FETCHES: usize = 8;

impl Fetcher {
    pub fn new(allow_loopback: bool) -> Self {
        Fetcher {
            allow_loopback,
            timeout: Duration::from_secs(10),
            max_bytes: 25 * 1024 * 1024,
            slots: std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENT_FETCHES)),
        }
    }

    /// Downloads the body `url` leads to, within the time limit, which
    /// includes waiting for a free download slot.
    pub async fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let url = parse_url(url)?;
        let download = async {
            let _slot = self
                .slots
                .acquire()
                .await
                .expect("the semaphore is never closed");
            self.follow(url).await
        };
        match tokio::time::timeout(self.timeout, download).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Failed(format!(
                "timed out after {:?}",
                self.timeout
            ))),
        }
    }

    async fn follow(&self, mut url: Url) -> Result<Vec<u8>, FetchError> {
        for _hop in 0..=MAX_REDIRECTS {
            let addrs = self.checked_addrs(&url).await?;
            let response = get(&url, &addrs).await?;
            if !response.status().is_redirection() {
                return self.read_body(response).await;
            }
            url = redirect_target(&url, &response)?;
        }
        Err(FetchError::Failed(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))
    }

    /// Resolves the host once and checks every address it resolves to.
    async fn checked_addrs(&self, url: &Url) -> Result<Vec<SocketAddr>, FetchError> {
        let port = url.port_or_known_default().unwrap_or(80);
        let addrs: Vec<SocketAddr> = match url.host() {
            Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            Some(Host::Domain(d)) => tokio::net::lookup_host((d, port))
                .await
                .map_err(|e| FetchError::Failed(format!("cannot resolve {d}: {e}")))?
                .collect(),
            None => return Err(FetchError::InvalidUrl("the URL has no host".into())),
        };
        if addrs.is_empty() {
            return Err(FetchError::Failed("the host has no address".into()));
        }
        for a in &addrs {
            self.allowed(a.ip())?;
        }
        Ok(addrs)
    }

    fn allowed(&self, ip: IpAddr) -> Result<(), FetchError> {
        match reach(ip) {
            Reach::Public => Ok(()),
            Reach::Loopback if self.allow_loopback => Ok(()),
            _ => Err(FetchError::NotAllowed(format!(
                "the URL leads to {ip}, an internal address"
            ))),
        }
    }

    async fn read_body(&self, response: reqwest::Response) -> Result<Vec<u8>, FetchError> {
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Failed(format!("the server answered {status}")));
        }
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes as u64)
        {
            return Err(self.too_large());
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| FetchError::Failed(describe(&e)))?;
            if body.len() + chunk.len() > self.max_bytes {
                return Err(self.too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn too_large(&self) -> FetchError {
        FetchError::TooLarge(format!(
            "the image at the URL is larger than {} MB",
            self.max_bytes / (1024 * 1024)
        ))
    }
}

fn parse_url(text: &str) -> Result<Url, FetchError> {
    let url = Url::parse(text.trim())
        .map_err(|e| FetchError::InvalidUrl(format!("not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::InvalidUrl(format!(
            "only http and https URLs are accepted, not {}:",
            url.scheme()
        )));
    }
    Ok(url)
}

/// One GET, connecting only to `addrs`, not following redirects.
async fn get(url: &Url, addrs: &[SocketAddr]) -> Result<reqwest::Response, FetchError> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("anime-scene-search/", env!("CARGO_PKG_VERSION")));
    if let Some(Host::Domain(d)) = url.host() {
        builder = builder.resolve_to_addrs(d, addrs);
    }
    let client = builder
        .build()
        .map_err(|e| FetchError::Failed(format!("cannot set up the HTTP client: {e}")))?;
    client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| FetchError::Failed(describe(&e)))
}

fn redirect_target(from: &Url, response: &reqwest::Response) -> Result<Url, FetchError> {
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .ok_or_else(|| FetchError::Failed("a redirect without a Location".into()))?;
    let next = from
        .join(location)
        .map_err(|e| FetchError::Failed(format!("a redirect to a bad URL: {e}")))?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(FetchError::NotAllowed(format!(
            "redirected to a {} URL; only http and https are fetched",
            next.scheme()
        )));
    }
    Ok(next)
}

/// The error and its causes on one line ("error sending request" alone
/// does not say what went wrong).
fn describe(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
