//! From a decoded screenshot to answers: reduce it to the work image, hash
//! the hypotheses a real screenshot needs (where the video is in it, as is
//! or slightly cropped, mirrored), and search them. Decoding is in
//! `image_decode`, the answer shape in `answer`.

use crate::answer::{SearchHit, shape};
use crate::borders::{self, Bars, Rect};
use crate::descriptor::{self, MARGIN};
use crate::gray::Gray;
use crate::index::Index;
use crate::search::{self, Probe};
use std::ops::RangeInclusive;

mod inner;

pub use inner::{STEP as INNER_STEP, guesses as inner_guesses, inner_probes};

/// How many answers a search may return: the `limit` the HTTP API and
/// `indexer query` accept. `QueryOptions::limit` is clamped to it.
pub const RESULT_LIMITS: RangeInclusive<usize> = 1..=5;
/// How many answers a search returns when no limit is given.
pub const DEFAULT_RESULT_LIMIT: usize = 5;

#[derive(Clone, Debug)]
pub struct QueryOptions {
    pub cut_borders: bool,
    pub anilist_id: Option<u32>,
    pub limit: usize,
}

impl Default for QueryOptions {
    fn default() -> Self {
        QueryOptions {
            cut_borders: true,
            anilist_id: None,
            limit: DEFAULT_RESULT_LIMIT,
        }
    }
}

/// Where in a screenshot the video may be, and what suggested it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The whole picture (borders not cut).
    Whole,
    /// Inside dark bars: the cut every indexed frame gets.
    DarkBars,
    /// Inside any flat bands (player chrome).
    FlatBands,
    /// Framed by the strongest edges across the picture (busy chrome).
    Framed,
    /// A full-width video-shaped band of a taller picture (shorts, memes).
    Band,
    /// A rectangle outlined by edges inside the picture (stream layouts).
    Inset,
}

/// An area of the work image the video may fill.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub rect: Rect,
    pub source: Source,
}

/// The areas a screenshot's video may fill, most likely first, without
/// repeats. With borders cut, those are: the area inside dark bars (as
/// indexed), the area inside any flat bands (player chrome), the areas
/// framed by the strongest edges (video inside busy chrome) and the
/// video-shaped bands of a tall picture. Without, the whole picture.
pub fn areas(img: &Gray, cut_borders: bool) -> Vec<Area> {
    if !cut_borders {
        return vec![Area {
            rect: Rect::full(img),
            source: Source::Whole,
        }];
    }
    let at = |source: Source| move |rect: Rect| Area { rect, source };
    let cuts = [
        at(Source::DarkBars)(borders::content_rect(img, Bars::Dark)),
        at(Source::FlatBands)(borders::content_rect(img, Bars::Any)),
    ];
    let framed = borders::framed_rects(img)
        .into_iter()
        .flatten()
        .filter(|r| plausible(r, img))
        .map(at(Source::Framed));
    let bands = borders::full_width_bands(img)
        .into_iter()
        .map(at(Source::Band));
    let insets = borders::inset_rects(img).into_iter().map(at(Source::Inset));
    // A video found inside the picture is cut as its frames were indexed.
    let as_indexed = |a: Area| Area {
        rect: borders::content_rect_within(img, a.rect, Bars::Dark),
        ..a
    };
    let found = framed.chain(bands).chain(insets).map(as_indexed);
    let mut areas: Vec<Area> = Vec::new();
    for a in cuts.into_iter().chain(found) {
        if !areas.iter().any(|b| b.rect == a.rect) {
            areas.push(a);
        }
    }
    areas
}

/// The codes to look up for a screenshot: over every area the video may
/// fill (see `areas`), the picture as it is and as if it had been cropped,
/// each also mirrored.
pub fn probes(img: &Gray, cut_borders: bool) -> Vec<Probe> {
    let mut probes: Vec<Probe> = Vec::new();
    let mut add = |found: Vec<Probe>| {
        for p in found {
            // A code this near one already planned reads the same buckets.
            if probes.iter().all(|q| q.code.distance(p.code) > SAME_PROBE) {
                probes.push(p);
            }
        }
    };
    for a in areas(img, cut_borders) {
        add(area_probes(img, &a));
    }
    if cut_borders {
        add(screen_probes(img));
    }
    probes
}

/// Probes this near an earlier one are left out.
const SAME_PROBE: u32 = 2;

/// The crops tried per side of an area. A screenshot cropped by its maker
/// is cut at the picture's own border; an area found inside the picture
/// (a framed, band or inset area, a photographed screen) is where its
/// edges are, uncropped, and its few extra hypotheses cost search time at
/// scale.
fn crops_of(source: Source) -> &'static [f32] {
    match source {
        Source::Whole | Source::DarkBars | Source::FlatBands => &CROPS,
        Source::Framed | Source::Band | Source::Inset => FOUND_CROPS,
    }
}

const CROPS: [f32; 3] = [0.0, 0.02, 0.04];
const FOUND_CROPS: &[f32] = &[0.0];

/// The screen a phone photo of a monitor shows, made rectangular again
/// (see `borders::screen_quad`).
pub fn photographed_screen(img: &Gray) -> Option<Gray> {
    // A video's screen filling half the height of a picture taller than
    // wide would be narrower than 16:9: no screen is searched there.
    if img.height > img.width {
        return None;
    }
    let quad = borders::screen_quad(img)?;
    let (w, h) = borders::rectified_size(&quad);
    let plausible = w as f32 >= img.width as f32 * 0.5 && h as f32 >= img.height as f32 * 0.5;
    plausible.then(|| borders::rectify(img, &quad, w, h))
}

