//! The index file: a fixed header (magic, version, counts, section sizes,
//! checksums), an rkyv archive of the anime and videos, the frames' time
//! deltas, and their codes in buckets for sublinear search. It is
//! memory-mapped and read in place; see `ARCHITECTURE.md` for the layout.

mod header;
mod layout;
mod legacy;
mod model;
mod part;
mod reader;
mod writer;

pub use header::{FORMAT_VERSION, HEADER_LEN, Header, MAGIC};
pub use layout::{ENTRY_BYTES, Layout};
pub use legacy::write_format_3;
pub use model::{
    Anime, ArchivedAnime, ArchivedFailure, ArchivedVideo, Failure, IndexData, Meta, Titles, Video,
};
pub use part::Part;
pub use reader::{Bucket, Index};
pub use writer::{IndexBuilder, temp_path, write_atomically, write_part_atomically};
