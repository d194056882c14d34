//! Where a test keeps its accounts: an SQLite file in its temporary folder,
//! or a fresh database on the throwaway PostgreSQL server that `just test`
//! starts (`scripts/with-postgres.sh`), so that the accounts and server
//! suites run on both engines.
//!
//! - `TEST_POSTGRES_URL`: the PostgreSQL server tests may create databases
//!   on (set by `scripts/with-postgres.sh`).
//! - `TEST_POSTGRES_DATA`: that server's data folder (for tests that look
//!   at what is written to disk).
//! - `TEST_DATABASE=postgres`: the suites keep their data there instead of
//!   in SQLite files.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

/// The engine the suites run on this time.
pub fn use_postgres() -> bool {
    match std::env::var("TEST_DATABASE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Ok("") | Err(_) => false,
        Ok(other) => panic!("TEST_DATABASE={other}: expected sqlite or postgres"),
    }
}

/// The `--database` value of one test: `dir/server.db`, or a new empty
/// PostgreSQL database when `TEST_DATABASE=postgres`.
pub fn fresh(dir: &Path) -> String {
    if use_postgres() {
        postgres()
    } else {
        dir.join("server.db").to_string_lossy().into_owned()
    }
}

/// A new, empty database on the test PostgreSQL server; its URL. Each
/// test gets a schema of its own (a `CREATE DATABASE` per test would copy
/// 8 MB each time), named in the URL's `search_path`. Panics with the way
/// out when no server was started: a test that needs PostgreSQL never
/// passes without it.
pub fn postgres() -> String {
    let admin = admin_url();
    let name = unique_name();
    run_sql(&admin, &format!("CREATE SCHEMA {name}"));
    with_search_path(&admin, &name)
}

/// Runs `sql` on `url`. On a thread of its own: the `postgres` client
/// blocks on a runtime, which tokio forbids inside an async test.
pub fn run_sql(url: &str, sql: &str) {
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut client = ::postgres::Client::connect(url, ::postgres::NoTls)
                .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
            client
                .batch_execute(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        })
        .join()
        .expect("the SQL ran")
    })
}

/// Every byte the engine behind `database` has written: an SQLite file
/// with its WAL and shared memory, or (after a checkpoint) the whole data
/// folder of the test PostgreSQL server, its WAL and tables. For tests that
/// check what never reaches the disk in clear.
pub fn written_bytes(database: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        run_sql(database, "CHECKPOINT");
        let data = std::env::var("TEST_POSTGRES_DATA")
            .expect("TEST_POSTGRES_DATA names the test server's data folder");
        read_tree(Path::new(&data), &mut bytes);
    } else {
        for suffix in ["", "-wal", "-shm"] {
            bytes.extend(std::fs::read(format!("{database}{suffix}")).unwrap_or_default());
        }
    }
    bytes
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    memchr::memmem::find(haystack, needle.as_bytes()).is_some()
}

fn read_tree(dir: &Path, out: &mut Vec<u8>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_tree(&path, out);
        } else if let Ok(data) = std::fs::read(&path) {
            out.extend(data);
        }
    }
}

/// `TEST_POSTGRES_URL`, which must be set.
pub fn admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_POSTGRES_URL is not set: this test needs PostgreSQL. Run the tests with \
             `just test`, or wrap the command in scripts/with-postgres.sh, which starts a \
             throwaway server (scripts/setup.sh installs it)"
        )
    })
}

fn unique_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "t{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with the connection option that makes `schema` the only one used.
fn with_search_path(url: &str, schema: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-csearch_path%3D{schema}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_schema_goes_in_the_url_options() {
        assert_eq!(
            super::with_search_path("postgres://postgres@127.0.0.1:5433/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5433/postgres?options=-csearch_path%3Dt1"
        );
        assert_eq!(
            super::with_search_path("postgres://u@h:1/db?sslmode=disable", "t2"),
            "postgres://u@h:1/db?sslmode=disable&options=-csearch_path%3Dt2"
        );
    }
}
