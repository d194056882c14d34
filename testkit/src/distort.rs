//! Screenshot distortions users really apply (re-encoding, scaling, bars, subtitles, flips, crops, player chrome).

mod reframe;

use crate::font;
use crate::rng::Rng;
use crate::{Error, Result};
use image::imageops::{self, FilterType};
use image::{Rgb, RgbImage};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A class of query distortion; `name()` is the folder and JSON name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Clean,
    Jpeg40,
    W320,
    Brightness,
    Letterbox,
    Pillarbox,
    Subtitles,
    Mirror,
    Crop4,
    Chrome,
    Combined,
    // Re-framed screenshots (`reframe.rs`).
    Shorts,
    Pip,
    Vertical,
    Crop15,
    Photo,
    Stretch,
    Gray,
    Meme,
    Rotate,
    Gif,
    Thumb160,
}

/// How a query image is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Png,
    Jpeg(u8),
    /// 256 colours, as GIF makers quantize.
    Gif,
}

impl Encoding {
    /// File extension without the dot.
    pub fn ext(&self) -> &'static str {
        match self {
            Encoding::Png => "png",
            Encoding::Jpeg(_) => "jpg",
            Encoding::Gif => "gif",
        }
    }
}

impl Class {
    pub const ALL: [Class; 22] = [
        Class::Clean,
        Class::Jpeg40,
        Class::W320,
        Class::Brightness,
        Class::Letterbox,
        Class::Pillarbox,
        Class::Subtitles,
        Class::Mirror,
        Class::Crop4,
        Class::Chrome,
        Class::Combined,
        Class::Shorts,
        Class::Pip,
        Class::Vertical,
        Class::Crop15,
        Class::Photo,
        Class::Stretch,
        Class::Gray,
        Class::Meme,
        Class::Rotate,
        Class::Gif,
        Class::Thumb160,
    ];

    /// Lower-case name used for folders and JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Class::Clean => "clean",
            Class::Jpeg40 => "jpeg40",
            Class::W320 => "w320",
            Class::Brightness => "brightness",
            Class::Letterbox => "letterbox",
            Class::Pillarbox => "pillarbox",
            Class::Subtitles => "subtitles",
            Class::Mirror => "mirror",
            Class::Crop4 => "crop4",
            Class::Chrome => "chrome",
            Class::Combined => "combined",
            Class::Shorts => "shorts",
            Class::Pip => "pip",
            Class::Vertical => "vertical",
            Class::Crop15 => "crop15",
            Class::Photo => "photo",
            Class::Stretch => "stretch",
            Class::Gray => "gray",
            Class::Meme => "meme",
            Class::Rotate => "rotate",
            Class::Gif => "gif",
            Class::Thumb160 => "thumb160",
        }
    }

    /// How images of this class are saved (the JPEG quality is part of the distortion).
    pub fn encoding(&self) -> Encoding {
        match self {
            Class::Clean => Encoding::Png,
            Class::Jpeg40 => Encoding::Jpeg(40),
            Class::Combined => Encoding::Jpeg(60),
            Class::Gif => Encoding::Gif,
            Class::Photo => Encoding::Jpeg(80),
            _ => Encoding::Jpeg(90),
        }
    }

    /// The pixel-level distortion, before the image is encoded.
    pub fn apply(&self, img: &RgbImage, rng: &mut Rng) -> RgbImage {
        match self {
            Class::Clean | Class::Jpeg40 => img.clone(),
            Class::W320 => resize_width(img, 320),
            Class::Brightness => brightness(img, rng),
            Class::Letterbox => letterbox(img, rng),
            Class::Pillarbox => pillarbox(img, rng),
            Class::Subtitles => subtitles(img, rng),
            Class::Mirror => mirror(img),
            Class::Crop4 => crop_sides(img, [0; 4].map(|_| rng.float(0.0, 0.04))),
            Class::Chrome => chrome(img, rng),
            Class::Combined => combined(img, rng),
            Class::Shorts => reframe::shorts(img, rng),
            Class::Pip => reframe::pip(img, rng),
            Class::Vertical => reframe::vertical(img, rng),
            Class::Crop15 => reframe::crop15(img, rng),
            Class::Photo => reframe::photo(img, rng),
            Class::Stretch => reframe::stretch(img, rng),
            Class::Gray => reframe::gray(img, rng),
            Class::Meme => reframe::meme(img, rng),
            Class::Rotate => reframe::rotate(img, rng),
            Class::Gif => img.clone(),
            Class::Thumb160 => reframe::thumb160(img),
        }
    }

    /// Applies the distortion and saves the image with the class's encoding.
    pub fn save(&self, img: &RgbImage, rng: &mut Rng, path: &Path) -> Result<()> {
        save(&self.apply(img, rng), self.encoding(), path)
    }
}

