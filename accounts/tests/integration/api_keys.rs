//! API keys: create, authenticate (last use recorded), list without secrets, revoke.

use accounts::clock::HOUR_MS;
use accounts::{Error, authenticate_key, create_key, list_keys, revoke_key};

use crate::common::{Env, keys};

#[test]
fn a_key_is_created_used_listed_and_revoked() {
    let env = Env::new();
    let user = env.sign_up("ann@example.com").user;
    let (key, info) = create_key(&env.conn, env.clock.as_ref(), &user.id, "my-key").unwrap();
    assert!(key.starts_with("ak_") && key.len() == 3 + 64);
    assert!(key[3..].bytes().all(|b| b.is_ascii_alphabetic()));
    assert_eq!(info.start, &key[..6]);
    assert_eq!(info.last_used_at, None);

    env.clock.advance_ms(HOUR_MS);
    let found = authenticate_key(&env.conn, env.clock.as_ref(), &key).unwrap();
    assert_eq!(found.id, user.id);

    let page = list_keys(&env.conn, &user.id, 1, 20).unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(
        page.items[0].last_used_at.as_deref(),
        Some("2026-03-10T13:00:00.000Z")
    );
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(keys(&json), ["items", "page", "pageSize", "total"]);
    assert_eq!(
        keys(&json["items"][0]),
        ["createdAt", "id", "lastUsedAt", "start", "title"]
    );
    assert!(
        !json.to_string().contains(&key[6..]),
        "no plaintext in lists"
    );

    revoke_key(&env.conn, env.clock.as_ref(), &user.id, &info.id).unwrap();
    let err = authenticate_key(&env.conn, env.clock.as_ref(), &key).unwrap_err();
    assert!(matches!(err, Error::InvalidApiKey), "{err}");
    assert_eq!(list_keys(&env.conn, &user.id, 1, 20).unwrap().total, 0);
}

#[test]
fn created_key_json_shows_the_key_once() {
    let env = Env::new();
    let user = env.sign_up("ann@example.com").user;
    let (key, info) = create_key(&env.conn, env.clock.as_ref(), &user.id, "k").unwrap();
    let json = serde_json::to_value(accounts::CreatedKey::new(key.clone(), info)).unwrap();
    assert_eq!(keys(&json), ["createdAt", "id", "key", "start", "title"]);
    assert_eq!(json["key"], key.as_str());
}

#[test]
fn revoking_someone_elses_or_an_unknown_key_is_404() {
    let env = Env::new();
    let ann = env.sign_up("ann@example.com").user;
    let bob = env.sign_up("bob@example.com").user;
    let (key, info) = create_key(&env.conn, env.clock.as_ref(), &ann.id, "ann's").unwrap();
    for (user, id) in [(&bob.id, info.id.as_str()), (&ann.id, "nope")] {
        let err = revoke_key(&env.conn, env.clock.as_ref(), user, id).unwrap_err();
        assert!(matches!(err, Error::ApiKeyNotFound), "{err}");
    }
    authenticate_key(&env.conn, env.clock.as_ref(), &key).unwrap();
}

#[test]
fn unknown_and_disabled_users_keys_are_refused() {
    let env = Env::new();
    let user = env.sign_up("ann@example.com").user;
    let (key, _) = create_key(&env.conn, env.clock.as_ref(), &user.id, "k").unwrap();
    for bad in ["", "ak_", "Bearer x", &format!("{key}x")] {
        let err = authenticate_key(&env.conn, env.clock.as_ref(), bad).unwrap_err();
        assert!(matches!(err, Error::InvalidApiKey), "{err}");
    }
    accounts::set_disabled(&env.conn, env.clock.as_ref(), "ann@example.com", true).unwrap();
    let err = authenticate_key(&env.conn, env.clock.as_ref(), &key).unwrap_err();
    assert!(matches!(err, Error::InvalidApiKey), "{err}");
}

#[test]
fn lists_are_paged_and_checked() {
    let env = Env::new();
    let user = env.sign_up("ann@example.com").user;
    for i in 0..5 {
        env.clock.advance_ms(1_000);
        create_key(&env.conn, env.clock.as_ref(), &user.id, &format!("key {i}")).unwrap();
    }
    let page = list_keys(&env.conn, &user.id, 2, 2).unwrap();
    assert_eq!((page.total, page.page, page.page_size), (5, 2, 2));
    let titles: Vec<_> = page.items.iter().map(|k| k.title.as_str()).collect();
    assert_eq!(titles, ["key 2", "key 1"]);
    assert!(
        list_keys(&env.conn, &user.id, 4, 2)
            .unwrap()
            .items
            .is_empty()
    );
    for (page, size) in [(0, 20), (1, 0), (1, 101)] {
        let err = list_keys(&env.conn, &user.id, page, size).unwrap_err();
        assert!(matches!(err, Error::Invalid(_)), "{err}");
    }
}

#[test]
fn titles_are_1_to_100_characters() {
    let env = Env::new();
    let user = env.sign_up("ann@example.com").user;
    for bad in ["", "   ", &"t".repeat(101)] {
        let err = create_key(&env.conn, env.clock.as_ref(), &user.id, bad).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(m) if m.contains("title")),
            "{err}"
        );
    }
    create_key(&env.conn, env.clock.as_ref(), &user.id, &"t".repeat(100)).unwrap();
}
