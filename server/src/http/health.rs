//! `GET /api/health`: is an index loaded, which one, and is a newer file on
//! disk being refused.

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
    let status = if problem.is_none() { "ok" } else { "degraded" };
    HttpResponse::Ok().json(json!({
        "status": status,
        "version": env!("CARGO_PKG_VERSION"),
        "index": index,
    }))
}