/// Saves `img` as PNG or JPEG at the given quality.
pub fn save(img: &RgbImage, enc: Encoding, path: &Path) -> Result<()> {
    let bytes = match enc {
        Encoding::Png => {
            let mut buf = std::io::Cursor::new(Vec::new());
            img.write_to(&mut buf, image::ImageFormat::Png)
                .map_err(|source| Error::Image {
                    path: path.into(),
                    source,
                })?;
            buf.into_inner()
        }
        Encoding::Jpeg(q) => jpeg_bytes(img, q),
        Encoding::Gif => gif_bytes(img),
    };
    std::fs::write(path, bytes).map_err(Error::io(path))
}

/// One GIF frame: the encoder quantizes to 256 colours (NeuQuant).
fn gif_bytes(img: &RgbImage) -> Vec<u8> {
    let mut buf = Vec::new();
    let rgba = image::DynamicImage::ImageRgb8(img.clone()).to_rgba8();
    let mut enc = image::codecs::gif::GifEncoder::new_with_speed(&mut buf, 10);
    enc.encode_frame(image::Frame::new(rgba))
        .expect("encoding GIF into memory cannot fail");
    drop(enc);
    buf
}

fn jpeg_bytes(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut buf = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality);
    img.write_with_encoder(enc)
        .expect("encoding JPEG into memory cannot fail");
    buf
}

/// JPEG round trip at `quality`: the pixels a viewer sees after re-encoding.
pub fn jpeg(img: &RgbImage, quality: u8) -> RgbImage {
    let bytes = jpeg_bytes(img, quality);
    image::load_from_memory(&bytes)
        .expect("own JPEG decodes")
        .to_rgb8()
}

/// Scales to `width` pixels wide, keeping the aspect ratio (bilinear, like phones and chat apps).
pub fn resize_width(img: &RgbImage, width: u32) -> RgbImage {
    let h = ((img.height() as f64 * width as f64 / img.width() as f64).round() as u32).max(1);
    imageops::resize(img, width, h, FilterType::Triangle)
}

/// Random brightness (±25), contrast (0.85-1.15) and gamma (0.8-1.25) change, as from another encode or a phone.
pub fn brightness(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let (offset, contrast, gamma) = (
        rng.float(-25.0, 25.0),
        rng.float(0.85, 1.15),
        rng.float(0.8, 1.25),
    );
    let lut: Vec<u8> = (0..=255)
        .map(|v| {
            let g = 255.0 * (v as f32 / 255.0).powf(gamma);
            ((g - 128.0) * contrast + 128.0 + offset)
                .clamp(0.0, 255.0)
                .round() as u8
        })
        .collect();
    let mut out = img.clone();
    out.iter_mut().for_each(|v| *v = lut[*v as usize]);
    out
}

/// Puts `img` centred on a black canvas of `w` x `h` (bars).
fn on_canvas(img: &RgbImage, w: u32, h: u32) -> RgbImage {
    let mut out = RgbImage::new(w, h);
    let (x, y) = ((w - img.width()) / 2, (h - img.height()) / 2);
    imageops::replace(&mut out, img, x as i64, y as i64);
    out
}

