//! Cel-shading rasteriser: shapes as signed distance functions, painted with a flat fill, one shadow tone and an outline.

use image::{Rgb, RgbImage};

/// An RGB colour.
pub type Color = [u8; 3];

/// A shape in world units (1.0 = frame height).
#[derive(Clone, Debug)]
pub enum Shape {
    Rect {
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
    },
    Ellipse {
        cx: f32,
        cy: f32,
        rx: f32,
        ry: f32,
    },
    Poly(Vec<[f32; 2]>),
    /// Union of circles `[cx, cy, r]`: foliage, clouds, hair tails.
    Blob(Vec<[f32; 3]>),
    Capsule {
        a: [f32; 2],
        b: [f32; 2],
        r: f32,
    },
}

impl Shape {
    /// Axis-aligned rectangle from corners.
    pub fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Shape {
        Shape::Rect { x0, y0, x1, y1 }
    }

    /// Circle.
    pub fn circle(cx: f32, cy: f32, r: f32) -> Shape {
        Shape::Ellipse {
            cx,
            cy,
            rx: r,
            ry: r,
        }
    }

    /// Signed distance in world units: negative inside.
    fn sdf(&self, p: [f32; 2]) -> f32 {
        match self {
            Shape::Rect { x0, y0, x1, y1 } => rect_sdf(p, [*x0, *y0, *x1, *y1]),
            Shape::Ellipse { cx, cy, rx, ry } => ellipse_sdf([p[0] - cx, p[1] - cy], *rx, *ry),
            Shape::Poly(pts) => poly_sdf(p, pts),
            Shape::Blob(cs) => cs
                .iter()
                .map(|c| (p[0] - c[0]).hypot(p[1] - c[1]) - c[2])
                .fold(f32::MAX, f32::min),
            Shape::Capsule { a, b, r } => segment_dist(p, *a, *b) - r,
        }
    }

    /// Bounding box `[x0, y0, x1, y1]` in world units.
    fn bounds(&self) -> [f32; 4] {
        match self {
            Shape::Rect { x0, y0, x1, y1 } => [*x0, *y0, *x1, *y1],
            Shape::Ellipse { cx, cy, rx, ry } => [cx - rx, cy - ry, cx + rx, cy + ry],
            Shape::Poly(pts) => pts.iter().fold(EMPTY, |b, p| grow(b, [p[0], p[1], 0.0])),
            Shape::Blob(cs) => cs.iter().fold(EMPTY, |b, c| grow(b, *c)),
            Shape::Capsule { a, b, r } => grow(grow(EMPTY, [a[0], a[1], *r]), [b[0], b[1], *r]),
        }
    }
}

const EMPTY: [f32; 4] = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];

fn grow(b: [f32; 4], c: [f32; 3]) -> [f32; 4] {
    [
        b[0].min(c[0] - c[2]),
        b[1].min(c[1] - c[2]),
        b[2].max(c[0] + c[2]),
        b[3].max(c[1] + c[2]),
    ]
}

fn rect_sdf(p: [f32; 2], r: [f32; 4]) -> f32 {
    let (cx, cy) = ((r[0] + r[2]) / 2.0, (r[1] + r[3]) / 2.0);
    let dx = (p[0] - cx).abs() - (r[2] - r[0]) / 2.0;
    let dy = (p[1] - cy).abs() - (r[3] - r[1]) / 2.0;
    dx.max(0.0).hypot(dy.max(0.0)) + dx.max(dy).min(0.0)
}

fn ellipse_sdf(p: [f32; 2], rx: f32, ry: f32) -> f32 {
    let k0 = (p[0] / rx).hypot(p[1] / ry);
    let k1 = (p[0] / (rx * rx)).hypot(p[1] / (ry * ry));
    if k1 < 1e-9 {
        return -rx.min(ry);
    }
    k0 * (k0 - 1.0) / k1
}

fn segment_dist(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let (pa, ba) = ([p[0] - a[0], p[1] - a[1]], [b[0] - a[0], b[1] - a[1]]);
    let len2 = (ba[0] * ba[0] + ba[1] * ba[1]).max(1e-12);
    let h = ((pa[0] * ba[0] + pa[1] * ba[1]) / len2).clamp(0.0, 1.0);
    (pa[0] - ba[0] * h).hypot(pa[1] - ba[1] * h)
}

fn poly_sdf(p: [f32; 2], v: &[[f32; 2]]) -> f32 {
    let mut d = f32::MAX;
    let mut inside = false;
    for i in 0..v.len() {
        let (a, b) = (v[i], v[(i + v.len() - 1) % v.len()]);
        d = d.min(segment_dist(p, a, b));
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
        {
            inside = !inside;
        }
    }
    if inside { -d } else { d }
}

/// How a shape is painted: flat fill, optional shadow tone on the side away from the light, optional outline.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    pub fill: Color,
    pub shadow: Option<Color>,
    pub outline: Option<Color>,
}

impl Paint {
    /// Fill only: no shadow, no outline.
    pub fn flat(fill: Color) -> Paint {
        Paint {
            fill,
            shadow: None,
            outline: None,
        }
    }
}

/// Multiplies a colour by `k` (shadow tones, night tints).
pub fn shade(c: Color, k: f32) -> Color {
    c.map(|v| (v as f32 * k).clamp(0.0, 255.0) as u8)
}

