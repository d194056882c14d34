//! From a screenshot to answers: decode with limits, reduce to the work
//! image, cut borders, hash the hypotheses a real screenshot needs (as is,
//! slightly cropped, mirrored), search, and shape the answers as the API
//! returns them.

use crate::borders::{self, Bars, Rect};
use crate::descriptor;
use crate::error::QueryError;
use crate::gray::{Gray, WORK_WIDTH};
use crate::index::Index;
use crate::search::{self, Candidate, Probe};
use serde::Serialize;

/// Share of each side the descriptor ignores, so that a screenshot cropped
/// by up to this much still sees the whole described area.
pub const MARGIN: f32 = 0.04;
/// Crops per side the query tries, beside none.
const CROP_HYPOTHESES: [f32; 2] = [0.02, 0.04];

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
            limit: 5,
        }
    }
}

/// One answer, shaped as in the HTTP API.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchHit {
    pub anime: AnimeRef,
    pub anilist: Option<u32>,
    pub filename: String,
    pub episode: Option<u32>,
    pub from: f64,
    pub to: f64,
    pub at: f64,
    pub duration: f64,
    pub similarity: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnimeRef {
    pub id: u32,
    pub title: String,
    pub anilist_id: Option<u32>,
    pub is_adult: bool,
}

/// The area of a frame the descriptor covers: the frame without the dark
/// bars it carries (letterbox, pillarbox), less the fixed margin. Every
/// indexed frame is described over this area, and every query tries it
/// first: the same cut on both sides.
pub fn described_area(img: &Gray) -> Rect {
    borders::content_rect(img, Bars::Dark).shrunk(MARGIN, MARGIN, MARGIN, MARGIN)
}

/// The descriptor a frame is indexed under.
pub fn frame_descriptor(img: &Gray) -> descriptor::Descriptor {
    descriptor::describe(img, described_area(img))
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
        for r in cuts.into_iter().chain(framed.filter(|r| plausible(r, img))) {
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
    let limit = opts.limit.clamp(1, 5);
    search::group(index, &hits, limit)
        .iter()
        .map(|c| shape(index, c))
        .collect()
}

/// Whether comparing every entry with every probe stays within `budget`.
fn fits(index: &Index, probes: &[Probe], budget: &search::Budget) -> bool {
    index.stored_count() * probes.len() as u64 <= budget.compares
}

fn shape(index: &Index, c: &Candidate) -> SearchHit {
    let video = &index.videos()[c.video];
    let anime = &index.anime()[video.anime.to_native() as usize];
    let anilist = anime.anilist_id.as_ref().map(|a| a.to_native());
    let path = video.path.as_str();
    SearchHit {
        anime: AnimeRef {
            id: anime.id.to_native(),
            title: anime.title.to_string(),
            anilist_id: anilist,
            is_adult: anime.is_adult,
        },
        anilist,
        filename: path.rsplit('/').next().unwrap_or(path).to_string(),
        episode: video.episode.as_ref().map(|e| e.to_native()),
        from: seconds(c.from_ms),
        to: seconds(c.to_ms),
        at: seconds(c.at_ms),
        duration: seconds(video.duration_ms.to_native()),
        similarity: (c.similarity as f64 * 10_000.0).round() / 10_000.0,
    }
}

fn seconds(ms: u32) -> f64 {
    ms as f64 / 1000.0
}

/// Limits on what a screenshot may cost to decode.
#[derive(Clone, Copy, Debug)]
pub struct DecodeLimits {
    pub max_bytes: usize,
    pub max_width: u32,
    pub max_height: u32,
    pub max_pixels: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_bytes: 25 * 1024 * 1024,
            max_width: 10_000,
            max_height: 10_000,
            max_pixels: 40_000_000,
        }
    }
}

/// Decodes JPEG, PNG, WebP or GIF (first frame), sniffing the format from
/// the bytes and refusing oversized pictures before decoding them. A large
/// JPEG comes back reduced (see `decode_jpeg_reduced`), never below
/// twice `WORK_WIDTH` wide.
pub fn decode_image(bytes: &[u8], limits: &DecodeLimits) -> Result<image::RgbImage, QueryError> {
    if bytes.len() > limits.max_bytes {
        return Err(QueryError::TooLarge(format!(
            "{} bytes, at most {} allowed",
            bytes.len(),
            limits.max_bytes
        )));
    }
    let format = image::guess_format(bytes)
        .map_err(|_| QueryError::InvalidImage("not a JPEG, PNG, WebP or GIF image".into()))?;
    if !matches!(
        format,
        image::ImageFormat::Jpeg
            | image::ImageFormat::Png
            | image::ImageFormat::WebP
            | image::ImageFormat::Gif
    ) {
        return Err(QueryError::InvalidImage(format!(
            "{format:?} images are not accepted; send JPEG, PNG, WebP or GIF"
        )));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_width);
    image_limits.max_image_height = Some(limits.max_height);
    image_limits.max_alloc = Some(limits.max_pixels * 4);
    reader.limits(image_limits.clone());
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| classify(e, "cannot read the image header"))?;
    if w == 0 || h == 0 || w as u64 * h as u64 > limits.max_pixels {
        return Err(QueryError::TooLarge(format!(
            "{w}x{h} pixels, at most {} allowed",
            limits.max_pixels
        )));
    }
    if format == image::ImageFormat::Jpeg
        && let Some(img) = decode_jpeg_reduced(bytes, w, h)
    {
        return Ok(img);
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.limits(image_limits);
    let img = reader.decode().map_err(|e| classify(e, "cannot decode"))?;
    Ok(img.to_rgb8())
}

/// Decodes a JPEG at the smallest DCT scale (1/1, 1/2, 1/4 or 1/8) that
/// keeps it at least twice `WORK_WIDTH` wide: the search reduces every
/// picture to that width, so a large screenshot need not be decoded at
/// full size. (Decoding straight to the work width blurs the sharp edges
/// of player chrome that the border cut looks for: chrome top-1 fell from
/// 90 to 87 % in `just eval`.)
/// `None` for what this decoder cannot do (CMYK, 16-bit, damaged data); the
/// full decoder then handles the picture or reports why it cannot.
fn decode_jpeg_reduced(bytes: &[u8], width: u32, height: u32) -> Option<image::RgbImage> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    let wanted_width = 2 * WORK_WIDTH;
    let wanted_height = (height as u64 * wanted_width as u64 / width as u64).max(1);
    decoder
        .scale(wanted_width as u16, u16::try_from(wanted_height).ok()?)
        .ok()?;
    let pixels = decoder.decode().ok()?;
    let info = decoder.info()?;
    let (w, h) = (info.width as u32, info.height as u32);
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        _ => return None,
    };
    image::RgbImage::from_raw(w, h, rgb)
}

fn classify(e: image::ImageError, what: &str) -> QueryError {
    match e {
        image::ImageError::Limits(l) => QueryError::TooLarge(l.to_string()),
        other => QueryError::InvalidImage(format!("{what}: {other}")),
    }
}
