//! `POST /api/anime/search` with uploads: formats, parameters, errors.

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::json;

const IP: &str = "203.0.113.7";

#[actix_web::test]
async fn finds_an_uploaded_jpeg() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (status, body, _) = call(&app, upload(&jpeg(2)), IP).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(masked(body), found(vec![hit(2, 1)]));
}

#[actix_web::test]
async fn finds_png_webp_and_a_downscaled_jpeg() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let png = encode(&frame(5), image::ImageFormat::Png);
    let (status, body, _) = call(&app, upload(&png), IP).await;
    assert_eq!(
        (status.as_u16(), masked(body)),
        (200, found(vec![hit(5, 1)]))
    );
    let webp = encode(&frame(3), image::ImageFormat::WebP);
    let (status, body, _) = call(&app, upload(&webp), IP).await;
    assert_eq!(
        (status.as_u16(), masked(body)),
        (200, found(vec![hit(3, 1)]))
    );
    let small = image::imageops::resize(&frame(4), 320, 180, image::imageops::Triangle);
    let small = encode(&small, image::ImageFormat::Jpeg);
    let (status, body, _) = call(&app, upload(&small), IP).await;
    assert_eq!(status, 200);
    assert_eq!(masked(body)["result"][0]["at"], json!(30.0));
}

#[actix_web::test]
async fn searches_the_first_frame_of_a_gif() {
    use image::codecs::gif::GifEncoder;
    let frames = [frame(6), frame(1)]
        .map(|p| image::Frame::new(image::DynamicImage::ImageRgb8(p).to_rgba8()));
    let mut gif = Vec::new();
    GifEncoder::new(&mut gif)
        .encode_frames(frames)
        .expect("gif");
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (status, body, _) = call(&app, upload(&gif), IP).await;
    assert_eq!(status, 200, "{body}");
    let body = masked(body);
    assert_eq!(body["result"][0]["anime"]["id"], json!(2), "{body}");
    assert_eq!(body["result"][0]["at"], json!(10.0), "{body}");
}

#[actix_web::test]
async fn accepts_a_raw_image_body() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let req = TestRequest::post()
        .uri("/api/anime/search")
        .insert_header(("content-type", "image/jpeg"))
        .set_payload(jpeg(1));
    let (status, body, _) = call(&app, req, IP).await;
    assert_eq!(
        (status.as_u16(), masked(body)),
        (200, found(vec![hit(1, 1)]))
    );
}

#[actix_web::test]
async fn filters_by_anilist_id_from_query_or_form() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let shot = jpeg(2);
    let req = search_request("?anilistId=202", &[Part::File("image", "a.jpg", &shot)]);
    let (status, body, _) = call(&app, req, IP).await;
    assert_eq!((status.as_u16(), masked(body)), (200, found(vec![])));
    let parts = [
        Part::Text("anilistId", "101"),
        Part::File("image", "a.jpg", &shot),
    ];
    let (status, body, _) = call(&app, search_request("?anilistId=202", &parts), IP).await;
    assert_eq!(
        (status.as_u16(), masked(body)),
        (200, found(vec![hit(2, 1)]))
    );
}

#[actix_web::test]
async fn honours_limit_and_cut_borders() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let shot = jpeg(3);
    let parts = [
        Part::Text("limit", "1"),
        Part::Text("cutBorders", "false"),
        Part::File("image", "a.jpg", &shot),
    ];
    let (status, body, _) = call(&app, search_request("", &parts), IP).await;
    assert_eq!(
        (status.as_u16(), masked(body)),
        (200, found(vec![hit(3, 1)]))
    );
}

#[actix_web::test]
async fn refuses_bad_parameters() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let shot = jpeg(1);
    let limit = |v: &str| {
        error(
            "INVALID_LIMIT",
            &format!("limit must be an integer from 1 to 5, not {v:?}"),
        )
    };
    let anilist = |v: &str| {
        error(
            "INVALID_ANILIST_ID",
            &format!("anilistId must be an integer from 1 to 4294967295, not {v:?}"),
        )
    };
    let cases = [
        ("?limit=0", limit("0")),
        ("?limit=6", limit("6")),
        ("?limit=many", limit("many")),
        ("?anilistId=0", anilist("0")),
        ("?anilistId=-3", anilist("-3")),
        (
            "?cutBorders=maybe",
            error(
                "INVALID_PARAMETER",
                "cutBorders must be true or false, not \"maybe\"",
            ),
        ),
    ];
    for (query, expected) in cases {
        let req = search_request(query, &[Part::File("image", "a.jpg", &shot)]);
        let (status, body, _) = call(&app, req, IP).await;
        assert_eq!((status.as_u16(), body), (400, expected), "{query}");
    }
    let parts = [
        Part::Text("limit", "9"),
        Part::File("image", "a.jpg", &shot),
    ];
    let (status, body, _) = call(&app, search_request("", &parts), IP).await;
    assert_eq!((status.as_u16(), body), (400, limit("9")));
}

