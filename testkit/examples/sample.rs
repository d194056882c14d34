//! Writes sample pictures to look at by eye: `cargo run --release -p testkit --example sample OUT_DIR`.

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    for seed in 0..6 {
        let img = testkit::picture::sample(seed, 1280, 720);
        img.save(format!("{out}/sample{seed}.png"))
            .expect("write png");
    }
}
