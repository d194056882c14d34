//! The database files and their write-ahead logs never hold a password,
//! session token or API key in clear.

use accounts::create_key;
use accounts::db::Target;
use testkit::database::contains;

use crate::common::{Env, new_user};

fn file_bytes(env: &Env) -> Vec<u8> {
    testkit::database::written_bytes(&env.target.to_string())
}

#[test]
fn no_secret_is_stored_in_clear() {
    let env = Env::new();
    let password = "Plaintext-Password-4417";
    let signed = env
        .sign_up_with(new_user("ann@example.com", password))
        .unwrap();
    let (key, _) = create_key(&env.conn, env.clock.as_ref(), &signed.user.id, "k").unwrap();
    let clock = env.clock.as_ref();
    env.conn
        .write(|tx| accounts::charge(tx, clock, &signed.user.id, "s1"))
        .unwrap();

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
    if let Target::Sqlite(_) = env.target {
        env.conn.batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let after = file_bytes(&env);
    for secret in secrets {
        assert!(!contains(&after, secret), "{secret} found in the file");
    }
}
