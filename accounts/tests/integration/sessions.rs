//! Sessions: lookup, expiry, the daily slide, rememberMe, sign-out, cookies, schema bookkeeping.

use accounts::clock::{DAY_MS, HOUR_MS};
use accounts::{ClientInfo, get_session, sign_cookie, sign_out, verify_cookie};

use crate::common::{Env, T0, keys, new_user};

#[test]
fn a_new_session_is_found_with_its_user() {
    let env = Env::new();
    let signed = env.sign_up("ann@example.com");
    let token = signed.token.as_str();
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    let active = get_session(&env.conn, env.clock.as_ref(), token)
        .unwrap()
        .unwrap();
    assert_eq!(active.user, signed.user);
    assert_eq!(active.session, signed.session);
    assert!(!active.refreshed);
    assert_eq!(active.session.expires_at, "2026-03-17T12:00:00.000Z");
}

#[test]
fn session_json_has_the_better_auth_shape() {
    let env = Env::new();
    let signed = env.sign_up("ann@example.com");
    let json = serde_json::to_value(&signed.session).unwrap();
    assert_eq!(
        keys(&json),
        [
            "createdAt",
            "expiresAt",
            "id",
            "ipAddress",
            "token",
            "updatedAt",
            "userAgent",
            "userId"
        ]
    );
    assert_eq!(json["token"], signed.token.as_str());
    assert_eq!(json["userId"], signed.user.id.as_str());
    assert_eq!(json["ipAddress"], "203.0.113.7");
    assert!(!format!("{:?}", signed.token).contains(signed.token.as_str()));
}

#[test]
fn expired_session_is_gone() {
    let env = Env::new();
    let signed = env.sign_up("ann@example.com");
    env.clock.set(T0 + 7 * DAY_MS);
    assert!(
        get_session(&env.conn, env.clock.as_ref(), signed.token.as_str())
            .unwrap()
            .is_none()
    );
    assert_eq!(env.count("SELECT COUNT(*) FROM sessions"), 0);
}

#[test]
fn session_slides_forward_once_a_day_has_passed() {
    let env = Env::new();
    let token = env.sign_up("ann@example.com").token;
    let get = || {
        get_session(&env.conn, env.clock.as_ref(), token.as_str())
            .unwrap()
            .unwrap()
    };
    env.clock.set(T0 + 23 * HOUR_MS);
    assert!(!get().refreshed);
    env.clock.set(T0 + DAY_MS + 60_000);
    let slid = get();
    assert!(slid.refreshed);
    assert_eq!(slid.session.expires_at_ms, T0 + 8 * DAY_MS + 60_000);
    assert_eq!(slid.session.expires_at, "2026-03-18T12:01:00.000Z");
    assert!(
        !get().refreshed,
        "a second use the same minute does not slide again"
    );
    env.clock.set(T0 + 7 * DAY_MS + HOUR_MS);
    assert!(
        get().refreshed,
        "alive past the first 7 days, and slid again"
    );
}

#[test]
fn remember_me_false_gives_a_one_day_session_that_does_not_slide() {
    let env = Env::new();
    let mut new = new_user("ann@example.com", crate::common::PASSWORD);
    new.remember_me = false;
    let signed = env.sign_up_with(new).unwrap();
    assert_eq!(signed.session.expires_at_ms, T0 + DAY_MS);
    assert!(!signed.session.remember_me);
    env.clock.set(T0 + 23 * HOUR_MS);
    let active = get_session(&env.conn, env.clock.as_ref(), signed.token.as_str()).unwrap();
    assert!(!active.unwrap().refreshed);
    env.clock.set(T0 + DAY_MS);
    let gone = get_session(&env.conn, env.clock.as_ref(), signed.token.as_str()).unwrap();
    assert!(gone.is_none());
}

#[test]
fn sign_out_deletes_the_session_server_side() {
    let env = Env::new();
    let signed = env.sign_up("ann@example.com");
    let other = accounts::sign_in(
        &env.conn,
        env.clock.as_ref(),
        &env.policy,
        &accounts::Credentials {
            email: "ann@example.com".into(),
            password: crate::common::PASSWORD.into(),
            remember_me: true,
        },
        &ClientInfo::default(),
    )
    .unwrap();
    assert!(sign_out(&env.conn, signed.token.as_str()).unwrap());
    assert!(!sign_out(&env.conn, signed.token.as_str()).unwrap());
    let found = get_session(&env.conn, env.clock.as_ref(), signed.token.as_str()).unwrap();
    assert!(found.is_none());
    assert_eq!(env.count("SELECT COUNT(*) FROM sessions"), 1);
    let still = get_session(&env.conn, env.clock.as_ref(), other.token.as_str()).unwrap();
    assert!(still.is_some(), "other sessions of the user survive");
}

#[test]
fn garbage_tokens_find_nothing() {
    let env = Env::new();
    env.sign_up("ann@example.com");
    for token in ["", "short", &"a".repeat(32), &"é".repeat(16)] {
        assert!(
            get_session(&env.conn, env.clock.as_ref(), token)
                .unwrap()
                .is_none()
        );
    }
}

#[test]
fn tampered_cookies_are_rejected() {
    let env = Env::new();
    let secret = [42u8; 32];
    let token = env.sign_up("ann@example.com").token;
    let value = sign_cookie(&secret, token.as_str());
    assert_eq!(value.len(), 32 + 1 + 44);
    assert_eq!(
        verify_cookie(&secret, &value).as_deref(),
        Some(token.as_str())
    );
    let mut bytes = value.clone().into_bytes();
    bytes[0] = if bytes[0] == b'a' { b'b' } else { b'a' };
    assert_eq!(
        verify_cookie(&secret, &String::from_utf8(bytes).unwrap()),
        None
    );
    let mut bytes = value.clone().into_bytes();
    bytes[40] = if bytes[40] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        verify_cookie(&secret, &String::from_utf8(bytes).unwrap()),
        None
    );
    assert_eq!(verify_cookie(&[7u8; 32], &value), None);
}

#[test]
fn migrate_is_versioned_and_idempotent() {
    let env = Env::new();
    accounts::migrate_accounts(&env.conn).unwrap();
    accounts::migrate_accounts(&env.connect()).unwrap();
    let rows = env.count("SELECT COUNT(*) FROM schema_migrations WHERE component = 'accounts'");
    assert_eq!(rows, accounts::db::MIGRATIONS.len() as i64);
    let version = accounts::db::schema_version(&env.conn, accounts::db::COMPONENT).unwrap();
    assert_eq!(version, accounts::db::MIGRATIONS.len() as i64);
    if env.engine() == accounts::db::Engine::Sqlite {
        let mode: String = env
            .conn
            .query_one("PRAGMA journal_mode", accounts::params![])
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(env.count("PRAGMA foreign_keys"), 1);
    }
}

#[test]
fn a_panic_inside_a_write_rolls_it_back() {
    let env = Env::new();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: accounts::Result<()> = env.conn.write(|tx| {
            let bob = new_user("bob@example.com", "correct horse battery");
            let clock = env.clock.as_ref();
            accounts::sign_up(tx, clock, &env.policy, &bob, &ClientInfo::default()).unwrap();
            panic!("the work failed half-way");
        });
    }));
    assert!(panicked.is_err());
    env.sign_up("ann@example.com");
    let emails = env
        .conn
        .query("SELECT email FROM users", accounts::params![])
        .unwrap();
    assert_eq!(emails.len(), 1, "bob rolled back, ann committed");
    assert_eq!(emails[0].get::<String>(0).unwrap(), "ann@example.com");
}
