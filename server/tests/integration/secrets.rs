//! The database file (and its WAL) never holds a password, session token,
//! API key or client IP in clear.

use crate::support::*;
use serde_json::json;

use testkit::database::contains;

fn database_bytes(f: &Fixture) -> Vec<u8> {
    testkit::database::written_bytes(&f.config.database.to_string())
}

#[actix_web::test]
async fn no_secret_is_stored_in_clear() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let password = "Plaintext-Password-4417";
    let ip = "192.0.2.201";
    let body = json!({"name": "Ann", "email": "ann@example.com", "password": password});
    let (_, signed_up, headers) = call(&app, post_json("/api/auth/sign-up/email", body), ip).await;
    let cookie = cookie_pair(&set_cookie(&headers).unwrap());
    let req = with_session(post_json("/api/apikeys", json!({"title": "k"})), &cookie);
    let (_, created, _) = call(&app, req, ip).await;
    let key = created["key"].as_str().unwrap().to_string();
    let (status, _, _) = call(
        &app,
        upload(&jpeg(1)).insert_header(("x-api-key", key.clone())),
        ip,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = call(&app, upload(&jpeg(1)), ip).await;
    assert_eq!(status, 200, "a guest search from the same IP");
    drop(app);

    let token = signed_up["token"].as_str().unwrap().to_string();
    let secrets = [password, token.as_str(), &key, &key[6..], ip];
    let before = database_bytes(&f);
    assert!(
        contains(&before, "ann@example.com"),
        "the scan sees the data"
    );
    for secret in secrets {
        assert!(!contains(&before, secret), "{secret} in the file or WAL");
    }
    let db = f.db();
    if let accounts::Target::Sqlite(_) = f.config.database {
        db.batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    let hash: String = db
        .query_one("SELECT password_hash FROM users", accounts::params![])
        .unwrap()
        .get(0)
        .unwrap();
    assert!(hash.starts_with("pbkdf2-sha256$1000$"), "{hash}");
    let after = database_bytes(&f);
    for secret in secrets {
        assert!(!contains(&after, secret), "{secret} in the file");
    }
}

/// The production default is OWASP's floor, and it is what `AppState`
/// hashes with when not told otherwise.
#[test]
fn production_hashes_use_600000_iterations() {
    let dir = tempfile::tempdir().unwrap();
    let config = server::Config::for_dir(dir.path());
    assert_eq!(config.pbkdf2_iterations, 600_000);
    let state =
        server::AppState::open(&config, std::sync::Arc::new(server::clock::SystemClock)).unwrap();
    assert_eq!(state.passwords.iterations.get(), 600_000);
}
