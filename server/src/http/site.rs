//! The web site: one HTML page for every page route (the script shows the
//! view of the path), its script and its style sheet, compiled into the
//! binary so that the server needs no files beside it and makes no
//! third-party request. Each answer has an `ETag` (a hash of the file) and
//! `Cache-Control: no-cache`, so a browser asks again but downloads only
//! what changed.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use std::sync::LazyLock;

/// The paths that answer with the page.
pub const PAGES: [&str; 5] = ["/", "/rankings", "/recent", "/account", "/api-docs"];

struct Asset {
    body: &'static str,
    content_type: &'static str,
    etag: String,
}

impl Asset {
    fn new(body: &'static str, content_type: &'static str) -> Asset {
        let d = ring::digest::digest(&ring::digest::SHA256, body.as_bytes());
        let hex: String = d.as_ref()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Asset {
            body,
            content_type,
            etag: format!("\"{hex}\""),
        }
    }

    fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let fresh = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|tag| tag.trim() == self.etag));
        let mut response = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response
            .insert_header((header::ETAG, self.etag.as_str()))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header(("x-content-type-options", "nosniff"));
        if fresh {
            return response.finish();
        }
        response.content_type(self.content_type).body(self.body)
    }
}

static PAGE: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_str!("../../site/index.html"),
        "text/html; charset=utf-8",
    )
});
static SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_str!("../../site/app.js"),
        "text/javascript; charset=utf-8",
    )
});
static STYLE: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_str!("../../site/style.css"),
        "text/css; charset=utf-8",
    )
});

pub async fn page(req: HttpRequest) -> HttpResponse {
    let mut response = PAGE.respond(&req);
    // The page may not be framed by another site (clickjacking).
    response.headers_mut().insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    response
}

pub async fn asset(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
    match name.as_str() {
        "app.js" => SCRIPT.respond(&req),
        "style.css" => STYLE.respond(&req),
        _ => super::not_found(req).await,
    }
}