/// Black bars top and bottom: the canvas becomes 4:3 or taller.
pub fn letterbox(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let ratio = rng.float(0.75, 1.0);
    let h = ((img.width() as f32 * ratio) as u32).max(img.height() + 2);
    on_canvas(img, img.width(), h)
}

/// Black bars left and right: the canvas becomes 4:3 or narrower in height terms.
pub fn pillarbox(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let ratio = rng.float(2.0, 2.4);
    let w = ((img.height() as f32 * ratio) as u32).max(img.width() + 2);
    on_canvas(img, w, img.height())
}

/// Horizontal flip.
pub fn mirror(img: &RgbImage) -> RgbImage {
    imageops::flip_horizontal(img)
}

/// Crops fractions `[left, top, right, bottom]` of the size from each side.
pub fn crop_sides(img: &RgbImage, f: [f32; 4]) -> RgbImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (l, t) = ((w * f[0]) as u32, (h * f[1]) as u32);
    let (r, b) = ((w * f[2]) as u32, (h * f[3]) as u32);
    imageops::crop_imm(img, l, t, img.width() - l - r, img.height() - t - b).to_image()
}

const SUBTITLE_WORDS: &[&str] = &[
    "I", "you", "we", "never", "thought", "this", "would", "happen", "again", "wait", "for", "me",
    "tomorrow", "the", "train", "is", "leaving", "don't", "forget", "what", "she", "said",
    "really?", "let's", "go", "home", "together", "sorry", "I'm", "late", "school", "festival",
];

fn subtitle_line(rng: &mut Rng) -> String {
    let n = rng.int(3, 8);
    let words: Vec<&str> = (0..n).map(|_| *rng.pick(SUBTITLE_WORDS)).collect();
    let mut s = words.join(" ");
    s.push(*rng.pick(&['.', '!', '?', ',']));
    s
}

/// One or two lines of white text with a black outline near the bottom.
pub fn subtitles(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let mut out = img.clone();
    let lines: Vec<String> = (0..rng.int(1, 3)).map(|_| subtitle_line(rng)).collect();
    let scale = (img.height() / 110).max(1);
    let line_h = font::text_height(scale) + 3 * scale;
    let outline = (scale as i32 / 2).max(1);
    let bottom = img.height() - img.height() / 14;
    for (i, line) in lines.iter().enumerate() {
        let s = scale.min(crate::picture::fit_scale(
            line,
            img.width() * 9 / 10,
            u32::MAX,
        ));
        let y = bottom - (lines.len() - i) as u32 * line_h;
        let x = (img.width().saturating_sub(font::text_width(line, s)) / 2) as i32;
        font::draw_text_outlined(
            &mut out,
            line,
            (x, y as i32),
            s,
            ([255, 255, 255], [0, 0, 0]),
            outline,
        );
    }
    out
}

/// 2 % crop from every side, subtitles, 640 px wide (JPEG 60 comes from the class's encoding).
pub fn combined(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let cropped = crop_sides(img, [0.02; 4]);
    resize_width(&subtitles(&cropped, rng), 640)
}

/// The frame inside a video player: grey borders, a title bar, a progress bar with controls, maybe a side panel.
pub fn chrome(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let frame = resize_width(img, (img.width() as f32 * rng.float(0.6, 0.9)) as u32);
    let (fw, fh) = (frame.width(), frame.height());
    let grey = rng.int(28, 90) as u8;
    let border = [grey, grey, grey.saturating_add(rng.int(0, 8) as u8)];
    let (side, top) = (
        (fw as f32 * rng.float(0.0, 0.05)) as u32,
        (fh as f32 * rng.float(0.06, 0.1)) as u32,
    );
    let bottom = (fh as f32 * rng.float(0.1, 0.16)) as u32;
    let panel = if rng.chance(0.4) {
        (fw as f32 * rng.float(0.15, 0.3)) as u32
    } else {
        0
    };
    let (w, h) = (fw + 2 * side + panel, fh + top + bottom);
    let mut out = RgbImage::from_pixel(w, h, Rgb(border));
    imageops::replace(&mut out, &frame, side as i64, top as i64);
    title_bar(&mut out, top, rng);
    controls(&mut out, [side, fh + top, fw, bottom], rng);
    if panel > 0 {
        side_panel(&mut out, [fw + 2 * side, top, panel, fh + bottom], rng);
    }
    out
}

