fn main() {
    let (w, h, stride) = (1920u32, 1080u32, 1920usize);
    let plane: Vec<u8> = (0..stride * h as usize).map(|i| ((i * 7 + i / 1920 * 13) % 251) as u8).collect();
    let n = 300;
    let t = std::time::Instant::now();
    let mut g = None;
    for _ in 0..n { g = Some(shared::Gray::from_plane(&plane, w, h, stride)); }
    let a = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
    let g = g.unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n { std::hint::black_box(shared::borders::content_rect(&g)); }
    let b = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
    let t = std::time::Instant::now();
    for _ in 0..n { std::hint::black_box(shared::query::frame_descriptor(&g)); }
    let c = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
    println!("from_plane {a:.3} ms, content_rect {b:.3} ms, frame_descriptor (incl. rect) {c:.3} ms");
}
