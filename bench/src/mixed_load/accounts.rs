//! The signed-in callers of the mixed load: accounts made over HTTP, each
//! with an API key and purchased credits granted by the operator command,
//! the searches each was charged for as the load saw them, and the check
//! that the server charged exactly those.

use anyhow::Context;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

/// Purchased credits each account starts with.
pub const GRANT: i64 = 1_000;
/// Searches one account makes before the load moves to the next: under
/// the 100 per rolling hour every account has.
pub const SEARCHES_PER_ACCOUNT: u32 = 95;
pub const PASSWORD: &str = "mixed load password";
/// An origin the server is told to trust, for the session's key request.
pub const ORIGIN: &str = "http://bench.local";

pub struct Account {
    pub email: String,
    pub key: String,
    /// Holds the session cookie.
    session: reqwest::blocking::Client,
    /// Searches answered 200 for this account.
    pub charged: AtomicU32,
}

/// Accounts handed out in turn, each for `SEARCHES_PER_ACCOUNT` searches.
pub struct Pool {
    pub accounts: Vec<Account>,
    next: AtomicUsize,
    handed: Mutex<()>,
}

impl Pool {
    /// Makes `n` accounts on the server at `base` with database `db`,
    /// granting each `GRANT` credits with `server` (the operator command).
    pub fn make(n: usize, base: &str, server: &Path, db: &Path) -> anyhow::Result<Pool> {
        let accounts = (0..n)
            .map(|i| Account::make(i, base, server, db))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Pool {
            accounts,
            next: AtomicUsize::new(0),
            handed: Mutex::new(()),
        })
    }

    /// The next unused account, or an error when all are spent.
    pub fn take(&self) -> anyhow::Result<&Account> {
        let _one_at_a_time = self.handed.lock().unwrap_or_else(|p| p.into_inner());
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        self.accounts.get(i).with_context(|| {
            format!(
                "all {} accounts are spent; run shorter or make more",
                self.accounts.len()
            )
        })
    }

    /// Accounts whose credits do not match the searches they were answered.
    pub fn wrong_charges(&self, base: &str) -> anyhow::Result<Vec<String>> {
        let mut wrong = vec![];
        for a in &self.accounts {
            let charged = a.charged.load(Ordering::SeqCst) as i64;
            let (free_used, credits, hourly) = a.credits(base)?;
            let spent = free_used + (GRANT - credits);
            if spent != charged || hourly != charged {
                wrong.push(format!(
                    "{}: answered {charged}, charged {spent} (hourly {hourly})",
                    a.email
                ));
            }
        }
        Ok(wrong)
    }
}

impl Account {
    /// Account `i`, signed up from its own forwarded address (the sign-up
    /// limiter allows 3 per address in 10 s).
    fn make(i: usize, base: &str, server: &Path, db: &Path) -> anyhow::Result<Account> {
        let email = &format!("load{i}@example.com");
        let from = format!("10.255.{}.{}", i >> 8 & 255, i & 255);
        let session = reqwest::blocking::Client::builder()
            .cookie_store(true)
            .no_proxy()
            .build()?;
        let sign_up = serde_json::json!({"name": "Load", "email": email, "password": PASSWORD});
        let res = session
            .post(format!("{base}/api/auth/sign-up/email"))
            .header("x-forwarded-for", from)
            .json(&sign_up)
            .send()?;
        anyhow::ensure!(res.status() == 200, "sign-up {email}: {}", res.text()?);
        let res = session
            .post(format!("{base}/api/apikeys"))
            .header("origin", ORIGIN)
            .json(&serde_json::json!({"title": "load"}))
            .send()?;
        anyhow::ensure!(res.status() == 201, "key for {email}: {}", res.text()?);
        let body: serde_json::Value = res.json()?;
        let key = body["key"].as_str().context("no key")?.to_string();
        let out = Command::new(server)
            .args([
                "credits",
                "grant",
                "--email",
                email,
                "--amount",
                &GRANT.to_string(),
            ])
            .arg("--database")
            .arg(db)
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "server credits grant: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(Account {
            email: email.into(),
            key,
            session,
            charged: AtomicU32::new(0),
        })
    }

    /// Free credits used today, purchased credits left, searches this hour.
    fn credits(&self, base: &str) -> anyhow::Result<(i64, i64, i64)> {
        let res = self
            .session
            .get(format!("{base}/api/user/anime-credits"))
            .send()?;
        anyhow::ensure!(
            res.status() == 200,
            "credits of {}: {}",
            self.email,
            res.text()?
        );
        let v: serde_json::Value = res.json()?;
        let int = |v: &serde_json::Value| v.as_i64().context("not an integer");
        Ok((
            int(&v["freeDaily"]["used"])?,
            int(&v["credits"])?,
            int(&v["hourly"]["used"])?,
        ))
    }
}
