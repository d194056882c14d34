//! How an indexed frame is described: over which area of the picture, so
//! that the indexer and the query cut a frame the same way.

use super::{Descriptor, describe};
use crate::borders::{self, Bars, Rect};
use crate::gray::Gray;

/// Share of each side the descriptor ignores, so that a screenshot cropped
/// by up to this much still sees the whole described area.
pub const MARGIN: f32 = 0.04;

/// The area of a frame the descriptor covers: the frame without the dark
/// bars it carries (letterbox, pillarbox), less the fixed margin. Every
/// indexed frame is described over this area, and every query tries it
/// first: the same cut on both sides.
pub fn described_area(img: &Gray) -> Rect {
    borders::content_rect(img, Bars::Dark).shrunk(MARGIN, MARGIN, MARGIN, MARGIN)
}

/// The descriptor a frame is indexed under.
pub fn frame_descriptor(img: &Gray) -> Descriptor {
    describe(img, described_area(img))
}
