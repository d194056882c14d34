//! End-to-end checks of the evaluation and benchmark code, one binary with a
//! module per subject: accuracy per distortion class, the scale smoke run,
//! the HTTP load generator, the recorded accuracy report's notes.

mod accuracy;
mod load;
mod notes;
mod scale_smoke;
