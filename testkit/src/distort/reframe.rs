//! Distortions that re-frame the picture, as people post screenshots
//! today: a 16:9 frame on a 9:16 canvas over a blurred copy of itself
//! ("shorts"), the episode inside a streamer's layout, a 9:16 window cut
//! from the frame, deep crops, a phone photo of a monitor, and the lighter
//! ones (stretched, grey or sepia, a meme caption band, a small rotation,
//! 256 colours, a 160 px thumbnail).

use super::{crop_sides, fill_rect, resize_width, subtitle_line};
use crate::font;
use crate::rng::Rng;
use image::imageops::{self, FilterType};
use image::{Rgb, RgbImage};

/// The frame at full width on a 9:16 canvas over a zoomed, blurred and
/// darkened copy of itself, with a caption of one or two lines above.
pub fn shorts(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let w = img.width();
    let h = w * 16 / 9;
    let mut out = blurred_cover(img, w, h, rng.float(0.45, 0.7));
    let fh = img.height();
    let centre = (h - fh) / 2;
    let y = (centre as f32 * rng.float(0.8, 1.2)) as u32;
    imageops::replace(&mut out, img, 0, y as i64);
    let scale = (w / 320).max(1);
    let lines = 1 + rng.below(2);
    let line_h = font::text_height(scale) + 2 * scale;
    let top = y.saturating_sub(line_h * lines as u32 + 4 * scale) as i32;
    for i in 0..lines {
        let text = subtitle_line(rng);
        let x = (w.saturating_sub(font::text_width(&text, scale)) / 2) as i32;
        let y = top + (i as u32 * line_h) as i32;
        let colours = ([255, 255, 255], [0, 0, 0]);
        font::draw_text_outlined(&mut out, &text, (x, y), scale, colours, scale as i32);
    }
    out
}

/// `img` scaled to cover `w` x `h`, blurred and darkened by `dim`.
fn blurred_cover(img: &RgbImage, w: u32, h: u32, dim: f32) -> RgbImage {
    let zoom = (h as f32 / img.height() as f32).max(w as f32 / img.width() as f32);
    let (zw, zh) = (
        (img.width() as f32 * zoom) as u32,
        (img.height() as f32 * zoom) as u32,
    );
    // Blur at a tenth of the size, then scale up: cheap and as soft.
    let small = imageops::resize(
        img,
        (zw / 10).max(1),
        (zh / 10).max(1),
        FilterType::Triangle,
    );
    let small = imageops::blur(&small, 2.0);
    let big = imageops::resize(&small, zw, zh, FilterType::Triangle);
    let (x, y) = ((zw - w) / 2, (zh - h) / 2);
    let mut out = imageops::crop_imm(&big, x, y, w, h).to_image();
    out.iter_mut().for_each(|v| *v = (*v as f32 * dim) as u8);
    out
}

/// A stream layout: the episode at 55-75 % of the width in a corner area,
/// a webcam box, a chat panel of text lines, on a dark backdrop.
pub fn pip(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let (w, h) = (img.width(), img.height());
    let mut out = RgbImage::from_pixel(w, h, Rgb([24, 22, 34]));
    let share = rng.float(0.55, 0.75);
    let vw = (w as f32 * share) as u32;
    let video = resize_width(img, vw);
    let vh = video.height();
    let margin = w / 40;
    let vy = if rng.chance(0.5) {
        margin
    } else {
        (h - vh) / 2
    };
    imageops::replace(&mut out, &video, margin as i64, vy as i64);
    let panel_x = vw + 2 * margin;
    let panel_w = w.saturating_sub(panel_x + margin);
    let cam_h = panel_w * 3 / 4;
    fill_rect(&mut out, [panel_x, margin, panel_w, cam_h], [90, 70, 60]);
    let face = panel_w / 4;
    fill_rect(
        &mut out,
        [
            panel_x + panel_w / 2 - face / 2,
            margin + cam_h / 4,
            face,
            face,
        ],
        [220, 180, 150],
    );
    let chat_y = 2 * margin + cam_h;
    fill_rect(
        &mut out,
        [panel_x, chat_y, panel_w, h.saturating_sub(chat_y + margin)],
        [36, 34, 48],
    );
    let scale = (w / 500).max(1);
    let step = font::text_height(scale) * 2;
    let mut y = chat_y + step / 2;
    while y + step < h - margin {
        let line: String = subtitle_line(rng).chars().take(14).collect();
        let colour = *rng.pick(&[
            [140, 200, 255],
            [255, 170, 120],
            [170, 255, 170],
            [230, 230, 230],
        ]);
        font::draw_text(
            &mut out,
            &line,
            (panel_x + 4) as i32,
            y as i32,
            scale,
            colour,
        );
        y += step;
    }
    if vy + vh + margin < h {
        let below = vy + vh + margin / 2;
        fill_rect(
            &mut out,
            [margin, below, vw, (h - below).min(margin * 2)],
            [60, 40, 90],
        );
    }
    out
}

