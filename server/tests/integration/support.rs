//! Shared test fixtures: synthetic pictures, a small index built from them,
//! the app in-process, multipart bodies, and `(status, json)` helpers.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};
use actix_web::web;
use serde_json::Value;
use server::clock::{Clock, ManualClock, SystemClock};
use server::{AppState, Config, create_app};
use shared::index::{Anime, Video, write_atomically};
use shared::{Gray, IndexBuilder};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

/// When the fixture index claims to have been built.
pub const BUILT_AT: i64 = 1_700_000_000;

/// A structured picture: a gradient under `seed`-placed blocks and a ring,
/// distinct enough per seed that descriptors differ widely.
pub fn picture(seed: u32, width: u32, height: u32) -> image::RgbImage {
    let mut rng = seed.wrapping_mul(2_654_435_761).wrapping_add(12_345);
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        rng
    };
    let blocks: Vec<[u32; 7]> = (0..12)
        .map(|_| {
            let [x, y] = [next() % width, next() % height];
            let [w, h] = [
                width / 8 + next() % (width / 3),
                height / 8 + next() % (height / 3),
            ];
            [x, y, w, h, next() % 256, next() % 256, next() % 256]
        })
        .collect();
    let (cx, cy, r) = (
        next() % width,
        next() % height,
        height / 6 + next() % (height / 4),
    );
    image::RgbImage::from_fn(width, height, |x, y| {
        let mut px = [(x * 255 / width) as u8, (y * 255 / height) as u8, 128];
        for b in &blocks {
            if x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3] {
                px = [b[4] as u8, b[5] as u8, b[6] as u8];
            }
        }
        let d = ((x as i64 - cx as i64).pow(2) + (y as i64 - cy as i64).pow(2)) as f64;
        if (d.sqrt() - r as f64).abs() < 6.0 {
            px = [250, 250, 250];
        }
        image::Rgb(px)
    })
}

/// Picture `seed` at 640x360, drawn once per test run.
pub fn frame(seed: u32) -> image::RgbImage {
    static CACHE: OnceLock<Mutex<HashMap<u32, image::RgbImage>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    cache
        .entry(seed)
        .or_insert_with(|| picture(seed, 640, 360))
        .clone()
}

pub fn code_of(seed: u32) -> shared::FrameCode {
    static CODES: OnceLock<Mutex<HashMap<u32, shared::FrameCode>>> = OnceLock::new();
    let codes = CODES.get_or_init(Default::default);
    let known = codes
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&seed)
        .copied();
    known.unwrap_or_else(|| {
        let code = shared::descriptor::frame_descriptor(&Gray::from_rgb(&frame(seed))).code;
        codes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(seed, code);
        code
    })
}

pub fn anime(id: u32, title: &str, anilist: u32, adult: bool) -> Anime {
    Anime {
        id,
        folder: title.to_string(),
        title: title.to_string(),
        anilist_id: Some(anilist),
        is_adult: adult,
        synonyms: vec![],
    }
}

pub fn video(path: &str, anime: u32, episode: u32) -> Video {
    Video {
        path: path.to_string(),
        anime,
        episode: Some(episode),
        duration_ms: 40_000,
        size: 1,
        mtime_ns: 0,
        first_frame: 0,
        frame_count: 0,
    }
}

/// The fixture index: "Alpha" episode `episode` shows pictures 1..=4 at
/// 0, 10, 20, 30 s; "Bravo" (adult) episode 1 shows pictures 5 and 6.
pub fn write_index(path: &Path, episode: u32) {
    let mut b = IndexBuilder::new();
    let alpha = b.add_anime(anime(1, "Alpha", 101, false));
    let bravo = b.add_anime(anime(2, "Bravo", 202, true));
    let frames = |seeds: &[u32]| -> Vec<(shared::FrameCode, u32)> {
        seeds
            .iter()
            .zip((0..).step_by(10_000))
            .map(|(&s, t)| (code_of(s), t))
            .collect()
    };
    let name = format!("Alpha/Alpha - {episode:02}.mkv");
    b.add_video(video(&name, alpha, episode), &frames(&[1, 2, 3, 4]));
    b.add_video(video("Bravo/Bravo - 01.mkv", bravo, 1), &frames(&[5, 6]));
    write_atomically(path, &b.finish(), "test-1", BUILT_AT).expect("index written");
}