/// The probes of one area: as is and, where its source calls for it,
/// cropped (see `crops_of`), each also mirrored.
pub fn area_probes(img: &Gray, area: &Area) -> Vec<Probe> {
    probes_over(img, area.rect, crops_of(area.source))
}

/// The probes of a photographed screen (see `photographed_screen`), cut of
/// its dark bars as a frame is; none when the picture shows no screen.
pub fn screen_probes(img: &Gray) -> Vec<Probe> {
    photographed_screen(img).map_or_else(Vec::new, |screen| {
        let content = borders::content_rect(&screen, Bars::Dark);
        let mut probes = probes_over(&screen, content, FOUND_CROPS);
        for p in &mut probes {
            for bit in SLOPE_BITS {
                p.strength[bit] = p.strength[bit].min(SLOPE_STRENGTH);
            }
        }
        probes
    })
}

/// The bits of the lowest horizontal and vertical frequency, (1, 0) and
/// (0, 1). Light falls unevenly on a photographed screen: a brightness
/// slope across it adds to just these two coefficients, so their signs
/// may flip however firmly they were set. At 10^8 frames a photo whose
/// rectified screen came within 5 bits of its frame was missed because
/// one of them, set firmly (strength 2.1), was the key bit to flip.
const SLOPE_BITS: [usize; 2] = [0, 1];
/// The strength they are given: as weak as a bit near zero, so the bucket
/// search flips them among the first.
const SLOPE_STRENGTH: f32 = 0.3;

/// `content` hashed as is and cropped by each of `crops` per side, each
/// also mirrored.
fn probes_over(img: &Gray, content: Rect, crops: &[f32]) -> Vec<Probe> {
    let mut codes = Vec::new();
    for &crop in crops {
        // A frame cropped by `crop` per side shows its described area
        // at this share of each side of the screenshot.
        let m = (MARGIN - crop) / (1.0 - 2.0 * crop);
        let d = descriptor::describe(img, content.shrunk(m, m, m, m));
        // A blank area (a black or white frame) tells no scene apart
        // from another; flat frames are indexed with a code that must
        // match nothing, so nothing is searched for it.
        if !d.is_flat() {
            let probe = Probe::new(&d);
            codes.push(probe);
            codes.push(probe.mirrored());
        }
    }
    codes
}

/// A framed area is worth a search if it is most of the screenshot and
/// shaped like a video (between 4:3 and 2.4:1).
fn plausible(r: &Rect, img: &Gray) -> bool {
    let aspect = r.width() / r.height().max(1.0);
    r.width() >= img.width as f32 * 0.5
        && r.height() >= img.height as f32 * 0.5
        && (1.3..=2.45).contains(&aspect)
}

/// Searches a decoded screenshot.
pub fn search_image(index: &Index, img: &image::RgbImage, opts: &QueryOptions) -> Vec<SearchHit> {
    let gray = Gray::from_rgb(img);
    search_gray(index, &gray, opts)
}

/// Searches a screenshot's work image: its whole-frame probes, then, when
/// they find no confident answer, the guesses at its frame's inner window.
pub fn search_gray(index: &Index, gray: &Gray, opts: &QueryOptions) -> Vec<SearchHit> {
    let method = Method::Buckets(search::Budget::default());
    let inner = || match opts.cut_borders {
        true => inner_probes(gray),
        false => Vec::new(),
    };
    search_probes(index, &probes(gray, opts.cut_borders), &inner, opts, method)
}

/// How the index is read: the sublinear bucket search the product uses
/// (which reads a small index whole when that fits its budget), or every
/// entry (the reference the benchmark compares it with).
#[derive(Clone, Copy, Debug)]
pub enum Method {
    Buckets(search::Budget),
    Exact,
}

/// Searches the codes of a screenshot (see `probes`), then, when no answer
/// is confident, the guesses at its frame's inner window that `inner` makes
/// (see `inner_probes`; only hashed when needed). The inner windows' table
/// is always read by buckets: comparing its every entry with a thousand
/// guesses is out of reach at scale.
pub fn search_probes(
    index: &Index,
    probes: &[Probe],
    inner: &dyn Fn() -> Vec<Probe>,
    opts: &QueryOptions,
    method: Method,
) -> Vec<SearchHit> {
    let videos = index.videos();
    let anime = index.anime();
    let of_anilist = |id: u32| {
        move |v: usize| {
            anime[videos[v].anime.to_native() as usize]
                .anilist_id
                .as_ref()
                .is_some_and(|a| a.to_native() == id)
        }
    };
    let filter = opts.anilist_id.map(of_anilist);
    let keep = filter.as_ref().map(|f| f as &dyn Fn(usize) -> bool);
    let hits = match method {
        // An index the budget could read whole is read whole: exact, and
        // no slower.
        Method::Buckets(budget) if !fits(index, probes, &budget) => {
            search::search(index, probes, &budget, keep)
        }
        _ => search::exact(index, probes, keep),
    };
    let limit = opts
        .limit
        .clamp(*RESULT_LIMITS.start(), *RESULT_LIMITS.end());
    let mut candidates = search::group(index, &hits, limit);
    if !candidates.first().is_some_and(search::is_sure) {
        let more = search::search_inner(index, &inner(), keep);
        if !more.is_empty() {
            candidates = search::group(index, &search::merge(hits, more), limit);
        }
    }
    candidates.iter().map(|c| shape(index, c)).collect()
}

/// Whether comparing every entry with every probe stays within `budget`.
fn fits(index: &Index, probes: &[Probe], budget: &search::Budget) -> bool {
    index.stored_count() * probes.len() as u64 <= budget.compares
}
