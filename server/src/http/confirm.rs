//! `POST /api/anime/searches/{searchId}/confirm`: the caller who searched
//! says which result was right and whether it may be shown publicly.

use super::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::store::searches::{self, ConfirmError, Confirmation};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmBody {
    result_index: serde_json::Value,
    #[serde(default)]
    public: bool,
}

pub async fn confirm(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<ConfirmBody>,
) -> Result<HttpResponse, ApiError> {
    let search_id = path.into_inner();
    let result_index = body.result_index.as_u64().ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidResultIndex,
            "resultIndex must be a non-negative integer",
        )
    })? as usize;
    let c = Confirmation {
        result_index,
        public: body.public,
        at_ms: state.clock.now_ms(),
    };
    let store = state.store.clone();
    let id = search_id.clone();
    web::block(move || searches::confirm(&store.get(), &id, &caller, c))
        .await?
        .map_err(confirm_error)?;
    Ok(HttpResponse::Ok().json(json!({
        "searchId": search_id,
        "resultIndex": result_index,
        "public": c.public,
        "confirmedAt": crate::clock::iso8601(c.at_ms),
    })))
}

fn confirm_error(e: ConfirmError) -> ApiError {
    match e {
        ConfirmError::NotFound => {
            ApiError::new(ErrorCode::SearchNotFound, "no search with this id")
        }
        ConfirmError::NotYours => ApiError::new(
            ErrorCode::NotYourSearch,
            "only the caller who made a search can confirm it",
        ),
        ConfirmError::BadIndex { count } => ApiError::new(
            ErrorCode::InvalidResultIndex,
            match count {
                0 => "the search has no results to confirm".to_string(),
                n => format!("resultIndex must be from 0 to {}", n - 1),
            },
        ),
        ConfirmError::Store(e) => e.into(),
    }
}
