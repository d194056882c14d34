//! Encrypted connections to PostgreSQL: `sslmode=require` encrypts and
//! verifies the server against `sslrootcert` (or the public roots, which
//! do not know the test server's throwaway CA); no `sslmode` is plain.
//! Needs the test server of scripts/with-postgres.sh, which has TLS on.

use accounts::{Db, Target, params};

fn encrypted(db: &Db) -> bool {
    db.query_one(
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        params![],
    )
    .unwrap()
    .get(0)
    .unwrap()
}

fn with(url: &str, options: &str) -> Target {
    let separator = if url.contains('?') { '&' } else { '?' };
    Target::parse(&format!("{url}{separator}{options}"))
}

#[test]
fn sslmode_require_encrypts_and_verifies_the_server() {
    let url = testkit::database::postgres();
    let ca = std::env::var("TEST_POSTGRES_CA")
        .expect("TEST_POSTGRES_CA: run under scripts/with-postgres.sh");
    let plain = Db::open(&Target::parse(&url)).unwrap();
    assert!(!encrypted(&plain), "no sslmode: a plain connection");

    let verified = with(&url, &format!("sslmode=require&sslrootcert={ca}"));
    let db = Db::open(&verified).unwrap();
    assert!(encrypted(&db));
    accounts::migrate_accounts(&db).unwrap();

    let unknown_ca = with(&url, "sslmode=verify-full");
    let err = Db::open(&unknown_ca)
        .err()
        .expect("a server no public root vouches for is refused");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
}
