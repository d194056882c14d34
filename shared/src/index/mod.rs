//! The index file: a fixed header (magic, version, counts, section sizes,
//! checksums), an rkyv archive of the anime and videos, the frames' time
//! deltas, and their codes (the whole frame's, the inner window's) in
//! buckets for sublinear search. It is
//! memory-mapped and read in place; see `ARCHITECTURE.md` for the layout.

mod header;
mod layout;
mod model;
mod part;
mod reader;
mod writer;

pub use header::{FORMAT_VERSION, HEADER_LEN, Header, MAGIC};
pub use layout::{ENTRY_BYTES, Layout};
pub use model::{
    Anime, ArchivedAnime, ArchivedFailure, ArchivedVideo, Failure, IndexData, Meta, Titles, Video,
};
pub use part::Part;
pub use reader::{Bucket, Codes, Index};
pub use writer::{IndexBuilder, KeptFrame, temp_path, write_atomically, write_part_atomically};
