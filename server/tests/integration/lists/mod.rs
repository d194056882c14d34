//! Confirming searches, and the public lists they feed: recent confirmed
//! public searches and the rankings by period. Helpers here; one module per
//! subject.

mod confirm;
mod rankings;
mod recent;

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::{Value, json};
use server::store::quota::QuotaPolicy;
use server::store::searches::{NewSearch, record};
use shared::{AnimeRef, SearchHit};

const ME: &str = "192.0.2.10";

async fn search_id<S, B>(app: &S, seed: u32) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (status, body, _) = call(app, upload(&jpeg(seed)), ME).await;
    assert_eq!(status, 200, "{body}");
    body["searchId"].as_str().unwrap().to_string()
}

fn confirm(id: &str, body: Value) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/anime/searches/{id}/confirm"))
        .set_json(body)
}
