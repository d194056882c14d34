//! trace.moe's response bodies and headers: a search answer
//! `{frameCount, error, result, quota, quotaUsed}`, `/me`, and errors as
//! `{"error": message}` with trace.moe's status for each of our codes.

use crate::error::ApiError;
use crate::store::quota::Allowance;
use crate::store::searches::NewSearch;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use serde_json::json;
use shared::index::{ArchivedAnime, Titles};
use shared::{Index, SearchHit};

/// One result as trace.moe shapes it.
#[derive(Debug, Serialize)]
struct Hit {
    anilist: Anilist,
    filename: String,
    episode: Option<u32>,
    duration: f64,
    from: f64,
    to: f64,
    at: f64,
    similarity: f64,
    /// Preview URLs: empty when the server runs without `--library`.
    video: String,
    image: String,
}

/// The AniList id, or with `anilistInfo` the anime's details. trace.moe
/// clients parse the id as a number, never `null`: an anime whose
/// `anime.json` gives no AniList id is `0`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Anilist {
    Id(u32),
    Info(AnilistInfo),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AnilistInfo {
    id: u32,
    id_mal: Option<u32>,
    title: Titles,
    synonyms: Vec<String>,
    is_adult: bool,
}

/// 200 with the search's answers; `links` are each answer's preview
/// URLs (image, video), if the server has previews.
pub fn found(
    search: &NewSearch,
    links: &[Option<(String, String)>],
    index: Option<&Index>,
    anilist_info: bool,
    allowance: Option<Allowance>,
) -> HttpResponse {
    let result: Vec<Hit> = search
        .results
        .iter()
        .zip(links.iter().chain(std::iter::repeat(&None)))
        .map(|(hit, links)| shape(hit, links, index.filter(|_| anilist_info)))
        .collect();
    let mut response = HttpResponse::Ok();
    let mut body = json!({
        "frameCount": search.frame_count,
        "error": "",
        "result": result,
    });
    if let Some(a) = allowance {
        rate_limit_headers(&mut response, &a);
        body["quota"] = a.quota.into();
        body["quotaUsed"] = a.used.into();
    }
    response.json(body)
}

fn shape(hit: &SearchHit, links: &Option<(String, String)>, index: Option<&Index>) -> Hit {
    let (image, video) = links.clone().unwrap_or_default();
    let anime = index.and_then(|i| i.anime().iter().find(|a| a.id.to_native() == hit.anime.id));
    Hit {
        anilist: match anime {
            Some(anime) => Anilist::Info(info(anime)),
            None => Anilist::Id(hit.anilist.unwrap_or(0)),
        },
        filename: hit.filename.clone(),
        episode: hit.episode,
        duration: hit.duration,
        from: hit.from,
        to: hit.to,
        at: hit.at,
        similarity: hit.similarity,
        video,
        image,
    }
}

/// `anime.json`'s AniList titles; a plain title stands as the romaji one.
fn info(anime: &ArchivedAnime) -> AnilistInfo {
    let anime = anime.to_owned();
    let title = match anime.titles {
        Titles {
            native: None,
            romaji: None,
            english: None,
        } => Titles {
            romaji: Some(anime.title),
            ..Titles::default()
        },
        titles => titles,
    };
    AnilistInfo {
        id: anime.anilist_id.unwrap_or(0),
        id_mal: anime.mal_id,
        title,
        synonyms: anime.synonyms,
        is_adult: anime.is_adult,
    }
}

/// `GET /me`.
pub fn me(id: String, concurrency: usize, allowance: Allowance) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    rate_limit_headers(&mut response, &allowance);
    response.json(json!({
        "id": id,
        "priority": 0,
        "concurrency": concurrency,
        "quota": allowance.quota,
        "quotaUsed": allowance.used,
    }))
}

/// An error as trace.moe answers it: its status, `{"error": message}`,
/// and for a spent quota also `quota` and `quotaUsed`.
pub fn error(e: &ApiError, allowance: Option<Allowance>) -> HttpResponse {
    let status = e.code.tracemoe_status();
    let mut response = HttpResponseBuilder::new(status);
    if let Some(seconds) = e.retry_after {
        response.insert_header(("retry-after", seconds));
    }
    let mut body = json!({ "error": e.message });
    if let Some(a) = allowance {
        rate_limit_headers(&mut response, &a);
        if status == StatusCode::PAYMENT_REQUIRED {
            body["quota"] = a.quota.into();
            body["quotaUsed"] = a.used.into();
            body["error"] = format!(
                "Search quota depleted (quota per 24 hours: {}, used: {})",
                a.quota, a.used
            )
            .into();
        }
    }
    response.json(body)
}

/// `x-ratelimit-limit`, `-remaining` and `-reset` (unix seconds) from the
/// caller's daily allowance.
fn rate_limit_headers(response: &mut HttpResponseBuilder, a: &Allowance) {
    response.insert_header(("x-ratelimit-limit", a.quota));
    response.insert_header(("x-ratelimit-remaining", a.remaining()));
    response.insert_header(("x-ratelimit-reset", a.resets_at_ms.div_euclid(1000)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn errors_take_tracemoe_statuses_and_bodies() {
        let e = ApiError::new(ErrorCode::InvalidApiKey, "Invalid API key.");
        let response = error(&e, None);
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let spent = Allowance {
            quota: 10,
            used: 10,
            resets_at_ms: 86_400_000,
        };
        let e = ApiError::new(ErrorCode::GuestQuotaExceeded, "spent");
        let response = error(&e, Some(spent));
        assert_eq!(response.status(), StatusCode::PAYMENT_REQUIRED);
        let headers = response.headers();
        assert_eq!(headers.get("x-ratelimit-remaining").unwrap(), "0");
        assert_eq!(headers.get("x-ratelimit-reset").unwrap(), "86400");
    }
}
