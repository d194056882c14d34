//! `GET /api/health`: is an index loaded, which one, is a newer file on
//! disk being refused, and is the database still the file the server
//! opened, writable, with room (503 when not: searches and accounts would
//! fail or be lost, so a load balancer should stop sending requests).

use super::AppState;
use actix_web::{HttpResponse, web};
use serde_json::json;

pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let problem = state.index.public_problem();
    let index = match state.index.current() {
        Some(index) => {
            let h = index.header();
            json!({
                "loaded": true,
                "frames": h.frame_count,
                "anime": h.anime_count,
                "videos": h.video_count,
                "builtAt": crate::clock::iso8601(h.built_at * 1000),
                "toolVersion": h.tool_version,
                "problem": problem,
            })
        }
        None => json!({"loaded": false, "problem": problem}),
    };
    let store = state.store.clone();
    let database = web::block(move || store.problem())
        .await
        .unwrap_or_else(|e| Some(e.to_string()));
    let (mut response, status) = match (&database, &problem) {
        (Some(_), _) => (HttpResponse::ServiceUnavailable(), "failing"),
        (None, Some(_)) => (HttpResponse::Ok(), "degraded"),
        (None, None) => (HttpResponse::Ok(), "ok"),
    };
    response.json(json!({
        "status": status,
        "version": env!("CARGO_PKG_VERSION"),
        "index": index,
        "database": {"ok": database.is_none(), "problem": database},
    }))
}
