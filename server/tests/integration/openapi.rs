//! `GET /api/openapi.json` against the server itself: every route the
//! server registers is documented with exactly its methods, every error
//! code is listed, and real answers of every route validate against the
//! document's schemas (whose objects list every field as required and
//! allow no others), so a field in one and not the other fails here.

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::{Value, json};
use server::ErrorCode;
use std::collections::BTreeSet;
use strum::IntoEnumIterator;

const IP: &str = "192.0.2.77";
const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

fn doc() -> Value {
    serde_json::from_str(server::http::OPENAPI).expect("the document is JSON")
}

/// `/api/apikeys/{id}` and `/api/apikeys/{x}` are one route.
fn normalized(path: &str) -> String {
    regex::Regex::new(r"\{[^}]+\}")
        .unwrap()
        .replace_all(path, "{}")
        .into_owned()
}

/// The API paths the server registers, read from where routes are
/// registered (the site's page and assets are not API).
fn registered_paths() -> BTreeSet<String> {
    let sources = [
        include_str!("../../src/http/mod.rs"),
        include_str!("../../src/http/tracemoe/mod.rs"),
    ];
    let resource = regex::Regex::new(r#"resource\("(/[^"]*)"\)"#).unwrap();
    sources
        .iter()
        .flat_map(|source| resource.captures_iter(source))
        .map(|c| normalized(&c[1]))
        .filter(|path| !path.starts_with("/assets/"))
        .collect()
}

#[test]
fn documents_every_registered_route_and_no_other() {
    let doc = doc();
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|p| normalized(p))
        .collect();
    assert_eq!(documented, registered_paths());
}

#[test]
fn lists_every_error_code_and_no_other() {
    let listed: BTreeSet<String> = doc()["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let ours: BTreeSet<String> = ErrorCode::iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, ours);
}

/// A request to `path` (its `{param}`s filled in) with `method`.
fn request(method: &str, path: &str) -> TestRequest {
    let uri = regex::Regex::new(r"\{[^}]+\}")
        .unwrap()
        .replace_all(path, "x");
    let req = match method {
        "get" => TestRequest::get(),
        "post" => TestRequest::post(),
        "put" => TestRequest::put(),
        "delete" => TestRequest::delete(),
        _ => TestRequest::patch(),
    };
    req.uri(&uri)
}

#[actix_web::test]
async fn every_documented_method_is_served_and_every_other_is_405() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let doc = doc();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            let (status, body, _) = call(&app, request(method, path), IP).await;
            let documented = item.get(method).is_some();
            // The router's own refusals, not a handler's answer (the
            // trace.moe face also answers 405 to a search without image).
            let wrong_method =
                body["code"] == "METHOD_NOT_ALLOWED" || body["error"] == "Method Not Allowed";
            let not_routed = status == 404 && body["code"] == "NOT_FOUND" || wrong_method;
            assert_eq!(!not_routed, documented, "{method} {path}: {status} {body}");
        }
    }
}

/// Validates `body` against the schema the document gives for `status`
/// of `method path`; that status must be documented.
fn conforms(doc: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let response = &doc["paths"][path][method]["responses"][status.to_string()];
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} does not document {status}"
    );
    let mut errors = Vec::new();
    validate(doc, schema, body, "", &mut errors);
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {body}\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_check_refuses_a_missing_an_extra_and_a_mistyped_field() {
    let doc = doc();
    let schema = json!({"$ref": "#/components/schemas/SearchResponse"});
    let mut errors = Vec::new();
    let hit = json!({"anime": {"id": 1, "title": "A", "anilistId": null, "isAdult": false},
        "anilist": null, "filename": "a.mkv", "episode": 1, "from": 0.0, "to": 1.0,
        "at": 0.5, "duration": 9.0, "similarity": 0.95, "image": null, "video": null});
    let good = json!({"searchId": "x", "frameCount": 3, "result": [hit]});
    validate(&doc, &schema, &good, "", &mut errors);
    assert_eq!(errors, Vec::<String>::new());
    let mut missing = good.clone();
    missing["result"][0]
        .as_object_mut()
        .unwrap()
        .remove("similarity");
    let mut extra = good.clone();
    extra["result"][0]["preview"] = json!("p");
    let mut mistyped = good.clone();
    mistyped["frameCount"] = json!("3");
    for bad in [missing, extra, mistyped] {
        let mut errors = Vec::new();
        validate(&doc, &schema, &bad, "", &mut errors);
        assert_eq!(errors.len(), 1, "{bad}: {errors:?}");
    }
}

