//! Searches by URL against a real local HTTP server: allowed only with the
//! loopback flag, every redirect hop checked, failures told apart.

use crate::support::*;
use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

const IP: &str = "198.51.100.20";

/// A local image host shared by the URL tests, on its own thread.
fn image_host() -> SocketAddr {
    static HOST: OnceLock<SocketAddr> = OnceLock::new();
    *HOST.get_or_init(|| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                HttpServer::new(|| App::new().configure(host_routes))
                    .workers(1)
                    .listen(listener)
                    .expect("listen")
                    .run()
                    .await
            })
        });
        addr
    })
}

fn host_routes(cfg: &mut web::ServiceConfig) {
    let redirect = |to: String| {
        HttpResponse::Found()
            .insert_header(("location", to))
            .finish()
    };
    cfg.route(
        "/shot/{seed}",
        web::get().to(|seed: web::Path<u32>| async move {
            HttpResponse::Ok()
                .content_type("text/plain")
                .body(jpeg(*seed))
        }),
    )
    .route(
        "/notes.txt",
        web::get().to(|| async { HttpResponse::Ok().body("not a picture") }),
    )
    .route(
        "/hop/{n}/{seed}",
        web::get().to(move |p: web::Path<(u32, u32)>| async move {
            match *p {
                (0, seed) => redirect(format!("/shot/{seed}")),
                (n, seed) => redirect(format!("/hop/{}/{seed}", n - 1)),
            }
        }),
    )
    .route(
        "/to-private",
        web::get().to(move || async move { redirect("http://10.1.2.3/x.jpg".into()) }),
    )
    .route(
        "/to-metadata",
        web::get()
            .to(move || async move { redirect("http://169.254.169.254/latest/meta-data".into()) }),
    )
    .route(
        "/to-file",
        web::get().to(move || async move { redirect("file:///etc/passwd".into()) }),
    )
    .route(
        "/slow",
        web::get().to(|| async {
            actix_web::rt::time::sleep(Duration::from_secs(3)).await;
            HttpResponse::Ok().body(jpeg(1))
        }),
    )
    .route(
        "/big",
        web::get().to(|| async { HttpResponse::Ok().body(vec![0u8; 26 * 1024 * 1024]) }),
    );
}

fn by_url(url: &str) -> actix_web::test::TestRequest {
    search_request("", &[Part::Text("url", url)])
}

async fn search_url(loopback: bool, url: &str) -> (u16, Value) {
    let mut f = Fixture::new();
    f.config.allow_loopback_urls = loopback;
    let state = f.state_with(|s| s.fetcher.timeout = Duration::from_millis(700));
    let app = app(state).await;
    let (status, body, _) = call(&app, by_url(url), IP).await;
    (status.as_u16(), body)
}

#[actix_web::test]
async fn fetches_an_image_with_the_loopback_flag() {
    let url = format!("http://{}/shot/3", image_host());
    let (status, body) = search_url(true, &url).await;
    assert_eq!((status, masked(body)), (200, found(vec![hit(3, 1)])));
}

#[actix_web::test]
async fn takes_the_url_from_the_query_string_too() {
    let mut f = Fixture::new();
    f.config.allow_loopback_urls = true;
    let app = app(f.state()).await;
    let url = format!(
        "http%3A%2F%2Flocalhost%3A{}%2Fshot%2F4",
        image_host().port()
    );
    let req = actix_web::test::TestRequest::post().uri(&format!("/api/anime/search?url={url}"));
    let (status, body, _) = call(&app, req, IP).await;
    let body = masked(body);
    assert_eq!(status.as_u16(), 200, "{body}");
    // The picture's coloured blocks are rectangles a stream layout's video
    // could be: searched as such, one may come near another frame, but
    // never near enough to be confident.
    let results = body["result"].as_array().expect("results");
    assert_eq!(results.first(), Some(&hit(4, 1)), "{body}");
    let weak = |r: &Value| r["similarity"].as_f64().is_some_and(|s| s < 0.9);
    assert!(results[1..].iter().all(weak), "{body}");
}

#[actix_web::test]
async fn refuses_loopback_without_the_flag() {
    let addr = image_host();
    for url in [
        format!("http://{addr}/shot/3"),
        format!("http://localhost:{}/shot/3", addr.port()),
    ] {
        let (status, body) = search_url(false, &url).await;
        assert_eq!(
            (status, body["code"].clone()),
            (403, json!("URL_NOT_ALLOWED")),
            "{url}: {body}"
        );
    }
    let (status, body) = search_url(false, &format!("http://{addr}/shot/3")).await;
    let expected = error(
        "URL_NOT_ALLOWED",
        "the URL leads to 127.0.0.1, an internal address",
    );
    assert_eq!((status, body), (403, expected));
}

