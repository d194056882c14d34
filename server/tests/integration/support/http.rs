//! Calls to the app in-process: `(status, json, headers)` answers,
//! multipart search requests, and the checks every answer shares.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};
use actix_web::web;
use serde_json::Value;
use server::{AppState, create_app};

/// The app in-process, with the real routes and middleware.
pub async fn app(
    state: web::Data<AppState>,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(create_app(state)).await
}

/// Sends `req` from `ip` and returns status, JSON body and headers.
pub async fn call<S, B>(app: &S, req: TestRequest, ip: &str) -> (StatusCode, Value, HeaderMap)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let req = req
        .peer_addr(format!("{ip}:40000").parse().expect("ip"))
        .to_request();
    let res = test::call_service(app, req).await;
    let (status, headers) = (res.status(), res.headers().clone());
    let body = test::read_body(res).await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&body)));
    (status, json, headers)
}

pub const BOUNDARY: &str = "----testboundary7MA4YWxkTrZu0gW";

/// One part of a multipart form.
pub enum Part<'a> {
    File(&'a str, &'a str, &'a [u8]),
    Text(&'a str, &'a str),
}

pub fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::File(name, filename, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                        .as_bytes(),
                );
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// `POST /api/anime/search` + `query` with a multipart body of `parts`.
pub fn search_request(query: &str, parts: &[Part]) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/anime/search{query}"))
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .set_payload(multipart(parts))
}

/// Uploads `bytes` as the image from `ip`.
pub fn upload(bytes: &[u8]) -> TestRequest {
    search_request("", &[Part::File("image", "shot.jpg", bytes)])
}

/// Replaces the random `searchId` by "*" after checking its form.
pub fn masked(mut json: Value) -> Value {
    let id = json["searchId"].as_str().expect("searchId").to_string();
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.bytes().all(|c| c.is_ascii_hexdigit()), "{id}");
    json["searchId"] = Value::from("*");
    json
}

pub fn error(code: &str, message: &str) -> Value {
    serde_json::json!({"code": code, "message": message})
}
