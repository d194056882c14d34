//! End-to-end checks of the evaluation and benchmark code, one binary with a
//! module per subject: accuracy per distortion class, the scale smoke run,
//! the HTTP load generator.

mod accuracy;
mod load;
mod scale_smoke;