pub fn jpeg(seed: u32) -> Vec<u8> {
    encode(&frame(seed), image::ImageFormat::Jpeg)
}

pub fn encode(img: &image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encoded");
    out.into_inner()
}

/// The secret the fixtures sign cookies with.
pub const SECRET: &str = "test-secret-0123456789-abcdefghijklmnop";
/// The origin the fixtures trust for cookie-authenticated requests.
pub const ORIGIN: &str = "http://localhost:3000";
/// PBKDF2 rounds in tests: enough to exercise the code, fast to run.
pub const TEST_ITERATIONS: u32 = 1_000;

/// A temporary folder with the fixture index and a fresh database.
pub struct Fixture {
    /// Kept so the folder lives as long as the fixture.
    pub _dir: tempfile::TempDir,
    pub config: Config,
    /// The server's clock; starts at the real time, moves when told to.
    pub clock: Arc<ManualClock>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let f = Fixture::without_index();
        write_index(&f.config.index, 1);
        f
    }

    pub fn without_index() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_dir(dir.path());
        config.secret = Some(SECRET.into());
        config.trusted_origins = vec![ORIGIN.into()];
        config.pbkdf2_iterations = TEST_ITERATIONS;
        let clock = Arc::new(ManualClock::new(SystemClock.now_ms()));
        Fixture {
            _dir: dir,
            config,
            clock,
        }
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state_with(|_| ())
    }

    /// The state, adjusted by `tweak` before it is shared.
    pub fn state_with(&self, tweak: impl FnOnce(&mut AppState)) -> web::Data<AppState> {
        let mut state = AppState::open(&self.config, self.clock.clone()).expect("state opens");
        tweak(&mut state);
        web::Data::new(state)
    }
}

/// The app in-process, with the real routes and middleware.
pub async fn app(
    state: web::Data<AppState>,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(create_app(state)).await
}

/// Sends `req` from `ip` and returns status, JSON body and headers.
pub async fn call<S, B>(app: &S, req: TestRequest, ip: &str) -> (StatusCode, Value, HeaderMap)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let req = req
        .peer_addr(format!("{ip}:40000").parse().expect("ip"))
        .to_request();
    let res = test::call_service(app, req).await;
    let (status, headers) = (res.status(), res.headers().clone());
    let body = test::read_body(res).await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&body)));
    (status, json, headers)
}

pub const BOUNDARY: &str = "----testboundary7MA4YWxkTrZu0gW";

/// One part of a multipart form.
pub enum Part<'a> {
    File(&'a str, &'a str, &'a [u8]),
    Text(&'a str, &'a str),
}

pub fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::File(name, filename, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                        .as_bytes(),
                );
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// `POST /api/anime/search` + `query` with a multipart body of `parts`.
pub fn search_request(query: &str, parts: &[Part]) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/anime/search{query}"))
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .set_payload(multipart(parts))
}

/// Uploads `bytes` as the image from `ip`.
pub fn upload(bytes: &[u8]) -> TestRequest {
    search_request("", &[Part::File("image", "shot.jpg", bytes)])
}

/// Replaces the random `searchId` by "*" after checking its form.
pub fn masked(mut json: Value) -> Value {
    let id = json["searchId"].as_str().expect("searchId").to_string();
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.bytes().all(|c| c.is_ascii_hexdigit()), "{id}");
    json["searchId"] = Value::from("*");
    json
}

