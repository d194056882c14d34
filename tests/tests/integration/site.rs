//! The site in a real headless Chromium, on the real server with
//! `--library` over the real indexer's index of generated footage: what a
//! person sees when searching (upload, paste, URL, keyboard only), the
//! preview clip playing, errors in words, the guest quota's sign-in
//! prompt, an account's keys and credits, confirmed searches in the public
//! lists, a 375 px phone, and no console errors.

use e2e::browser::{Browser, Screen};
use e2e::{Server, footage, host_file};
use serde_json::json;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// The server with previews (and `extra` flags), its preview cache.
fn server(extra: &[&str]) -> (Server, tempfile::TempDir) {
    let cache = tempfile::tempdir().unwrap();
    let library = footage().library.to_str().unwrap().to_string();
    let cache_dir = cache.path().to_str().unwrap().to_string();
    let mut flags = vec!["--library", &library, "--preview-cache", &cache_dir];
    flags.extend(extra);
    (Server::start_with(&footage().index, &flags), cache)
}

/// A screenshot with its expected title and episode, and a file of it.
struct Shot {
    jpeg: Vec<u8>,
    title: String,
    episode: String,
    file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn shot() -> Shot {
    let footage = footage();
    let s = footage.unique_shot();
    let video = &footage.truth.videos[s.video];
    let title = footage.truth.anime[video.anime]
        .json
        .as_ref()
        .unwrap()
        .title
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("screenshot.jpg");
    std::fs::write(&file, &s.jpeg).unwrap();
    Shot {
        jpeg: s.jpeg,
        title,
        episode: format!("Episode {}", video.episode),
        file,
        _dir: dir,
    }
}

/// Waits for the first result card to name the shot's anime and episode.
fn sees_the_answer(browser: &Browser, shot: &Shot) -> String {
    browser.wait_text("#results .result", &shot.title);
    browser.wait_text("#results .result", &shot.episode)
}

fn no_console_errors(browser: &Browser) {
    let errors = browser.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[test]
fn a_guest_searches_by_upload_paste_and_keyboard_and_the_clip_plays() {
    let (server, _cache) = server(&[]);
    let shot = shot();
    let browser = Browser::start(Screen::Desktop);

    browser.goto(&server.base);
    browser.type_into("#file-input", shot.file.to_str().unwrap());
    let card = sees_the_answer(&browser, &shot);
    assert!(card.contains('%'), "the similarity: {card}");
    assert!(regex_like_time(&card), "a mm:ss time: {card}");
    // The preview clip loads and plays (muted autoplay, looping).
    let script = "const v = document.querySelector('#results video.preview');
        return v && v.readyState >= 2 && v.currentTime > 0 ? v.currentTime : null;";
    let first = browser
        .wait_for("the clip to play", script, json!([]))
        .as_f64()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let later = browser
        .wait_for("the clip to play on", script, json!([]))
        .as_f64()
        .unwrap();
    assert_ne!(first, later, "currentTime advances");
    let still = "const i = document.querySelector('#results .result img');
        return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : null;";
    assert_eq!(browser.wait_for("the still", still, json!([])), json!(320));
    assert!(
        browser
            .text("#quota")
            .contains("Guest searches left today: 4"),
        "{}",
        browser.text("#quota")
    );

    // Paste from the clipboard.
    browser.goto(&server.base);
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&shot.jpeg);
    browser.script(
        "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
         const data = new DataTransfer();
         data.items.add(new File([bytes], 'pasted.jpg', {type: 'image/jpeg'}));
         document.body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
         return true;",
        json!([b64]),
    );
    sees_the_answer(&browser, &shot);

    // Keyboard only: Tab to the URL field, type, Enter.
    browser.goto(&server.base);
    let url = host_file("shot.jpg", shot.jpeg.clone(), "image/jpeg");
    for _ in 0..40 {
        if browser.focused_id() == "url-input" {
            break;
        }
        browser.keys(TAB);
    }
    assert_eq!(
        browser.focused_id(),
        "url-input",
        "Tab reaches the URL field"
    );
    browser.keys(&format!("{url}{ENTER}"));
    sees_the_answer(&browser, &shot);
    no_console_errors(&browser);
}

/// `mm:ss` somewhere in the text.
fn regex_like_time(text: &str) -> bool {
    text.as_bytes().windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && w[2] == b':'
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
    })
}

#[test]
fn errors_are_in_words_and_a_spent_guest_quota_invites_to_sign_in() {
    let (server, _cache) = server(&["--guest-daily-limit", "1"]);
    let shot = shot();
    let browser = Browser::start(Screen::Desktop);
    browser.goto(&server.base);
    browser.type_into("#url-input", "http://127.0.0.1:9/nothing.jpg");
    browser.click("#url-search");
    browser.wait_text("#error", "could not be downloaded");
    browser.type_into("#file-input", shot.file.to_str().unwrap());
    sees_the_answer(&browser, &shot);
    browser.goto(&server.base);
    browser.type_into("#file-input", shot.file.to_str().unwrap());
    browser.wait_text("#error", "guest searches");
    let link = browser.script(
        "const a = document.querySelector('#error a.sign-in-prompt'); return a ? a.getAttribute('href') : null;",
        json!([]),
    );
    assert_eq!(link, json!("/account"));
    // The two refusals are the only console errors (Chrome logs any
    // failed fetch; no script error).
    let errors = browser.console_errors();
    assert!(
        errors.iter().all(|e| e.contains("Failed to load resource")),
        "{errors:#?}"
    );
}