#[actix_web::test]
async fn refuses_private_addresses_directly_and_after_a_redirect() {
    let (status, body) = search_url(true, "http://192.168.0.10/x.jpg").await;
    let expected = error(
        "URL_NOT_ALLOWED",
        "the URL leads to 192.168.0.10, an internal address",
    );
    assert_eq!((status, body), (403, expected));
    let (status, body) = search_url(true, &format!("http://{}/to-private", image_host())).await;
    let expected = error(
        "URL_NOT_ALLOWED",
        "the URL leads to 10.1.2.3, an internal address",
    );
    assert_eq!((status, body), (403, expected));
    let (status, body) = search_url(true, &format!("http://{}/to-metadata", image_host())).await;
    let expected = error(
        "URL_NOT_ALLOWED",
        "the URL leads to 169.254.169.254, an internal address",
    );
    assert_eq!((status, body), (403, expected));
    let (status, body) = search_url(true, &format!("http://{}/to-file", image_host())).await;
    let expected = error(
        "URL_NOT_ALLOWED",
        "redirected to a file URL; only http and https are fetched",
    );
    assert_eq!((status, body), (403, expected));
}

#[actix_web::test]
async fn follows_three_redirects_but_not_four() {
    let (status, body) = search_url(true, &format!("http://{}/hop/2/2", image_host())).await;
    assert_eq!((status, masked(body)), (200, found(vec![hit(2, 1)])));
    let (status, body) = search_url(true, &format!("http://{}/hop/3/2", image_host())).await;
    let expected = error(
        "URL_FETCH_FAILED",
        "cannot fetch the URL: more than 3 redirects",
    );
    assert_eq!((status, body), (422, expected));
}

#[actix_web::test]
async fn refuses_urls_that_are_not_http() {
    let cases = [
        (
            "ftp://example.com/a.jpg",
            "only http and https URLs are accepted, not ftp:",
        ),
        (
            "file:///etc/passwd",
            "only http and https URLs are accepted, not file:",
        ),
        ("not a url", "not a valid URL: relative URL without a base"),
    ];
    for (url, message) in cases {
        let (status, body) = search_url(true, url).await;
        assert_eq!(
            (status, body),
            (400, error("INVALID_URL", message)),
            "{url}"
        );
    }
}

/// With one download slot, a second slow download waits for the first and
/// runs out of time; unbounded, both would be held at once.
#[actix_web::test]
async fn downloads_beyond_the_slots_wait_their_turn() {
    let host = image_host();
    let mut f = Fixture::new();
    f.config.allow_loopback_urls = true;
    let state = f.state_with(|s| {
        s.fetcher.timeout = Duration::from_millis(4_500);
        s.fetcher.slots = std::sync::Arc::new(tokio::sync::Semaphore::new(1));
    });
    let app = app(state).await;
    let url = format!("http://{host}/slow");
    let (first, second) = futures_util::join!(
        call(&app, by_url(&url), "198.51.100.21"),
        call(&app, by_url(&url), "198.51.100.22"),
    );
    let mut statuses = [first.0.as_u16(), second.0.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 422], "{} / {}", first.1, second.1);
}

#[actix_web::test]
async fn tells_fetch_failures_apart() {
    let host = image_host();
    let (status, body) = search_url(true, &format!("http://{host}/missing")).await;
    let expected = error(
        "URL_FETCH_FAILED",
        "cannot fetch the URL: the server answered 404 Not Found",
    );
    assert_eq!((status, body), (422, expected));
    let (status, body) = search_url(true, &format!("http://{host}/slow")).await;
    let expected = error(
        "URL_FETCH_FAILED",
        "cannot fetch the URL: timed out after 700ms",
    );
    assert_eq!((status, body), (422, expected));
    let (status, body) = search_url(true, &format!("http://{host}/big")).await;
    let expected = error(
        "IMAGE_TOO_LARGE",
        "the image at the URL is larger than 25 MB",
    );
    assert_eq!((status, body), (413, expected));
    let (status, body) = search_url(true, &format!("http://{host}/notes.txt")).await;
    let expected = error(
        "INVALID_IMAGE",
        "the image could not be decoded: not a JPEG, PNG, WebP or GIF image",
    );
    assert_eq!((status, body), (400, expected));
}