pub fn error(code: &str, message: &str) -> Value {
    serde_json::json!({"code": code, "message": message})
}

/// The answer the fixture index gives for picture `seed` (1..=6), found
/// exactly, in Alpha episode `episode` (Bravo for 5 and 6).
pub fn hit(seed: u32, episode: u32) -> Value {
    let (anime, file, ep, k) = match seed {
        1..=4 => (
            serde_json::json!({"id": 1, "title": "Alpha", "anilistId": 101, "isAdult": false}),
            format!("Alpha - {episode:02}.mkv"),
            episode,
            seed - 1,
        ),
        _ => (
            serde_json::json!({"id": 2, "title": "Bravo", "anilistId": 202, "isAdult": true}),
            "Bravo - 01.mkv".to_string(),
            1,
            seed - 5,
        ),
    };
    let at = k as f64 * 10.0;
    serde_json::json!({
        "anime": anime,
        "anilist": anime["anilistId"],
        "filename": file,
        "episode": ep,
        "from": at,
        "to": at + 10.0,
        "at": at,
        "duration": 40.0,
        "similarity": 1.0,
    })
}

/// The whole body of a search that found exactly `hits`, id masked.
pub fn found(hits: Vec<Value>) -> Value {
    serde_json::json!({"searchId": "*", "frameCount": 6, "result": hits})
}

/// 2026-03-10T12:00:00.000Z: where account tests put the clock.
pub const T0: i64 = 1_773_144_000_000;
pub const PASSWORD: &str = "correct horse battery";

/// A JSON POST.
pub fn post_json(uri: &str, body: Value) -> TestRequest {
    TestRequest::post().uri(uri).set_json(body)
}

/// Adds a session cookie (`name=value`) and the trusted Origin.
pub fn with_session(req: TestRequest, cookie: &str) -> TestRequest {
    req.insert_header(("cookie", cookie.to_string()))
        .insert_header(("origin", ORIGIN))
}

/// The one `Set-Cookie` header of a response, if any.
pub fn set_cookie(headers: &HeaderMap) -> Option<String> {
    let all: Vec<_> = headers.get_all("set-cookie").collect();
    assert!(all.len() <= 1, "{all:?}");
    all.first().map(|v| v.to_str().unwrap().to_string())
}

/// `name=value` of a `Set-Cookie` header.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

/// The `Set-Cookie` the server sends for a remembered session `token`.
pub fn expected_cookie(token: &str) -> String {
    let value = accounts::encoded_cookie_value(SECRET.as_bytes(), token);
    format!("better-auth.session_token={value}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax")
}

/// Signs `email` up from `ip`; returns the cookie pair and the body.
pub async fn sign_up<S, B>(app: &S, email: &str, ip: &str) -> (String, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let body = serde_json::json!({"name": "Ann", "email": email, "password": PASSWORD});
    let (status, body, headers) = call(app, post_json("/api/auth/sign-up/email", body), ip).await;
    assert_eq!(status, 200, "{body}");
    (cookie_pair(&set_cookie(&headers).expect("cookie")), body)
}

/// Checks a random 32-character id and replaces it by "*".
pub fn mask(value: &mut Value, key: &str) -> String {
    let id = value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {value}"))
        .to_string();
    assert_eq!(id.len(), 32, "{key}: {id}");
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    value[key] = Value::from("*");
    id
}

/// The user JSON of the fixture user "Ann" created at `at`, id masked.
pub fn ann(email: &str, at: &str) -> Value {
    serde_json::json!({"id": "*", "name": "Ann", "email": email, "emailVerified": false,
        "image": null, "createdAt": at, "updatedAt": at})
}

/// Grants purchased credits straight in the database.
pub fn grant(f: &Fixture, email: &str, amount: i64) -> i64 {
    let conn = accounts::open_connection(&f.config.database).unwrap();
    accounts::grant_credits(&conn, f.clock.as_ref(), email, amount).unwrap()
}