/// A 9:16 window cut from anywhere across the frame, scaled up 1.5x.
pub fn vertical(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let h = img.height();
    let w = (h * 9 / 16).min(img.width());
    let x = rng.int(0, (img.width() - w) as i64) as u32;
    let window = imageops::crop_imm(img, x, 0, w, h).to_image();
    imageops::resize(&window, w * 3 / 2, h * 3 / 2, FilterType::CatmullRom)
}

/// 5-20 % cut from each side, independently.
pub fn crop15(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    crop_sides(img, [0; 4].map(|_| rng.float(0.05, 0.2)))
}

/// A phone photo of a monitor: the screen a quadrilateral whose corners
/// are off by up to 6 %, a bezel and a desk around it, a little blur,
/// sensor noise and uneven light.
pub fn photo(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let inset = [(0.08, 0.1), (0.92, 0.1), (0.92, 0.9), (0.08, 0.9)];
    let quad: Vec<(f32, f32)> = inset
        .iter()
        .map(|&(x, y)| {
            (
                (x + rng.float(-0.06, 0.06)) * w,
                (y + rng.float(-0.06, 0.06)) * h,
            )
        })
        .collect();
    let rect = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let to_frame = homography(&quad, &rect);
    let bezel = w * 0.025;
    let mut out = RgbImage::new(img.width(), img.height());
    let light = (rng.float(-0.25, 0.1), rng.float(0.85, 1.1));
    for (px, py, pixel) in out.enumerate_pixels_mut() {
        let (x, y) = (px as f32 + 0.5, py as f32 + 0.5);
        let (sx, sy) = project(&to_frame, x, y);
        let c = if (0.0..w).contains(&sx) && (0.0..h).contains(&sy) {
            sample(img, sx - 0.5, sy - 0.5)
        } else if (-bezel..w + bezel).contains(&sx) && (-bezel..h + bezel).contains(&sy) {
            [18.0, 18.0, 20.0]
        } else {
            [150.0, 128.0, 100.0]
        };
        let gain = light.1 + light.0 * (x / w + y / h) / 2.0;
        *pixel = Rgb(c.map(|v| (v * gain).clamp(0.0, 255.0) as u8));
    }
    let mut out = imageops::blur(&out, rng.float(0.6, 1.2));
    let mut noise = rng.fork(7);
    out.iter_mut().for_each(|v| {
        let n = (noise.unit() + noise.unit() - 1.0) * 10.0;
        *v = (*v as f32 + n).clamp(0.0, 255.0) as u8;
    });
    out
}

/// Scaled to another aspect: 1.15-1.3x wider or taller.
pub fn stretch(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let k = rng.float(1.15, 1.3);
    let (w, h) = if rng.chance(0.5) {
        ((img.width() as f32 * k) as u32, img.height())
    } else {
        (img.width(), (img.height() as f32 * k) as u32)
    };
    imageops::resize(img, w, h, FilterType::Triangle)
}

