//! The public lists: `GET /api/anime/recent-searches` and
//! `GET /api/anime/rankings`. No authentication, no personal data.

use super::AppState;
use super::params::{boolean, integer};
use crate::error::{ApiError, ErrorCode};
use crate::store::lists::{self, RankingQuery};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct RecentParams {
    limit: Option<String>,
    offset: Option<String>,
}

pub async fn recent(
    state: web::Data<AppState>,
    q: web::Query<RecentParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = integer(
        ErrorCode::InvalidLimit,
        "limit",
        q.limit.as_deref(),
        1..=100,
        20,
    )?;
    let offset = integer(
        ErrorCode::InvalidOffset,
        "offset",
        q.offset.as_deref(),
        0..=1_000_000_000,
        0,
    )?;
    let store = state.store.clone();
    let items = web::block(move || lists::recent(&store.get(), limit as u32, offset)).await??;
    Ok(HttpResponse::Ok().json(json!({"items": items, "limit": limit, "offset": offset})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RankingParams {
    period: Option<String>,
    limit: Option<String>,
    include_adult: Option<String>,
}

/// The ranking periods, each a window ending now.
const PERIODS: [(&str, i64); 5] = [
    ("daily", 1),
    ("weekly", 7),
    ("monthly", 30),
    ("yearly", 365),
    ("all", 0),
];

pub async fn rankings(
    state: web::Data<AppState>,
    q: web::Query<RankingParams>,
) -> Result<HttpResponse, ApiError> {
    let period = q.period.as_deref().unwrap_or("all");
    let days = PERIODS
        .iter()
        .find(|(name, _)| *name == period)
        .map(|&(_, days)| days)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidPeriod,
                format!(
                    "period must be one of daily, weekly, monthly, yearly, all, not {period:?}"
                ),
            )
        })?;
    let limit = integer(
        ErrorCode::InvalidLimit,
        "limit",
        q.limit.as_deref(),
        1..=100,
        50,
    )?;
    let include_adult = boolean("includeAdult", q.include_adult.as_deref(), false)?;
    let since_ms = match days {
        0 => i64::MIN,
        d => state.clock.now_ms() - d * crate::clock::DAY_MS,
    };
    let query = RankingQuery {
        since_ms,
        limit: limit as u32,
        include_adult,
    };
    let store = state.store.clone();
    let items = web::block(move || lists::rankings(&store.get(), query)).await??;
    Ok(HttpResponse::Ok().json(json!({"period": period, "items": items})))
}
