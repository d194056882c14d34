//! Request bodies under abuse: multipart framing the parser cannot take,
//! a chunked body that never ends, and the server-wide cap on body bytes
//! held in memory at once.

use crate::support::*;
use actix_web::http::header;
use actix_web::test::{self, TestRequest};
use serde_json::Value;

const IP: &str = "203.0.113.9";

#[actix_web::test]
async fn refuses_a_multipart_body_without_a_usable_boundary() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let long = "b".repeat(71);
    for content_type in [
        "multipart/form-data; boundary=".to_string(),
        "multipart/form-data; boundary=\"\"".to_string(),
        "multipart/form-data".to_string(),
        format!("multipart/form-data; boundary={long}"),
    ] {
        let req = TestRequest::post()
            .uri("/api/anime/search")
            .insert_header(("content-type", content_type.as_str()))
            .set_payload(multipart(&[Part::File("image", "a.jpg", &jpeg(1))]));
        let (status, body, _) = call(&app, req, IP).await;
        let expected = error(
            "INVALID_BODY",
            "bad multipart body: the Content-Type needs a boundary of 1 to 70 characters",
        );
        assert_eq!((status.as_u16(), body), (400, expected), "{content_type}");
    }
}

/// Without `Content-Length` (chunked), only the bytes read tell the size:
/// many small fields the search does not use add up past the cap.
#[actix_web::test]
async fn caps_a_chunked_multipart_body_as_a_whole() {
    let f = Fixture::new();
    let state = f.state_with(|s| s.decode_limits.max_bytes = 100 * 1024);
    let app = app(state).await;
    let filler = "x".repeat(10 * 1024);
    let names: Vec<String> = (0..40).map(|i| format!("extra{i}")).collect();
    let shot = jpeg(1);
    let mut parts: Vec<Part> = names.iter().map(|n| Part::Text(n, &filler)).collect();
    parts.push(Part::File("image", "a.jpg", &shot));
    let (status, body) = call_chunked(&app, multipart(&parts)).await;
    assert_eq!(
        (status, body),
        (
            413,
            error("IMAGE_TOO_LARGE", "the image is larger than 100 KB")
        )
    );
    // The same fields under the cap are read past and the image found.
    let (status, body) = call_chunked(&app, multipart(&parts[30..])).await;
    assert_eq!(status, 200, "{body}");
}

/// While other uploads hold the server's whole body budget, a new one is
/// turned away with 503 and `Retry-After`; once they finish it succeeds,
/// and every byte is given back.
#[actix_web::test]
async fn refuses_uploads_past_the_server_wide_body_budget() {
    let f = Fixture::new();
    let state = f.state_with(|s| {
        s.body_budget = server::http::body_budget::BodyBudget::new(200 * 1024);
    });
    let app = app(state.clone()).await;
    let mut others = state.body_budget.reserve();
    others.grow(190 * 1024).expect("room for the others");
    let shot = jpeg(2);
    assert!(shot.len() > 10 * 1024, "{} bytes", shot.len());
    let (status, body, headers) = call(&app, upload(&shot), IP).await;
    let expected = error(
        "SERVER_BUSY",
        "the server is receiving too many uploads at once; retry in a few seconds",
    );
    assert_eq!((status.as_u16(), body), (503, expected));
    assert_eq!(headers.get("retry-after").unwrap(), "5");
    drop(others);
    let (status, body, _) = call(&app, upload(&shot), IP).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(state.body_budget.held(), 0);
}

/// Posts a multipart search body with `Transfer-Encoding: chunked` and
/// no `Content-Length`.
async fn call_chunked<S, B>(app: &S, body: Vec<u8>) -> (u16, Value)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut req = search_request("", &[])
        .peer_addr(format!("{IP}:40000").parse().expect("ip"))
        .set_payload(body)
        .to_request();
    req.headers_mut().remove(header::CONTENT_LENGTH);
    req.headers_mut().insert(
        header::TRANSFER_ENCODING,
        header::HeaderValue::from_static("chunked"),
    );
    let res = test::call_service(app, req).await;
    let status = res.status().as_u16();
    let body = test::read_body(res).await;
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, json)
}