/// Linear mix of two colours, `t` = 0 gives `a`.
pub fn lerp(a: Color, b: Color, t: f32) -> Color {
    std::array::from_fn(|i| (a[i] as f32 + (b[i] as f32 - a[i] as f32) * t).round() as u8)
}

/// An image with a world-to-pixel transform and the style's line width and light direction.
pub struct Canvas<'a> {
    pub img: &'a mut RgbImage,
    /// Pixels per world unit.
    pub scale: f32,
    /// Outline thickness in pixels.
    pub line_px: f32,
    /// Unit vector pointing from lit towards shadowed side.
    pub light: [f32; 2],
    /// Pixel position of this image's top-left corner in the full picture (drawing into a crop).
    pub origin: [f32; 2],
}

impl Canvas<'_> {
    /// Paints one shape.
    pub fn draw(&mut self, shape: &Shape, paint: Paint) {
        let b = shape.bounds();
        let pad = if paint.outline.is_some() {
            self.line_px + 1.0
        } else {
            1.0
        };
        let (px0, py0) = (
            self.px(b[0]) - pad - self.origin[0],
            self.px(b[1]) - pad - self.origin[1],
        );
        let (px1, py1) = (
            self.px(b[2]) + pad - self.origin[0],
            self.px(b[3]) + pad - self.origin[1],
        );
        let (w, h) = (self.img.width() as f32, self.img.height() as f32);
        let (xs, xe) = (px0.max(0.0) as u32, px1.min(w).max(0.0) as u32);
        let (ys, ye) = (py0.max(0.0) as u32, py1.min(h).max(0.0) as u32);
        let center = [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
        let ext = ((b[2] - b[0]).hypot(b[3] - b[1]) / 2.0).max(1e-6);
        for y in ys..ye {
            for x in xs..xe {
                let p = [
                    (x as f32 + self.origin[0] + 0.5) / self.scale,
                    (y as f32 + self.origin[1] + 0.5) / self.scale,
                ];
                if let Some(c) = self.color_at(shape, paint, p, center, ext) {
                    self.img.put_pixel(x, y, Rgb(c));
                }
            }
        }
    }

    fn px(&self, world: f32) -> f32 {
        (world * self.scale).floor()
    }

    fn color_at(
        &self,
        shape: &Shape,
        paint: Paint,
        p: [f32; 2],
        c: [f32; 2],
        ext: f32,
    ) -> Option<Color> {
        let d = shape.sdf(p) * self.scale;
        if d <= 0.0 {
            let side = ((p[0] - c[0]) * self.light[0] + (p[1] - c[1]) * self.light[1]) / ext;
            return Some(match paint.shadow {
                Some(s) if side > 0.25 => s,
                _ => paint.fill,
            });
        }
        match paint.outline {
            Some(o) if d <= self.line_px => Some(o),
            _ => None,
        }
    }

    /// Vertical gradient over world rows `y0..y1` spanning the whole width.
    pub fn gradient(&mut self, y0: f32, y1: f32, top: Color, bottom: Color) {
        let (h, w) = (self.img.height(), self.img.width());
        let (p0, p1) = (
            (y0 * self.scale).max(0.0) as u32,
            ((y1 * self.scale) as u32).min(h),
        );
        for y in p0..p1 {
            let t = (y - p0) as f32 / (p1 - p0).max(1) as f32;
            let c = lerp(top, bottom, t);
            for x in 0..w {
                self.img.put_pixel(x, y, Rgb(c));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas(img: &mut RgbImage) -> Canvas<'_> {
        Canvas {
            img,
            scale: 100.0,
            line_px: 2.0,
            light: [1.0, 0.0],
            origin: [0.0; 2],
        }
    }

    #[test]
    fn outlined_shadowed_rect_has_three_tones() {
        let mut img = RgbImage::new(100, 100);
        let paint = Paint {
            fill: [200, 0, 0],
            shadow: Some([100, 0, 0]),
            outline: Some([0, 0, 255]),
        };
        canvas(&mut img).draw(&Shape::rect(0.2, 0.2, 0.8, 0.8), paint);
        assert_eq!(img.get_pixel(30, 50).0, [200, 0, 0]);
        assert_eq!(
            img.get_pixel(75, 50).0,
            [100, 0, 0],
            "shadow on the far side of the light"
        );
        assert_eq!(img.get_pixel(19, 50).0, [0, 0, 255], "outline just outside");
        assert_eq!(
            img.get_pixel(10, 50).0,
            [0, 0, 0],
            "nothing beyond the outline"
        );
    }

    #[test]
    fn polygon_and_blob_insides_are_filled() {
        let mut img = RgbImage::new(100, 100);
        let tri = Shape::Poly(vec![[0.1, 0.9], [0.5, 0.1], [0.9, 0.9]]);
        canvas(&mut img).draw(&tri, Paint::flat([9, 9, 9]));
        assert_eq!(img.get_pixel(50, 70).0, [9, 9, 9]);
        assert_eq!(img.get_pixel(12, 20).0, [0, 0, 0]);
        let blob = Shape::Blob(vec![[0.2, 0.2, 0.1], [0.3, 0.2, 0.1]]);
        canvas(&mut img).draw(&blob, Paint::flat([7, 7, 7]));
        assert_eq!(img.get_pixel(25, 20).0, [7, 7, 7]);
    }
}
