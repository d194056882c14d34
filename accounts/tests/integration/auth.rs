//! Sign-up and sign-in: input rules, duplicates, uniform refusals, disabled users, hash upgrades.

use std::time::{Duration, Instant};

use accounts::password::PasswordHash;
use accounts::{Credentials, Error, PasswordPolicy, sign_in};

use crate::common::{Env, PASSWORD, client, keys, new_user};

fn credentials(email: &str, password: &str) -> Credentials {
    Credentials {
        email: email.into(),
        password: password.into(),
        remember_me: true,
    }
}

fn try_sign_in(env: &Env, email: &str, password: &str) -> accounts::Result<accounts::SignedIn> {
    sign_in(
        &env.conn,
        env.clock.as_ref(),
        &env.policy,
        &credentials(email, password),
        &client(),
    )
}

#[test]
fn sign_up_twice_with_one_email_is_refused() {
    let env = Env::new();
    let first = env.sign_up("ann@example.com");
    assert_eq!(first.user.email, "ann@example.com");
    let err = env
        .sign_up_with(new_user("Ann@Example.COM", PASSWORD))
        .unwrap_err();
    assert!(matches!(err, Error::UserAlreadyExists), "{err}");
    assert_eq!(env.count("SELECT COUNT(*) FROM users"), 1);
}

#[test]
fn racing_sign_ups_with_one_email_create_one_user() {
    let env = Env::new();
    let conns: Vec<_> = (0..4).map(|_| env.connect()).collect();
    let (clock, policy) = (env.clock.as_ref(), &env.policy);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = conns
            .into_iter()
            .map(|conn| {
                s.spawn(move || {
                    let new = new_user("race@example.com", PASSWORD);
                    accounts::sign_up(&conn, clock, policy, &new, &client())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1);
    for err in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(err, Error::UserAlreadyExists), "{err}");
    }
}

#[test]
fn password_length_is_8_to_128_characters() {
    let env = Env::new();
    let short = env.sign_up_with(new_user("a@x.io", "1234567")).unwrap_err();
    assert!(matches!(short, Error::PasswordTooShort), "{short}");
    let long = env
        .sign_up_with(new_user("a@x.io", &"p".repeat(129)))
        .unwrap_err();
    assert!(matches!(long, Error::PasswordTooLong), "{long}");
    env.sign_up_with(new_user("a@x.io", "12345678")).unwrap();
    env.sign_up_with(new_user("b@x.io", &"é".repeat(128)))
        .unwrap();
}

#[test]
fn bad_email_and_missing_name_are_refused() {
    let env = Env::new();
    let err = env
        .sign_up_with(new_user("not-an-email", PASSWORD))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidEmail), "{err}");
    let mut nameless = new_user("a@x.io", PASSWORD);
    nameless.name = " ".into();
    let err = env.sign_up_with(nameless).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(m) if m.contains("name")),
        "{err}"
    );
}

#[test]
fn wrong_password_and_unknown_email_get_the_same_answer() {
    let env = Env::new();
    env.sign_up("ann@example.com");
    let wrong = try_sign_in(&env, "ann@example.com", "wrong password").unwrap_err();
    let unknown = try_sign_in(&env, "bob@example.com", PASSWORD).unwrap_err();
    for err in [&wrong, &unknown] {
        assert!(matches!(err, Error::InvalidEmailOrPassword), "{err}");
    }
    let signed_in = try_sign_in(&env, "ANN@example.com", PASSWORD).unwrap();
    assert_eq!(signed_in.user.email, "ann@example.com");
}

fn timed(run: impl FnOnce()) -> Duration {
    let start = Instant::now();
    run();
    start.elapsed()
}

#[test]
fn unknown_email_costs_about_as_much_as_a_wrong_password() {
    let mut env = Env::new();
    env.policy = PasswordPolicy::with_iterations(60_000);
    env.sign_up("ann@example.com");
    // The fastest of interleaved runs: what each costs when nothing else
    // competes for the cores (a loaded machine only ever adds time).
    let (mut wrong, mut unknown) = (Duration::MAX, Duration::MAX);
    for _ in 0..7 {
        wrong = wrong.min(timed(|| {
            drop(try_sign_in(&env, "ann@example.com", "nope nope"))
        }));
        unknown = unknown.min(timed(|| {
            drop(try_sign_in(&env, "bob@example.com", "nope nope"))
        }));
    }
    assert!(
        unknown * 2 >= wrong && wrong * 2 >= unknown,
        "wrong password {wrong:?}, unknown email {unknown:?}"
    );
}

#[test]
fn disabled_user_cannot_sign_in() {
    let env = Env::new();
    env.sign_up("ann@example.com");
    accounts::set_disabled(&env.conn, env.clock.as_ref(), "ann@example.com", true).unwrap();
    let err = try_sign_in(&env, "ann@example.com", PASSWORD).unwrap_err();
    assert!(matches!(err, Error::UserDisabled), "{err}");
    let wrong = try_sign_in(&env, "ann@example.com", "not the password").unwrap_err();
    assert!(matches!(wrong, Error::InvalidEmailOrPassword), "{wrong}");
}

#[test]
fn default_iterations_are_at_least_600k_and_recorded_in_the_hash() {
    assert!(PasswordPolicy::default().iterations.get() >= 600_000);
    let env = Env::new();
    env.sign_up("ann@example.com");
    let stored: String = env
        .conn
        .query_one("SELECT password_hash FROM users", accounts::params![])
        .unwrap()
        .get(0)
        .unwrap();
    let parsed = PasswordHash::parse(&stored).unwrap();
    assert_eq!(parsed.iterations.get(), 1_000);
    assert_eq!((parsed.salt.len(), parsed.hash.len()), (16, 32));
    assert!(stored.starts_with("pbkdf2-sha256$1000$"));
}

#[test]
fn raising_the_iteration_count_rehashes_on_sign_in() {
    let mut env = Env::new();
    env.sign_up("ann@example.com");
    env.policy = PasswordPolicy::with_iterations(2_000);
    try_sign_in(&env, "ann@example.com", PASSWORD).unwrap();
    let stored: String = env
        .conn
        .query_one("SELECT password_hash FROM users", accounts::params![])
        .unwrap()
        .get(0)
        .unwrap();
    assert!(stored.starts_with("pbkdf2-sha256$2000$"), "{stored}");
    try_sign_in(&env, "ann@example.com", PASSWORD).unwrap();
}

#[test]
fn user_json_has_the_better_auth_shape() {
    let env = Env::new();
    let signed = env.sign_up("ann@example.com");
    let json = serde_json::to_value(&signed.user).unwrap();
    assert_eq!(
        keys(&json),
        [
            "createdAt",
            "email",
            "emailVerified",
            "id",
            "image",
            "name",
            "updatedAt"
        ]
    );
    assert_eq!(json["createdAt"], "2026-03-10T12:00:00.000Z");
    assert_eq!(json["emailVerified"], false);
    assert_eq!(json["image"], serde_json::Value::Null);
}
