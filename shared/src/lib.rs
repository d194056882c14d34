//! What the indexer and the server must agree on: how a frame becomes a
//! descriptor, how descriptors are stored in the index file, and how a
//! screenshot is searched against it.

pub mod answer;
pub mod borders;
pub mod dct;
pub mod descriptor;
pub mod error;
pub mod gray;
pub mod image_decode;
pub mod index;
pub mod query;
pub mod search;

pub use answer::{AnimeRef, SearchHit};
pub use descriptor::FrameCode;
pub use error::{IndexError, QueryError};
pub use gray::Gray;
pub use image_decode::DecodeLimits;
pub use index::{Index, IndexBuilder};
pub use query::QueryOptions;
