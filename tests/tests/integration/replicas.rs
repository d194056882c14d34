//! Replicas: three real `server` processes on one PostgreSQL database,
//! behind real nginx, behave as one server (credits, sessions, API keys,
//! the guest quota), and losing one mid-load loses nothing.

use accounts::{Db, Target, params};
use e2e::{Nginx, ORIGIN, Server, client, footage};
use reqwest::blocking::{Client, multipart};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Cluster {
    replicas: Vec<Server>,
    nginx: Nginx,
    database: String,
}

impl Cluster {
    fn start(n: usize, flags: &[&str]) -> Cluster {
        let database = testkit::database::postgres();
        let replicas: Vec<Server> = (0..n)
            .map(|_| Server::start_on(&footage().index, Some(&database), flags))
            .collect();
        let upstreams: Vec<String> = replicas
            .iter()
            .map(|s| s.base.trim_start_matches("http://").to_string())
            .collect();
        let nginx = Nginx::start(&upstreams);
        Cluster {
            replicas,
            nginx,
            database,
        }
    }

    /// The base URLs to spread requests over: each replica, then nginx.
    fn bases(&self) -> Vec<String> {
        let mut bases: Vec<String> = self.replicas.iter().map(|s| s.base.clone()).collect();
        bases.push(self.nginx.base.clone());
        bases
    }

