//! Shared test fixtures: the server's config and state over testkit's
//! synthetic index of random pictures, and the answers that index gives;
//! HTTP calls in [`http`], users, sessions and cookies in [`users`].

mod http;
mod users;

pub use http::*;
pub use users::*;

use actix_web::web;
use serde_json::Value;
use server::clock::{Clock, ManualClock, SystemClock};
use server::{AppState, Config};
use shared::index::{Anime, Titles, Video};
use std::path::Path;
use std::sync::Arc;
pub use testkit::synthetic::frame;
use testkit::synthetic::{self, frame_code, video};

/// The fixture index: "Alpha" episode `episode` shows pictures 1..=4 at
/// 0, 10, 20, 30 s; "Bravo" (adult) episode 1 shows pictures 5 and 6.
pub fn write_index(path: &Path, episode: u32) {
    let anime = [
        Anime {
            anilist_id: Some(101),
            mal_id: Some(11),
            titles: Titles {
                native: Some("アルファ".into()),
                romaji: Some("Alpha".into()),
                english: None,
            },
            ..synthetic::anime(1, "Alpha")
        },
        Anime {
            anilist_id: Some(202),
            is_adult: true,
            ..synthetic::anime(2, "Bravo")
        },
    ];
    let forty_seconds = |video: Video| Video {
        duration_ms: 40_000,
        ..video
    };
    let frames = |seeds: &[u64]| -> Vec<(shared::FrameCode, u32)> {
        seeds
            .iter()
            .zip((0..).step_by(10_000))
            .map(|(&s, t)| (frame_code(s), t))
            .collect()
    };
    let alpha = video(&format!("Alpha/Alpha - {episode:02}.mkv"), 0, episode);
    let bravo = video("Bravo/Bravo - 01.mkv", 1, 1);
    let videos = [
        (forty_seconds(alpha), frames(&[1, 2, 3, 4])),
        (forty_seconds(bravo), frames(&[5, 6])),
    ];
    synthetic::write_index(path, &anime, &videos).expect("index written");
}

/// A picture like those of the fixture index but not in it: searched as a
/// JPEG, its nearest indexed picture is 40 bits away, far from any match.
pub const NOT_INDEXED: u32 = 8;

/// Picture `seed` (of the fixture index for 1..=6) as a JPEG.
pub fn jpeg(seed: u32) -> Vec<u8> {
    encode(&frame(seed.into()), image::ImageFormat::Jpeg)
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
        config.database = accounts::Target::parse(&testkit::database::fresh(dir.path()));
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

    /// A connection of the test's own to the fixture's database.
    pub fn db(&self) -> accounts::Db {
        accounts::Db::open(&self.config.database).expect("database opens")
    }

    /// The single integer a query returns.
    pub fn count(&self, sql: &str) -> i64 {
        let row = self.db().query_one(sql, accounts::params![]).expect(sql);
        row.get(0).expect(sql)
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
        "image": null,
        "video": null,
    })
}

/// The whole body of a search that found exactly `hits`, id masked.
pub fn found(hits: Vec<Value>) -> Value {
    serde_json::json!({"searchId": "*", "frameCount": 6, "result": hits})
}
