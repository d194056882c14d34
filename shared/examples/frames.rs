//! Prints the kept frames of one video of an index near a time: a tool for
//! checking what the indexer stored.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let index = shared::Index::open(std::path::Path::new(&args[1])).expect("index");
    let video: usize = args[2].parse().expect("video position");
    let around: f64 = args[3].parse().expect("seconds");
    let codes = index.codes_in_frame_order();
    let first = index.frame_range(video).start as usize;
    for (i, t) in index.times_ms(video).iter().enumerate() {
        if (*t as f64 / 1000.0 - around).abs() < 0.3 {
            let c = codes[first + i];
            println!("{:.3} {:016x}{:08x}", *t as f64 / 1000.0, c.lo, c.hi);
        }
    }
}
