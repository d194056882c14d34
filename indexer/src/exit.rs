//! The indexer's exit codes, in one place (the README documents them).

use std::process::ExitCode;

/// Everything went well.
pub const OK: u8 = 0;
/// The command finished but something was skipped or found wrong: a video
/// that could not be decoded, an image that could not be searched, a
/// corrupt index found by `verify`.
pub const PARTIAL: u8 = 1;
/// Nothing useful was done: the library is missing, the output is not
/// writable, the index cannot be opened, bad arguments.
pub const FATAL: u8 = 2;

pub fn code(c: u8) -> ExitCode {
    ExitCode::from(c)
}
