//! The table list `migrate-db` finds in a database the migrations made,
//! and the order it copies them in.

use super::source::{Source, dependency_order};
use super::*;
use std::collections::{BTreeMap, BTreeSet};

fn server_database() -> (tempfile::TempDir, Source) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    drop(Store::open(&Target::Sqlite(path.clone()), 1).unwrap());
    let source = Source::open(&path).unwrap();
    (dir, source)
}

fn edges(pairs: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
    pairs
        .iter()
        .map(|(t, ps)| (t.to_string(), ps.iter().map(|p| p.to_string()).collect()))
        .collect()
}

#[test]
fn every_table_of_both_migrations_is_copied_after_the_ones_it_references() {
    let (_dir, source) = server_database();
    let tables = source.tables().unwrap();
    for table in [
        "settings",
        "users",
        "sessions",
        "api_keys",
        "credit_balances",
        "charges",
        "searches",
        "guest_usage",
    ] {
        assert!(tables.iter().any(|t| t == table), "{table} in {tables:?}");
    }
    assert!(
        !tables.iter().any(|t| t == "schema_migrations"),
        "{tables:?}"
    );
    let at = |name: &str| tables.iter().position(|t| t == name).unwrap();
    for child in ["sessions", "api_keys", "credit_balances", "charges"] {
        assert!(at("users") < at(child), "{tables:?}");
    }
}

#[test]
fn columns_come_in_order_with_the_primary_key() {
    let (_dir, source) = server_database();
    let (columns, key) = source.columns("guest_usage").unwrap();
    assert_eq!(columns, ["ip_hash", "day", "count"]);
    assert_eq!(key, ["ip_hash", "day"]);
    let (columns, key) = source.columns("charges").unwrap();
    assert_eq!(columns, ["id", "user_id", "at", "kind", "search_id"]);
    assert_eq!(key, ["id"]);
    assert!(source.versions().unwrap().contains("server v1"));
}

#[test]
fn tables_are_ordered_by_their_references_and_cycles_refused() {
    let order = dependency_order(edges(&[
        ("c", &["b"]),
        ("b", &["a", "b"]),
        ("a", &[]),
        ("d", &["elsewhere"]),
    ]));
    assert_eq!(order.unwrap(), ["a", "d", "b", "c"]);
    let cycle = dependency_order(edges(&[("x", &["y"]), ("y", &["x"]), ("z", &[])]));
    assert_eq!(cycle.unwrap_err(), "x, y");
}

#[test]
fn values_cross_unchanged() {
    assert_eq!(
        param(ValueRef::Integer(i64::MIN)),
        Some(Param::Int(i64::MIN))
    );
    assert_eq!(param(ValueRef::Real(0.1)), Some(Param::Real(0.1)));
    assert_eq!(param(ValueRef::Null), Some(Param::Null));
    assert_eq!(
        param(ValueRef::Blob(&[0, 255])),
        Some(Param::from(&[0u8, 255][..]))
    );
    assert_eq!(
        param(ValueRef::Text(b"\xe2\x98\x83")),
        Some(Param::from("☃"))
    );
    assert_eq!(param(ValueRef::Text(b"\xff")), None);
}