fn fill_rect(img: &mut RgbImage, [x, y, w, h]: [u32; 4], c: [u8; 3]) {
    for py in y..(y + h).min(img.height()) {
        for px in x..(x + w).min(img.width()) {
            img.put_pixel(px, py, Rgb(c));
        }
    }
}

fn title_bar(img: &mut RgbImage, height: u32, rng: &mut Rng) {
    let bar = [50, 52, 58];
    fill_rect(img, [0, 0, img.width(), height], bar);
    let name = format!("[Sub] Episode {:02} - 1080p.mkv - Player", rng.int(1, 25));
    let s = (height / 12).max(1);
    font::draw_text(
        img,
        &name,
        (height / 3) as i32,
        (height.saturating_sub(font::text_height(s)) / 2) as i32,
        s,
        [220, 220, 220],
    );
    for i in 0..3 {
        let x = img.width().saturating_sub((i + 1) * height);
        fill_rect(
            img,
            [x + height / 3, height / 3, height / 3, height / 3],
            [200, 200, 200],
        );
    }
}

fn controls(img: &mut RgbImage, [x, y, w, h]: [u32; 4], rng: &mut Rng) {
    let track = [x + w / 20, y + h / 4, w * 9 / 10, (h / 12).max(2)];
    fill_rect(img, track, [110, 110, 110]);
    let done = (track[2] as f32 * rng.float(0.05, 0.95)) as u32;
    fill_rect(img, [track[0], track[1], done, track[3]], [230, 60, 60]);
    fill_rect(
        img,
        [
            track[0] + done,
            track[1] - track[3],
            track[3] * 3 / 2 + 2,
            track[3] * 3,
        ],
        [240, 240, 240],
    );
    let icon = h / 3;
    let iy = y + h / 2;
    for dy in 0..icon {
        let len = icon.min(dy.min(icon - dy)) + 1;
        fill_rect(img, [x + w / 20, iy + dy, len, 1], [235, 235, 235]);
    }
    fill_rect(
        img,
        [x + w / 20 + icon * 2, iy, icon / 3 + 1, icon],
        [235, 235, 235],
    );
    fill_rect(
        img,
        [x + w / 20 + icon * 2 + icon * 2 / 3, iy, icon / 3 + 1, icon],
        [235, 235, 235],
    );
    let time = format!("{:02}:{:02} / 24:00", rng.int(0, 24), rng.int(0, 60));
    let s = (h / 18).max(1);
    font::draw_text(
        img,
        &time,
        (x + w / 20 + icon * 4) as i32,
        iy as i32,
        s,
        [220, 220, 220],
    );
}

fn side_panel(img: &mut RgbImage, [x, y, w, h]: [u32; 4], rng: &mut Rng) {
    fill_rect(img, [x, y, w, h], [38, 40, 46]);
    let s = (w / 90).max(1);
    let step = font::text_height(s) * 3;
    for (i, py) in (y + step..y + h).step_by(step.max(1) as usize).enumerate() {
        let line = format!("EP {:02} {}", i + 1, rng.pick(SUBTITLE_WORDS));
        font::draw_text(
            img,
            &line,
            (x + w / 12) as i32,
            py as i32,
            s,
            [170, 170, 180],
        );
    }
}

#[cfg(test)]
mod tests;
