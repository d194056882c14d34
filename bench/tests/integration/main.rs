//! End-to-end checks of the evaluation and benchmark code, one binary with a
//! module per subject: accuracy per distortion class, the scale smoke run.

mod accuracy;
mod scale_smoke;
