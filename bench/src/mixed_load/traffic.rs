//! The kinds of request the mixed load sends, each from its own thread
//! until told to stop: uploads by signed-in users (API keys) and by a
//! guest, URL searches that make the server fetch from a local file
//! server, sign-ins from many client addresses (through the trusted-proxy
//! header), and the public list pages. Every answer but the expected one
//! is a failure.

use super::accounts::{Account, PASSWORD, Pool, SEARCHES_PER_ACCOUNT};
use crate::load::Upload;
use crate::server_load::footage::EPISODE_FILE;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// What one kind of request measured.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub kind: &'static str,
    /// Milliseconds of each request answered as expected.
    pub ms: Vec<f64>,
    pub failures: usize,
    pub first_failure: Option<String>,
}

impl Tally {
    fn new(kind: &'static str) -> Tally {
        Tally {
            kind,
            ..Tally::default()
        }
    }

    /// Times `request`, which says whether the answer was the expected one.
    fn record(&mut self, request: impl FnOnce() -> anyhow::Result<()>) {
        let started = Instant::now();
        match request() {
            Ok(()) => self.ms.push(started.elapsed().as_secs_f64() * 1000.0),
            Err(e) => {
                self.failures += 1;
                if self.first_failure.is_none() {
                    eprintln!("mixed-load: {} failed: {e:#}", self.kind);
                    self.first_failure = Some(format!("{e:#}"));
                }
            }
        }
    }
}

/// What every sender shares.
pub struct Traffic<'a> {
    pub base: String,
    pub pool: &'a Pool,
    pub upload: Upload,
    /// Where the file server serves the screenshot.
    pub shot_url: String,
    pub stop: &'a AtomicBool,
    /// Guest searches answered 200.
    pub guest_answered: AtomicU32,
}

fn client() -> anyhow::Result<reqwest::blocking::Client> {
    Ok(reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .no_proxy()
        .build()?)
}

impl Traffic<'_> {
    /// Uploads with API keys, `SEARCHES_PER_ACCOUNT` per account.
    pub fn user_uploads(&self) -> anyhow::Result<Tally> {
        self.user_searches("upload (API key)", false)
    }

    /// `url` searches with API keys: the server fetches the screenshot.
    pub fn url_searches(&self) -> anyhow::Result<Tally> {
        self.user_searches("URL search (API key)", true)
    }

    fn user_searches(&self, kind: &'static str, by_url: bool) -> anyhow::Result<Tally> {
        let http = client()?;
        let mut tally = Tally::new(kind);
        let mut account: &Account = self.pool.take()?;
        let mut made = 0;
        while !self.stop.load(Ordering::Relaxed) {
            if made == SEARCHES_PER_ACCOUNT {
                account = self.pool.take()?;
                made = 0;
            }
            made += 1;
            tally.record(|| {
                let req = if by_url {
                    let url = format!("{}/api/anime/search", self.base);
                    http.post(url).query(&[("url", &self.shot_url)])
                } else {
                    self.upload_request(&http)
                };
                expect_answer(req.header("x-api-key", &account.key).send()?)?;
                account.charged.fetch_add(1, Ordering::SeqCst);
                Ok(())
            });
        }
        Ok(tally)
    }

    /// Uploads as one guest (the server's guest quota is set out of reach).
    pub fn guest_uploads(&self) -> anyhow::Result<Tally> {
        let http = client()?;
        let mut tally = Tally::new("upload (guest)");
        while !self.stop.load(Ordering::Relaxed) {
            tally.record(|| {
                expect_answer(self.upload_request(&http).send()?)?;
                self.guest_answered.fetch_add(1, Ordering::SeqCst);
                Ok(())
            });
        }
        Ok(tally)
    }

    fn upload_request(
        &self,
        http: &reqwest::blocking::Client,
    ) -> reqwest::blocking::RequestBuilder {
        http.post(format!("{}/api/anime/search", self.base))
            .header(reqwest::header::CONTENT_TYPE, self.upload.content_type())
            .body(self.upload.body().to_vec())
    }

    /// Sign-ins of the accounts in turn, each from its own address (as a
    /// proxy would forward them), so the per-address limiter lets them by.
    pub fn sign_ins(&self) -> anyhow::Result<Tally> {
        let http = client()?;
        let mut tally = Tally::new("sign-in");
        let mut n = 0usize;
        while !self.stop.load(Ordering::Relaxed) {
            let account = &self.pool.accounts[n % self.pool.accounts.len()];
            let from = format!("10.{}.{}.{}", n >> 16 & 255, n >> 8 & 255, n & 255);
            n += 1;
            tally.record(|| {
                let body = serde_json::json!({"email": account.email, "password": PASSWORD});
                let res = http
                    .post(format!("{}/api/auth/sign-in/email", self.base))
                    .header("x-forwarded-for", from)
                    .json(&body)
                    .send()?;
                expect_status(res, 200).map(drop)
            });
        }
        Ok(tally)
    }

    /// The public lists and the health check, in turn.
    pub fn list_pages(&self) -> anyhow::Result<Tally> {
        const PAGES: [&str; 3] = [
            "/api/anime/recent-searches?limit=20",
            "/api/anime/rankings?period=daily",
            "/api/health",
        ];
        let http = client()?;
        let mut tally = Tally::new("list page");
        let mut n = 0;
        while !self.stop.load(Ordering::Relaxed) {
            let page = PAGES[n % PAGES.len()];
            n += 1;
            tally.record(|| {
                expect_status(http.get(format!("{}{page}", self.base)).send()?, 200).map(drop)
            });
        }
        Ok(tally)
    }
}

/// A 200 whose first result is the screenshot's episode.
fn expect_answer(res: reqwest::blocking::Response) -> anyhow::Result<()> {
    let body = expect_status(res, 200)?;
    let v: serde_json::Value = serde_json::from_str(&body)?;
    let first = v["result"][0]["filename"].as_str().unwrap_or_default();
    anyhow::ensure!(first == EPISODE_FILE, "wrong answer: {body}");
    Ok(())
}

fn expect_status(res: reqwest::blocking::Response, status: u16) -> anyhow::Result<String> {
    let got = res.status().as_u16();
    let body = res.text()?;
    anyhow::ensure!(got == status, "HTTP {got}: {body}");
    Ok(body)
}
