//! The small grey "work" image every frame and screenshot is reduced to
//! before border detection and hashing: resizing first keeps the descriptor
//! stable across resolutions and makes hashing cheap.

use fast_image_resize as fr;

/// Longest side of the work image; 1080p frames are reduced 6:1 to 320x180.
pub const WORK_WIDTH: u32 = 320;

/// An 8-bit luma image stored row by row without padding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gray {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Gray {
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Self {
        assert_eq!(pixels.len(), width as usize * height as usize);
        Gray {
            width,
            height,
            pixels,
        }
    }

    pub fn get(&self, x: u32, y: u32) -> u8 {
        self.pixels[y as usize * self.width as usize + x as usize]
    }

    pub fn row(&self, y: u32) -> &[u8] {
        let w = self.width as usize;
        &self.pixels[y as usize * w..(y as usize + 1) * w]
    }

    /// Reduces a luma plane (as decoded from video, rows `stride` bytes apart)
    /// by an integer box filter, then to the work width like a screenshot
    /// is, so both sides hash the same picture. Reads the plane once.
    pub fn from_plane(plane: &[u8], width: u32, height: u32, stride: usize) -> Self {
        Self::box_reduced(plane, width, height, stride).resized_to_work()
    }

    /// Stretches video-range luma (16 black to 235 white, what most video
    /// stores) to the full 0-255 range a screenshot's luma has, so both
    /// sides see the same levels: the border cut and the flat test compare
    /// absolute differences.
    pub fn expand_video_range(&mut self) {
        let lut: [u8; 256] = std::array::from_fn(|v| {
            let full = (v as i32 - 16) * 255 * 2 / 219;
            ((full + 1) / 2).clamp(0, 255) as u8
        });
        for p in &mut self.pixels {
            *p = lut[*p as usize];
        }
    }

    /// Box filter by an integer factor: rows of a band are summed into a
    /// u16 accumulator first (a loop the compiler vectorises), then each
    /// accumulator run of `factor` columns is summed once.
    fn box_reduced(plane: &[u8], width: u32, height: u32, stride: usize) -> Self {
        let factor = (width / WORK_WIDTH).max(1) as usize;
        let (ow, oh) = (
            (width as usize / factor).max(1),
            (height as usize / factor).max(1),
        );
        let used = ow * factor;
        let mut acc = vec![0u16; used];
        let mut pixels = Vec::with_capacity(ow * oh);
        // Large factors read every other row of a band: half the memory
        // traffic, still a dozen or more pixels per output pixel.
        let row_step = if factor >= 4 { 2 } else { 1 };
        let area = (factor * factor.div_ceil(row_step)) as u32;
        for oy in 0..oh {
            acc.iter_mut().for_each(|a| *a = 0);
            for dy in (0..factor).step_by(row_step) {
                let row = &plane[(oy * factor + dy) * stride..][..used];
                for (a, &p) in acc.iter_mut().zip(row) {
                    *a += p as u16;
                }
            }
            pixels.extend(acc.chunks_exact(factor).map(|c| {
                let sum: u32 = c.iter().map(|&v| v as u32).sum();
                ((sum + area / 2) / area) as u8
            }));
        }
        Gray::new(ow as u32, oh as u32, pixels)
    }

    /// Converts a decoded picture to luma (BT.601 weights, as in video) and
    /// resizes it to the work width with an area-averaging filter.
    pub fn from_rgb(img: &image::RgbImage) -> Self {
        let (w, h) = img.dimensions();
        let luma: Vec<u8> = img
            .pixels()
            .map(|p| {
                let [r, g, b] = p.0;
                ((299 * r as u32 + 587 * g as u32 + 114 * b as u32 + 500) / 1000) as u8
            })
            .collect();
        Gray::new(w, h, luma).resized_to_work()
    }

    /// Area-resizes to at most `WORK_WIDTH` wide, keeping the aspect ratio.
    pub fn resized_to_work(self) -> Self {
        if self.width <= WORK_WIDTH {
            return self;
        }
        let ow = WORK_WIDTH;
        let oh = ((self.height as u64 * ow as u64 + self.width as u64 / 2) / self.width as u64)
            .max(1) as u32;
        self.resized(ow, oh)
    }

    fn resized(&self, ow: u32, oh: u32) -> Self {
        let src =
            fr::images::ImageRef::new(self.width, self.height, &self.pixels, fr::PixelType::U8)
                .expect("buffer matches dimensions");
        let mut dst = fr::images::Image::new(ow, oh, fr::PixelType::U8);
        let options =
            fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Box));
        fr::Resizer::new()
            .resize(&src, &mut dst, &options)
            .expect("same pixel type");
        Gray::new(ow, oh, dst.into_vec())
    }

    /// The pixels of columns `x0..x1` and rows `y0..y1`.
    pub fn crop(&self, x0: u32, y0: u32, x1: u32, y1: u32) -> Gray {
        let (x1, y1) = (x1.min(self.width), y1.min(self.height));
        let mut pixels = Vec::with_capacity(((x1 - x0) * (y1 - y0)) as usize);
        for y in y0..y1 {
            pixels.extend_from_slice(&self.row(y)[x0 as usize..x1 as usize]);
        }
        Gray::new(x1 - x0, y1 - y0, pixels)
    }

    /// The image mirrored left to right.
    pub fn mirrored(&self) -> Self {
        let mut pixels = Vec::with_capacity(self.pixels.len());
        for y in 0..self.height {
            pixels.extend(self.row(y).iter().rev());
        }
        Gray::new(self.width, self.height, pixels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_reduction_averages_blocks_and_honours_stride() {
        // 1920-wide plane -> factor 6; stride wider than the picture.
        let (w, h, stride) = (1920u32, 12u32, 1984usize);
        let mut plane = vec![255u8; stride * h as usize];
        for y in 0..h as usize {
            for x in 0..w as usize {
                plane[y * stride + x] = if x < 6 { 60 } else { 120 };
            }
        }
        let g = Gray::from_plane(&plane, w, h, stride);
        assert_eq!((g.width, g.height), (320, 2));
        assert_eq!(g.get(0, 0), 60);
        assert_eq!(g.get(1, 1), 120);
        assert_eq!(g.get(319, 1), 120);
    }

    #[test]
    fn rgb_is_resized_to_work_width() {
        let img = image::RgbImage::from_pixel(1280, 720, image::Rgb([200, 100, 50]));
        let g = Gray::from_rgb(&img);
        assert_eq!((g.width, g.height), (320, 180));
        assert!(g.pixels.iter().all(|&p| (123..=125).contains(&p)));
    }
}
