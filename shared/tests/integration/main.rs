//! The shared library's integration tests, one binary with a module per
//! subject: screenshot decoding, grouping hits into answers, and properties
//! of the code and index format.

mod decode;
mod grouping;
mod properties;
mod reframed;
