//! The database file and its WAL never hold a password, session token or API key in clear.

use accounts::create_key;
use rusqlite::{Transaction, TransactionBehavior};

use crate::common::{Env, new_user};

fn file_bytes(env: &Env) -> Vec<u8> {
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", env.path.display());
        if let Ok(data) = std::fs::read(&path) {
            bytes.extend(data);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn no_secret_is_stored_in_clear() {
    let env = Env::new();
    let password = "Plaintext-Password-4417";
    let signed = env
        .sign_up_with(new_user("ann@example.com", password))
        .unwrap();
    let (key, _) = create_key(&env.conn, env.clock.as_ref(), &signed.user.id, "k").unwrap();
    let tx = Transaction::new_unchecked(&env.conn, TransactionBehavior::Immediate).unwrap();
    accounts::charge(&tx, env.clock.as_ref(), &signed.user.id, "s1").unwrap();
    tx.commit().unwrap();

    let secrets = [password, signed.token.as_str(), key.as_str(), &key[6..]];
    let before_checkpoint = file_bytes(&env);
    assert!(
        contains(&before_checkpoint, "ann@example.com"),
        "the scan sees the data"
    );
    for secret in secrets {
        assert!(
            !contains(&before_checkpoint, secret),
            "{secret} found in the WAL or file"
        );
    }
    env.conn
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let after = file_bytes(&env);
    for secret in secrets {
        assert!(!contains(&after, secret), "{secret} found in the file");
    }
}
