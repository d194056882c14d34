//! `/api/apikeys`: create (the plaintext shown once), list and revoke the
//! signed-in user's API keys. Session only: a key cannot mint keys.

use super::extract::SessionUser;
use super::form::Fields;
use super::{AppState, accounts_db};
use crate::error::{ApiError, ErrorCode};
use accounts::CreatedKey;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SessionUser,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let title = Fields::parse(&req, &body)?.string("title")?;
    let user_id = user.0.user.id;
    let (key, info) = accounts_db(&state, move |conn, clock| {
        accounts::create_key(conn, clock, &user_id, &title)
    })
    .await?;
    Ok(HttpResponse::Created().json(CreatedKey::new(key, info)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageParams {
    page: Option<String>,
    page_size: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    user: SessionUser,
    q: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = number("page", q.page.as_deref(), 1)?;
    let page_size = number("pageSize", q.page_size.as_deref(), 20)?;
    let user_id = user.0.user.id;
    let listed = accounts_db(&state, move |conn, _| {
        accounts::list_keys(conn, &user_id, page, page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(listed))
}

pub async fn revoke(
    state: web::Data<AppState>,
    user: SessionUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, key_id) = (user.0.user.id, path.into_inner());
    accounts_db(&state, move |conn, clock| {
        accounts::revoke_key(conn, clock, &user_id, &key_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({"success": true})))
}

/// A page number or size; the range is checked by `accounts::list_keys`.
fn number(name: &str, raw: Option<&str>, default: u32) -> Result<u32, ApiError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|_| {
            ApiError::new(
                ErrorCode::ValidationError,
                format!("Invalid query parameters: {name} must be a positive integer, not {raw:?}"),
            )
        }),
    }
}
