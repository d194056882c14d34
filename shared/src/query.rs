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

/// Crops per side the query tries, beside none.
const CROP_HYPOTHESES: [f32; 2] = [0.02, 0.04];

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

/// The codes to look up for a screenshot: the picture as it is and as if
/// it had been cropped, each also mirrored, over every area the video may
/// fill. With borders cut, those are: the area inside dark bars (as
/// indexed), the area inside any flat bands (player chrome), and the
/// areas framed by the strongest edges (video inside busy chrome).
/// Without, the whole picture.
pub fn probes(img: &Gray, cut_borders: bool) -> Vec<Probe> {
    let mut areas = vec![];
    if cut_borders {
        let cuts = [Bars::Dark, Bars::Any].map(|bars| borders::content_rect(img, bars));
        let framed = borders::framed_rects(img).into_iter().flatten();
        let framed = framed.filter(|r| plausible(r, img));
        let bands = borders::full_width_bands(img);
        for r in cuts.into_iter().chain(framed).chain(bands) {
            if !areas.contains(&r) {
                areas.push(r);
            }
        }
    } else {
        areas.push(Rect::full(img));
    }
    let mut codes = Vec::new();
    for content in areas {
        for crop in std::iter::once(0.0).chain(CROP_HYPOTHESES) {
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

pub fn search_gray(index: &Index, gray: &Gray, opts: &QueryOptions) -> Vec<SearchHit> {
    let method = Method::Buckets(search::Budget::default());
    search_probes(index, &probes(gray, opts.cut_borders), opts, method)
}

/// How the index is read: the sublinear bucket search the product uses
/// (which reads a small index whole when that fits its budget), or every
/// entry (the reference the benchmark compares it with).
#[derive(Clone, Copy, Debug)]
pub enum Method {
    Buckets(search::Budget),
    Exact,
}

/// Searches the codes of a screenshot (see `probes`).
pub fn search_probes(
    index: &Index,
    probes: &[Probe],
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
    search::group(index, &hits, limit)
        .iter()
        .map(|c| shape(index, c))
        .collect()
}

/// Whether comparing every entry with every probe stays within `budget`.
fn fits(index: &Index, probes: &[Probe], budget: &search::Budget) -> bool {
    index.stored_count() * probes.len() as u64 <= budget.compares
}
