//! Operator functions: granting and showing credits, listing and disabling users.

use accounts::{
    Error, create_key, get_session, grant_credits, list_users, set_disabled, show_credits,
};

use crate::common::Env;

#[test]
fn grants_add_up_and_are_checked() {
    let env = Env::new();
    env.sign_up("ann@example.com");
    let clock = env.clock.as_ref();
    assert_eq!(
        grant_credits(&env.conn, clock, "ann@example.com", 5).unwrap(),
        5
    );
    assert_eq!(
        grant_credits(&env.conn, clock, "ANN@example.com", 7).unwrap(),
        12
    );
    for bad in [0, -3, accounts::MAX_GRANT + 1] {
        let err = grant_credits(&env.conn, clock, "ann@example.com", bad).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(m) if m.contains("amount")),
            "{err}"
        );
    }
    let err = grant_credits(&env.conn, clock, "bob@example.com", 5).unwrap_err();
    assert!(matches!(&err, Error::UserNotFound { email } if email == "bob@example.com"));
    assert!(err.to_string().contains("bob@example.com"));
    let (user, summary) = show_credits(&env.conn, clock, "ann@example.com").unwrap();
    assert_eq!(
        (user.email.as_str(), summary.credits),
        ("ann@example.com", 12)
    );
}

#[test]
fn users_are_listed_with_credits_and_state() {
    let env = Env::new();
    env.sign_up("ann@example.com");
    env.clock.advance_ms(1_000);
    env.sign_up("bob@example.com");
    grant_credits(&env.conn, env.clock.as_ref(), "bob@example.com", 3).unwrap();
    set_disabled(&env.conn, env.clock.as_ref(), "ann@example.com", true).unwrap();
    let users = list_users(&env.conn).unwrap();
    let rows: Vec<_> = users
        .iter()
        .map(|u| (u.email.as_str(), u.disabled, u.credits))
        .collect();
    assert_eq!(
        rows,
        [("ann@example.com", true, 0), ("bob@example.com", false, 3)]
    );
}

#[test]
fn disabling_ends_sessions_and_enabling_allows_sign_in_again() {
    let env = Env::new();
    let signed = env.sign_up("ann@example.com");
    let (key, _) = create_key(&env.conn, env.clock.as_ref(), &signed.user.id, "k").unwrap();
    let user = set_disabled(&env.conn, env.clock.as_ref(), "ann@example.com", true).unwrap();
    assert!(user.disabled);
    assert_eq!(env.count("SELECT COUNT(*) FROM sessions"), 0);
    let found = get_session(&env.conn, env.clock.as_ref(), signed.token.as_str()).unwrap();
    assert!(found.is_none());
    set_disabled(&env.conn, env.clock.as_ref(), "ann@example.com", false).unwrap();
    accounts::authenticate_key(&env.conn, env.clock.as_ref(), &key).unwrap();
    let err = set_disabled(&env.conn, env.clock.as_ref(), "nobody@example.com", true).unwrap_err();
    assert!(matches!(err, Error::UserNotFound { .. }), "{err}");
}
