//! `GET /api/user/anime-credits`: the signed-in user's free credits today,
//! purchased credits and use of the hourly limit.

use super::extract::SessionUser;
use super::{AppState, accounts_db};
use crate::error::ApiError;
use actix_web::{HttpResponse, web};

pub async fn anime_credits(
    state: web::Data<AppState>,
    user: SessionUser,
) -> Result<HttpResponse, ApiError> {
    let user_id = user.0.user.id;
    let summary = accounts_db(&state, move |conn, clock| {
        accounts::credits_summary(conn, clock, &user_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(summary))
}
