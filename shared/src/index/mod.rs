//! The index file: a fixed header (magic, version, counts, checksums)
//! followed by an rkyv archive of the anime, the videos and their frames.
//! It is memory-mapped and read in place; see `ARCHITECTURE.md` for the
//! byte layout.

mod header;
mod model;
mod reader;
mod writer;

pub use header::{FORMAT_VERSION, HEADER_LEN, Header, MAGIC};
pub use model::{Anime, ArchivedAnime, ArchivedVideo, IndexData, Video};
pub use reader::{Index, VideoFrames};
pub use writer::{IndexBuilder, temp_path, write_atomically};
