//! Prints the descriptor, energy and content area of images: a tool for
//! looking at what the index sees.

fn main() {
    for path in std::env::args().skip(1) {
        let img = image::open(&path).expect("readable image").to_rgb8();
        let gray = shared::Gray::from_rgb(&img);
        let area = shared::descriptor::described_area(&gray);
        let d = shared::descriptor::frame_descriptor(&gray);
        println!(
            "{path}: {}x{} energy {:.2} flat {} code {:016x}{:08x} area {:.0},{:.0}-{:.0},{:.0}",
            gray.width,
            gray.height,
            d.energy,
            d.is_flat(),
            d.code.lo,
            d.code.hi,
            area.x0,
            area.y0,
            area.x1,
            area.y1
        );
    }
}