    /// `server credits grant`, the operator command, on the shared database.
    fn grant(&self, email: &str, amount: u32) {
        let out = std::process::Command::new(e2e::bin("server"))
            .args(["credits", "grant", "--database", &self.database])
            .args(["--email", email, "--amount", &amount.to_string()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }

    fn db(&self) -> Db {
        Db::open(&Target::parse(&self.database)).expect("database")
    }

    fn count(&self, sql: &str) -> i64 {
        self.db()
            .query_one(sql, params![])
            .expect(sql)
            .get(0)
            .expect(sql)
    }
}

fn search(client: &Client, base: &str, key: Option<&str>, jpeg: &[u8]) -> (u16, Value) {
    let form = multipart::Form::new().part(
        "image",
        multipart::Part::bytes(jpeg.to_vec()).file_name("shot.jpg"),
    );
    let mut req = client
        .post(format!("{base}/api/anime/search"))
        .multipart(form);
    if let Some(key) = key {
        req = req.header("x-api-key", key);
    }
    match req.send() {
        Ok(res) => (res.status().as_u16(), res.json().unwrap_or(Value::Null)),
        Err(_) => (0, Value::Null),
    }
}

/// Signs `email` up on `base`; the session cookie (`name=value`), which
/// any replica must accept.
fn sign_up(base: &str, email: &str) -> String {
    let body = json!({"name": "Ann", "email": email, "password": "correct horse battery"});
    let res = client()
        .post(format!("{base}/api/auth/sign-up/email"))
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(res.status(), 200, "sign-up on {base}");
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_string()
}

#[test]
fn credits_sessions_and_keys_are_one_across_replicas() {
    let c = Cluster::start(3, &[]);
    let (r0, r1, r2, lb) = (
        c.replicas[0].base.clone(),
        c.replicas[1].base.clone(),
        c.replicas[2].base.clone(),
        c.nginx.base.clone(),
    );
    let cookie = sign_up(&r0, "ann@example.com");
    let plain = client();
    for base in [&r1, &r2, &lb] {
        let res = plain
            .get(format!("{base}/api/auth/get-session"))
            .header("cookie", &cookie)
            .send()
            .unwrap();
        let body: Value = res.json().unwrap();
        assert_eq!(
            body["user"]["email"], "ann@example.com",
            "session on {base}"
        );
    }

    let res = plain
        .post(format!("{r0}/api/apikeys"))
        .header("cookie", &cookie)
        .header("origin", ORIGIN)
        .json(&json!({"title": "bot"}))
        .send()
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().unwrap();
    let key = created["key"].as_str().unwrap().to_string();
    let key_id = created["id"].as_str().expect("key id").to_string();

    let jpeg = footage().unique_shot().jpeg;
    let bases = c.bases();
    for i in 0..10 {
        let (status, _) = search(&plain, &bases[i % 4], Some(&key), &jpeg);
        assert_eq!(status, 200, "free search {i} on {}", bases[i % 4]);
    }
    c.grant("ann@example.com", 10);

    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let (base, key, jpeg, plain) = (&bases[i % 4], &key, &jpeg, &plain);
                s.spawn(move || search(plain, base, Some(key), jpeg).0)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = statuses.iter().filter(|&&s| s == 200).count();
    let refused = statuses.iter().filter(|&&s| s == 402).count();
    assert_eq!((ok, refused), (10, 40), "{statuses:?}");
    assert_eq!(c.count("SELECT credits FROM credit_balances"), 0);
    assert_eq!(c.count("SELECT COUNT(*) FROM charges"), 20);
    assert_eq!(
        c.count("SELECT COUNT(*) FROM searches WHERE caller_kind = 'user'"),
        20
    );

    let res = plain
        .delete(format!("{r1}/api/apikeys/{key_id}"))
        .header("cookie", &cookie)
        .header("origin", ORIGIN)
        .send()
        .unwrap();
    assert!(res.status().is_success(), "revoked on replica 1");
    for base in [&r0, &r2, &lb] {
        let (status, body) = search(&plain, base, Some(&key), &jpeg);
        assert_eq!(status, 401, "revoked key on {base}: {body}");
    }
}

#[test]
fn the_guest_quota_is_counted_once_across_replicas() {
    let c = Cluster::start(3, &[]);
    let jpeg = footage().unique_shot().jpeg;
    let plain = client();
    let bases = c.bases();
    for (i, base) in [0, 0, 1, 1, 3].iter().map(|&i| &bases[i]).enumerate() {
        let (status, body) = search(&plain, base, None, &jpeg);
        assert_eq!(status, 200, "guest search {i} on {base}: {body}");
    }
    for base in [&bases[2], &bases[3]] {
        let (status, body) = search(&plain, base, None, &jpeg);
        assert_eq!(status, 429, "the sixth guest search on {base}: {body}");
        assert_eq!(body["code"], "GUEST_QUOTA_EXCEEDED", "{body}");
    }
}

#[test]
fn a_replica_killed_mid_load_loses_no_search_and_charges_none_twice() {
    let mut c = Cluster::start(3, &[]);
    let lb = c.nginx.base.clone();
    let keys: Vec<String> = (0..3)
        .map(|i| {
            let email = format!("user{i}@example.com");
            let key = c.replicas[i].user_with_key(&email);
            c.grant(&email, 50);
            key
        })
        .collect();
    let jpeg = footage().unique_shot().jpeg;
    let plain = client();
    let done = AtomicUsize::new(0);
    let mut done_at_kill = 0;
    let answered: Vec<Vec<(u16, Value)>> = std::thread::scope(|s| {
        let load: Vec<_> = keys
            .iter()
            .map(|key| {
                let (lb, plain, jpeg, done) = (&lb, &plain, &jpeg, &done);
                s.spawn(move || {
                    let one = || {
                        let answer = search(plain, lb, Some(key), jpeg);
                        done.fetch_add(1, Ordering::SeqCst);
                        answer
                    };
                    (0..30).map(|_| one()).collect()
                })
            })
            .collect();
        while done.load(Ordering::SeqCst) < 15 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        c.replicas[1].kill();
        done_at_kill = done.load(Ordering::SeqCst);
        load.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        done_at_kill <= 60,
        "the kill came mid-load: {done_at_kill} of 90 done"
    );
    let all: Vec<&(u16, Value)> = answered.iter().flatten().collect();
    let ok: Vec<&str> = all
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, b)| b["searchId"].as_str().expect("search id"))
        .collect();
    let failed = all.len() - ok.len();
    assert!(
        failed <= 3,
        "only requests in flight at the kill may fail: {failed} of {}",
        all.len()
    );
    for key in &keys {
        for _ in 0..6 {
            assert_eq!(
                search(&plain, &lb, Some(key), &jpeg).0,
                200,
                "after the kill"
            );
        }
    }
    for base in [&c.replicas[0].base, &c.replicas[2].base] {
        assert_eq!(search(&plain, base, Some(&keys[0]), &jpeg).0, 200, "{base}");
    }

    let db = c.db();
    for id in &ok {
        let found = db
            .query_opt("SELECT id FROM searches WHERE id = ?1", params![*id])
            .unwrap();
        assert!(found.is_some(), "search {id} answered 200 but not recorded");
    }
    let charges = c.count("SELECT COUNT(*) FROM charges");
    let distinct = c.count("SELECT COUNT(DISTINCT search_id) FROM charges");
    let user_searches = c.count("SELECT COUNT(*) FROM searches WHERE caller_kind = 'user'");
    let orphans = c.count(
        "SELECT COUNT(*) FROM charges c WHERE NOT EXISTS (SELECT 1 FROM searches s WHERE s.id = c.search_id)",
    );
    assert_eq!(
        (charges, distinct, orphans),
        (user_searches, user_searches, 0)
    );
    assert!(user_searches as usize >= ok.len() + 3 * 6 + 2);
}