#[test]
fn an_account_makes_shows_lists_and_revokes_a_key_and_sees_its_credits() {
    let (server, _cache) = server(&[]);
    let browser = Browser::start(Screen::Desktop);
    browser.goto(&format!("{}/account", server.base));
    browser.type_into("#signup-name", "Ann");
    browser.type_into("#signup-email", "ann@example.com");
    browser.type_into("#signup-password", "correct horse battery");
    browser.click("#signup-submit");
    browser.wait_text("#whoami-text", "ann@example.com");
    browser.wait_text("#credits", "Free credits today");
    browser.type_into("#key-title", "my bot");
    browser.click("#create-key");
    let shown = browser.wait_text("#new-key", "will not be shown again");
    let key = browser
        .script("const c = document.querySelector('#new-key code, #new-key .key-value, #new-key input'); return c ? (c.value || c.innerText) : null;", json!([]))
        .as_str()
        .map(str::to_string)
        .unwrap_or_default();
    assert!(
        key.len() >= 20 && shown.contains(&key),
        "the key is shown: {shown}"
    );
    browser.wait_text("#keys", "my bot");
    // Shown once: a new visit lists the key but not its secret.
    browser.goto(&format!("{}/account", server.base));
    browser.wait_text("#keys", "my bot");
    assert!(
        !browser.text("body").contains(&key),
        "the key is not shown again"
    );
    browser.click("#keys .revoke");
    browser.wait_text("#keys .revoke", "Confirm revoke");
    browser.click("#keys .revoke");
    browser.wait_for(
        "the key to leave the list",
        "return !document.querySelector('#keys').innerText.includes('my bot');",
        json!([]),
    );
    no_console_errors(&browser);
}

#[test]
fn a_confirmed_search_shows_in_recent_searches_and_rankings() {
    let (server, _cache) = server(&[]);
    let shot = shot();
    let browser = Browser::start(Screen::Desktop);
    browser.goto(&server.base);
    browser.type_into("#file-input", shot.file.to_str().unwrap());
    sees_the_answer(&browser, &shot);
    browser.click("#share-public");
    browser.click("#results .result .confirm");
    browser.wait_text("#results .result", "Thanks — confirmed");
    browser.click("a[href='/recent']");
    browser.wait_text("#recent-list", &shot.title);
    browser.click("a[href='/rankings']");
    browser.wait_text("#rankings-list", &shot.title);
    no_console_errors(&browser);
}

#[test]
fn every_page_fits_a_375_px_phone() {
    let (server, _cache) = server(&[]);
    let shot = shot();
    let browser = Browser::start(Screen::Phone);
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth
        ? window.innerWidth : null;";
    for page in ["/rankings", "/recent", "/account", "/api-docs", "/"] {
        browser.goto(&format!("{}{page}", server.base));
        browser.wait_for(
            "the page to load",
            "return document.readyState === 'complete';",
            json!([]),
        );
        let width = browser.wait_for(&format!("{page} to fit 375 px"), fits, json!([]));
        assert_eq!(width, json!(375), "{page}");
    }
    browser.type_into("#file-input", shot.file.to_str().unwrap());
    sees_the_answer(&browser, &shot);
    browser.wait_for("the results to fit 375 px", fits, json!([]));
    no_console_errors(&browser);
}

/// `just screenshots`: PNGs of the site for `docs/screenshots/` (the
/// README shows the search page with a result). Not part of `just test`.
#[test]
#[ignore = "writes docs/screenshots; run by `just screenshots`"]
fn screenshots() {
    let out = e2e::repo_root().join("docs/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let (server, _cache) = server(&[]);
    let shot = shot();
    let browser = Browser::start(Screen::Desktop);
    browser.goto(&server.base);
    browser.type_into("#file-input", shot.file.to_str().unwrap());
    sees_the_answer(&browser, &shot);
    let playing = "const v = document.querySelector('#results video.preview');
        return v && v.readyState >= 2 && v.currentTime > 0.3;";
    browser.wait_for("the clip to play", playing, json!([]));
    browser.resize(1280, 1500);
    browser.script(
        "document.querySelector('#results-section').scrollIntoView(); return true;",
        json!([]),
    );
    browser.wait_for("the clip to play", playing, json!([]));
    browser.screenshot(&out.join("search.png"));
    browser.resize(1280, 900);
    browser.click("#share-public");
    browser.click("#results .result .confirm");
    browser.wait_text("#results .result", "Thanks — confirmed");
    browser.click("a[href='/rankings']");
    browser.wait_text("#rankings-list", &shot.title);
    browser.screenshot(&out.join("rankings.png"));
    browser.click("a[href='/account']");
    browser.type_into("#signup-name", "Ann");
    browser.type_into("#signup-email", "ann@example.com");
    browser.type_into("#signup-password", "correct horse battery");
    browser.click("#signup-submit");
    browser.wait_text("#credits", "Free credits today");
    browser.type_into("#key-title", "my bot");
    browser.click("#create-key");
    browser.wait_text("#keys", "my bot");
    browser.screenshot(&out.join("account.png"));
    drop(browser);
    let phone = Browser::start(Screen::Phone);
    phone.goto(&server.base);
    phone.type_into("#file-input", shot.file.to_str().unwrap());
    sees_the_answer(&phone, &shot);
    phone.script(
        "document.querySelector('#results-section').scrollIntoView(); return true;",
        json!([]),
    );
    phone.wait_for("the clip to play", playing, json!([]));
    phone.screenshot(&out.join("search-phone.png"));
}