/// The JSON Schema keywords the document uses (`$ref`, `oneOf`, `type`,
/// `properties`, `required`, `additionalProperties: false`, `items`,
/// `enum`, `const`), checked strictly; `format` and descriptions are
/// annotations.
fn validate(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        let target = &doc["components"]["schemas"][name];
        assert!(target.is_object(), "unknown $ref {reference}");
        return validate(doc, target, value, at, errors);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let fits = options.iter().filter(|option| {
            let mut e = Vec::new();
            validate(doc, option, value, at, &mut e);
            e.is_empty()
        });
        if fits.count() != 1 {
            errors.push(format!("{at}: {value} fits not exactly one of {schema}"));
        }
        return;
    }
    if let Some(expected) = schema.get("const").filter(|c| *c != value) {
        errors.push(format!("{at}: {value} is not {expected}"));
    }
    if let Some(allowed) = schema["enum"].as_array().filter(|a| !a.contains(value)) {
        errors.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() && !types.iter().any(|t| is_type(t, value)) {
        errors.push(format!("{at}: {value} is not {types:?}"));
        return;
    }
    if let (Some(properties), Some(object)) = (schema["properties"].as_object(), value.as_object())
    {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                errors.push(format!("{at}: missing {name}"));
            }
        }
        for (name, field) in object {
            match properties.get(name) {
                Some(s) => validate(doc, s, field, &format!("{at}/{name}"), errors),
                None if schema["additionalProperties"] == false => {
                    errors.push(format!("{at}: {name} is not in the document"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            validate(doc, items, item, &format!("{at}/{i}"), errors);
        }
    }
}

fn is_type(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    }
}

#[actix_web::test]
async fn every_answer_conforms_to_the_document() {
    let f = Fixture::new();
    f.clock.set(T0);
    let app = app(f.state()).await;
    let doc = doc();
    let check = |method: &'static str, path: &'static str| {
        let doc = doc.clone();
        move |status: actix_web::http::StatusCode, body: &Value| {
            conforms(&doc, method, path, status.as_u16(), body)
        }
    };

    let (s, b, _) = call(&app, TestRequest::get().uri("/api/health"), IP).await;
    check("get", "/api/health")(s, &b);
    let (s, b, _) = call(&app, upload(&jpeg(2)), IP).await;
    check("post", "/api/anime/search")(s, &b);
    let search_id = b["searchId"].as_str().unwrap().to_string();
    let (s, b, _) = call(&app, upload(b"not an image"), IP).await;
    check("post", "/api/anime/search")(s, &b);

    let confirm = post_json(
        &format!("/api/anime/searches/{search_id}/confirm"),
        json!({"resultIndex": 0, "public": true}),
    );
    let (s, b, _) = call(&app, confirm, IP).await;
    check("post", "/api/anime/searches/{searchId}/confirm")(s, &b);
    let (s, b, _) = call(
        &app,
        TestRequest::get().uri("/api/anime/recent-searches"),
        IP,
    )
    .await;
    check("get", "/api/anime/recent-searches")(s, &b);
    assert_eq!(b["items"].as_array().unwrap().len(), 1, "{b}");
    let (s, b, _) = call(
        &app,
        TestRequest::get().uri("/api/anime/rankings?includeAdult=true"),
        IP,
    )
    .await;
    check("get", "/api/anime/rankings")(s, &b);
    assert_eq!(b["items"].as_array().unwrap().len(), 1, "{b}");

    let sign_up = json!({"name": "Ann", "email": "ann@example.com", "password": PASSWORD});
    let (s, b, headers) = call(&app, post_json("/api/auth/sign-up/email", sign_up), IP).await;
    check("post", "/api/auth/sign-up/email")(s, &b);
    let cookie = cookie_pair(&set_cookie(&headers).expect("cookie"));
    let sign_in = json!({"email": "ann@example.com", "password": PASSWORD});
    let (s, b, _) = call(&app, post_json("/api/auth/sign-in/email", sign_in), IP).await;
    check("post", "/api/auth/sign-in/email")(s, &b);
    let session = TestRequest::get()
        .uri("/api/auth/get-session")
        .insert_header(("cookie", cookie.clone()));
    let (s, b, _) = call(&app, session, IP).await;
    check("get", "/api/auth/get-session")(s, &b);
    let (s, b, _) = call(&app, TestRequest::get().uri("/api/auth/get-session"), IP).await;
    check("get", "/api/auth/get-session")(s, &b);
    assert!(b.is_null());

    let create = with_session(post_json("/api/apikeys", json!({"title": "k"})), &cookie);
    let (s, b, _) = call(&app, create, IP).await;
    check("post", "/api/apikeys")(s, &b);
    let (key, key_id) = (
        b["key"].as_str().unwrap().to_string(),
        b["id"].as_str().unwrap().to_string(),
    );
    let list = TestRequest::get()
        .uri("/api/apikeys")
        .insert_header(("cookie", cookie.clone()));
    let (s, b, _) = call(&app, list, IP).await;
    check("get", "/api/apikeys")(s, &b);
    let credits = TestRequest::get()
        .uri("/api/user/anime-credits")
        .insert_header(("cookie", cookie.clone()));
    let (s, b, _) = call(&app, credits, IP).await;
    check("get", "/api/user/anime-credits")(s, &b);

    let traced = TestRequest::post()
        .uri("/search?anilistInfo")
        .insert_header(("content-type", "image/jpeg"))
        .insert_header(("x-trace-key", key.clone()))
        .set_payload(jpeg(5));
    let (s, b, _) = call(&app, traced, IP).await;
    check("post", "/search")(s, &b);
    let (s, b, _) = call(&app, TestRequest::get().uri("/search"), IP).await;
    check("get", "/search")(s, &b);
    let (s, b, _) = call(&app, TestRequest::get().uri(&format!("/me?key={key}")), IP).await;
    check("get", "/me")(s, &b);

    let revoke = with_session(
        TestRequest::delete().uri(&format!("/api/apikeys/{key_id}")),
        &cookie,
    );
    let (s, b, _) = call(&app, revoke, IP).await;
    check("delete", "/api/apikeys/{id}")(s, &b);
    let sign_out = with_session(TestRequest::post().uri("/api/auth/sign-out"), &cookie);
    let (s, b, _) = call(&app, sign_out, IP).await;
    check("post", "/api/auth/sign-out")(s, &b);
}
