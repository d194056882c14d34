//! How an indexed frame is described: over which areas of the picture, so
//! that the indexer and the query cut a frame the same way. A frame gets
//! two codes: one of the whole frame (less a small margin) and one of its
//! inner window, the middle 60 % each way, which any crop of up to 20 % a
//! side still shows whole.

use super::{Descriptor, describe};
use crate::borders::{self, Bars, Rect};
use crate::gray::Gray;

/// Share of each side the descriptor ignores, so that a screenshot cropped
/// by up to this much still sees the whole described area.
pub const MARGIN: f32 = 0.04;
/// Share of each side of the content area outside the inner window.
pub const INNER: f32 = 0.2;

/// The area of a frame the descriptor covers: the frame without the dark
/// bars it carries (letterbox, pillarbox), less the fixed margin. Every
/// indexed frame is described over this area, and every query tries it
/// first: the same cut on both sides.
pub fn described_area(img: &Gray) -> Rect {
    borders::content_rect(img, Bars::Dark).shrunk(MARGIN, MARGIN, MARGIN, MARGIN)
}

/// The inner window of a frame: its content area (as `described_area`
/// cuts it) less `INNER` of each side.
pub fn inner_area(img: &Gray) -> Rect {
    borders::content_rect(img, Bars::Dark).shrunk(INNER, INNER, INNER, INNER)
}

/// The descriptor a frame is indexed under.
pub fn frame_descriptor(img: &Gray) -> Descriptor {
    describe(img, described_area(img))
}

/// The descriptor of a frame's inner window (see `inner_area`), its
/// second code in the index; the indexer hashes it for kept frames only.
pub fn inner_descriptor(img: &Gray) -> Descriptor {
    describe(img, inner_area(img))
}
