//! Confirming a search: by its caller only, with a valid result index.

use super::*;

#[actix_web::test]
async fn confirms_a_search_by_its_caller() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let id = search_id(&app, 2).await;
    let (status, body, _) = call(
        &app,
        confirm(&id, json!({"resultIndex": 0, "public": true})),
        ME,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let at = body["confirmedAt"].as_str().unwrap().to_string();
    assert!(at.ends_with('Z') && at.len() == 24, "{at}");
    let expected = json!({"searchId": id, "resultIndex": 0, "public": true, "confirmedAt": at});
    assert_eq!(body, expected);
}

#[actix_web::test]
async fn refuses_bad_confirmations() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let id = search_id(&app, 2).await;
    let ok = json!({"resultIndex": 0, "public": true});
    let (status, body, _) = call(&app, confirm(&id, ok.clone()), "192.0.2.99").await;
    let expected = error(
        "NOT_YOUR_SEARCH",
        "only the caller who made a search can confirm it",
    );
    assert_eq!((status.as_u16(), body), (403, expected));
    let (status, body, _) = call(&app, confirm("0123456789abcdef0123456789abcdef", ok), ME).await;
    assert_eq!(
        (status.as_u16(), body),
        (404, error("SEARCH_NOT_FOUND", "no search with this id"))
    );
    let (status, body, _) = call(&app, confirm(&id, json!({"resultIndex": 1})), ME).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            error("INVALID_RESULT_INDEX", "resultIndex must be from 0 to 0")
        )
    );
    let (status, body, _) = call(&app, confirm(&id, json!({"resultIndex": -1})), ME).await;
    let expected = error(
        "INVALID_RESULT_INDEX",
        "resultIndex must be a non-negative integer",
    );
    assert_eq!((status.as_u16(), body), (400, expected));
    let (status, body, _) = call(&app, confirm(&id, json!({"public": true})), ME).await;
    let expected = error(
        "INVALID_BODY",
        "bad JSON body: Json deserialize error: missing field `resultIndex` at line 1 column 15",
    );
    assert_eq!((status.as_u16(), body), (400, expected));
    let text = TestRequest::post()
        .uri(&format!("/api/anime/searches/{id}/confirm"))
        .set_payload("{");
    let (status, body, _) = call(&app, text, ME).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            error("INVALID_BODY", "bad JSON body: Content type error")
        )
    );
}

#[actix_web::test]
async fn refuses_to_confirm_a_search_without_results() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (status, body, _) = call(&app, upload(&jpeg(NOT_INDEXED)), ME).await;
    assert_eq!((status.as_u16(), body["result"].clone()), (200, json!([])));
    let id = body["searchId"].as_str().unwrap();
    let (status, body, _) = call(&app, confirm(id, json!({"resultIndex": 0})), ME).await;
    let expected = error(
        "INVALID_RESULT_INDEX",
        "the search has no results to confirm",
    );
    assert_eq!((status.as_u16(), body), (400, expected));
}