#[actix_web::test]
async fn refuses_a_request_without_image_or_url() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let expected = error(
        "MISSING_IMAGE",
        "send an image file in the multipart field \"image\" or an image URL in \"url\"",
    );
    let empty_file = search_request("", &[Part::File("image", "", b""), Part::Text("url", "")]);
    let requests = [
        TestRequest::post().uri("/api/anime/search"),
        search_request("", &[Part::Text("limit", "2")]),
        empty_file,
    ];
    for req in requests {
        let (status, body, _) = call(&app, req, IP).await;
        assert_eq!((status.as_u16(), body), (400, expected.clone()));
    }
}

#[actix_web::test]
async fn refuses_a_text_file_posted_as_an_image() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (status, body, _) = call(&app, upload(b"just some notes, not a picture\n"), IP).await;
    let expected = error(
        "INVALID_IMAGE",
        "the image could not be decoded: not a JPEG, PNG, WebP or GIF image",
    );
    assert_eq!((status.as_u16(), body), (400, expected));
}

#[actix_web::test]
async fn refuses_a_truncated_png() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let png = encode(&frame(1), image::ImageFormat::Png);
    let (status, body, _) = call(&app, upload(&png[..100]), IP).await;
    assert_eq!(
        (status.as_u16(), body["code"].clone()),
        (400, json!("INVALID_IMAGE")),
        "{body}"
    );
}

#[actix_web::test]
async fn refuses_a_30_mb_body() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let big = vec![0xffu8; 30 * 1024 * 1024];
    let (status, body, _) = call(&app, upload(&big), IP).await;
    let expected = error("IMAGE_TOO_LARGE", "the image is larger than 25 MB");
    assert_eq!((status.as_u16(), body), (413, expected));
}

#[actix_web::test]
async fn refuses_a_png_bomb_without_decoding_it() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let bomb = png_bomb(20_000, 20_000);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let started = std::time::Instant::now();
    let (status, body, _) = call(&app, upload(&bomb), IP).await;
    assert_eq!(
        (status.as_u16(), body["code"].clone()),
        (413, json!("IMAGE_TOO_LARGE")),
        "{body}"
    );
    assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
}

/// A valid PNG declaring `w`x`h` grey pixels whose zlib stream of zeros
/// would inflate to `w`x`h` bytes.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    use flate2::{Compression, write::ZlibEncoder};
    use std::io::Write;
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    let row = vec![0u8; w as usize + 1];
    for _ in 0..h {
        z.write_all(&row).expect("deflate");
    }
    let idat = z.finish().expect("deflate");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (b"IHDR", &ihdr[..]),
        (b"IDAT", &idat[..]),
        (b"IEND", &[][..]),
    ] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    png
}

#[actix_web::test]
async fn answers_503_until_an_index_exists() {
    let f = Fixture::without_index();
    let app = app(f.state()).await;
    let (status, body, headers) = call(&app, upload(&jpeg(1)), IP).await;
    let expected = error(
        "INDEX_UNAVAILABLE",
        "no index is loaded yet; build one with `indexer build` and retry",
    );
    assert_eq!((status.as_u16(), body), (503, expected));
    assert_eq!(headers.get("retry-after").unwrap(), "5");
}

#[actix_web::test]
async fn answers_unknown_routes_and_methods_in_json() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (status, body, _) = call(&app, TestRequest::get().uri("/api/anime/search"), IP).await;
    let expected = error(
        "METHOD_NOT_ALLOWED",
        "GET is not allowed on /api/anime/search",
    );
    assert_eq!((status.as_u16(), body), (405, expected));
    let (status, body, _) = call(&app, TestRequest::get().uri("/api/nothing"), IP).await;
    assert_eq!(
        (status.as_u16(), body),
        (404, error("NOT_FOUND", "no such endpoint: /api/nothing"))
    );
}

/// Undecodable images cost the server a decode each: after 20 such
/// failures in 10 minutes a caller's searches are refused until the
/// window ends; other callers are not affected.
#[actix_web::test]
async fn refuses_a_caller_whose_searches_keep_failing() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let junk = b"\xff\xd8\xff\xe0 not really a jpeg".repeat(10);
    for _ in 0..20 {
        let (status, body, _) = call(&app, upload(&junk), IP).await;
        assert_eq!(
            (status.as_u16(), body["code"].clone()),
            (400, json!("INVALID_IMAGE"))
        );
    }
    let (status, body, headers) = call(&app, upload(&jpeg(1)), IP).await;
    let expected = error(
        "TOO_MANY_REQUESTS",
        "20 searches in 10 minutes failed on an image that could not be fetched or decoded; retry in 600 s",
    );
    assert_eq!((status.as_u16(), body), (429, expected));
    assert_eq!(headers.get("retry-after").unwrap(), "600");
    let (status, _, _) = call(&app, upload(&jpeg(1)), "198.51.100.20").await;
    assert_eq!(status, 200);
    f.clock.advance_ms(600_000);
    let (status, body, _) = call(&app, upload(&jpeg(1)), IP).await;
    assert_eq!(status, 200, "{body}");
}