/// Grey, or sepia toned.
pub fn gray(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let sepia = rng.chance(0.5);
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let [r, g, b] = p.0.map(f32::from);
        let l = 0.299 * r + 0.587 * g + 0.114 * b;
        p.0 = if sepia {
            [l * 1.07, l * 0.74, l * 0.43].map(|v| v.min(255.0) as u8)
        } else {
            [l as u8; 3]
        };
    }
    out
}

/// A white band above the picture with a black caption, as memes have.
pub fn meme(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let band = (img.height() as f32 * rng.float(0.15, 0.3)) as u32;
    let mut out = RgbImage::from_pixel(img.width(), img.height() + band, Rgb([255, 255, 255]));
    imageops::replace(&mut out, img, 0, band as i64);
    let scale = (img.width() / 260).max(2);
    let text = subtitle_line(rng);
    let x = (img.width().saturating_sub(font::text_width(&text, scale)) / 2) as i32;
    let y = (band.saturating_sub(font::text_height(scale)) / 2) as i32;
    font::draw_text(&mut out, &text, x, y, scale, [0, 0, 0]);
    out
}

/// Rotated 2-4 degrees either way about the centre, corners black.
pub fn rotate(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let degrees = rng.float(2.0, 4.0) * if rng.chance(0.5) { 1.0 } else { -1.0 };
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (img.width() as f32 / 2.0, img.height() as f32 / 2.0);
    let mut out = RgbImage::new(img.width(), img.height());
    for (px, py, pixel) in out.enumerate_pixels_mut() {
        let (dx, dy) = (px as f32 - cx, py as f32 - cy);
        let (sx, sy) = (cos * dx + sin * dy + cx, -sin * dx + cos * dy + cy);
        if (0.0..img.width() as f32 - 1.0).contains(&sx)
            && (0.0..img.height() as f32 - 1.0).contains(&sy)
        {
            *pixel = Rgb(sample(img, sx, sy).map(|v| v as u8));
        }
    }
    out
}

/// A 160 px wide thumbnail.
pub fn thumb160(img: &RgbImage) -> RgbImage {
    resize_width(img, 160)
}

/// Bilinear sample at (x, y), pixel centres at integers.
fn sample(img: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (x0, y0) = (x.floor().max(0.0) as u32, y.floor().max(0.0) as u32);
    let (x1, y1) = (
        (x0 + 1).min(img.width() - 1),
        (y0 + 1).min(img.height() - 1),
    );
    let (fx, fy) = (
        (x - x0 as f32).clamp(0.0, 1.0),
        (y - y0 as f32).clamp(0.0, 1.0),
    );
    let p = |x, y| img.get_pixel(x, y).0.map(f32::from);
    let (a, b, c, d) = (p(x0, y0), p(x1, y0), p(x0, y1), p(x1, y1));
    [0, 1, 2].map(|i| {
        let top = a[i] + (b[i] - a[i]) * fx;
        let bottom = c[i] + (d[i] - c[i]) * fx;
        top + (bottom - top) * fy
    })
}

/// The homography taking the four points `from` to the four `to`.
fn homography(from: &[(f32, f32)], to: &[(f32, f32)]) -> [f64; 9] {
    let mut m = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (from[i].0 as f64, from[i].1 as f64);
        let (u, v) = (to[i].0 as f64, to[i].1 as f64);
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    // Gaussian elimination with partial pivoting on the 8x8 system.
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
            .unwrap_or(col);
        m.swap(col, pivot);
        for row in 0..8 {
            if row != col && m[col][col] != 0.0 {
                let k = m[row][col] / m[col][col];
                let pivot_row = m[col];
                for (v, p) in m[row].iter_mut().zip(pivot_row).skip(col) {
                    *v -= k * p;
                }
            }
        }
    }
    let h: Vec<f64> = (0..8).map(|i| m[i][8] / m[i][i]).collect();
    [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0]
}

fn project(h: &[f64; 9], x: f32, y: f32) -> (f32, f32) {
    let (x, y) = (x as f64, y as f64);
    let w = h[6] * x + h[7] * y + h[8];
    (
        ((h[0] * x + h[1] * y + h[2]) / w) as f32,
        ((h[3] * x + h[4] * y + h[5]) / w) as f32,
    )
}
