//! Prints `name: value unit` lines: QR decode per 640x480 frame, face detection per frame, a
//! fault report's photo (JPEG encoding and size).
//! Run optimised: `cargo run -p station-camera --release --example camera_figures`.

use std::time::Instant;

use station_camera::{read_qr, Frame};

fn time_ms(runs: u32, mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let start = Instant::now();
    for _ in 0..runs {
        f();
    }
    start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs)
}

/// A 640x480 frame with a 28-digit voucher QR code at 4 px a module, on a noisy grey background.
fn qr_scene() -> Frame {
    let code = qrcode::QrCode::new(b"4243669509084040896099330000").expect("QR fits");
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let (px, ox, oy) = (4u32, 240u32, 160u32);
    let mut seed = 1u64;
    let luma = (0..640 * 480u32)
        .map(|i| {
            let (x, y) = (i % 640, i / 640);
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let noise = (seed >> 60) as u8;
            let (mx, my) = ((x.wrapping_sub(ox)) / px, (y.wrapping_sub(oy)) / px);
            let dark = x >= ox
                && y >= oy
                && mx < modules
                && my < modules
                && colors[(my * modules + mx) as usize] == qrcode::Color::Dark;
            if dark {
                10 + noise
            } else {
                200 + noise
            }
        })
        .collect();
    Frame::from_luma(640, 480, luma).expect("640x480")
}

fn main() {
    let qr = qr_scene();
    let ok = read_qr(&qr).is_ok();
    println!("qr_decoded_640x480: {} bool", u8::from(ok));
    println!(
        "qr_decode_640x480: {:.1} ms",
        time_ms(20, || drop(std::hint::black_box(read_qr(&qr))))
    );
    let empty = Frame::from_luma(640, 480, vec![128; 640 * 480]).expect("640x480");
    println!(
        "qr_scan_no_code_640x480: {:.1} ms",
        time_ms(20, || drop(std::hint::black_box(read_qr(&empty))))
    );

    // A fault photo: one 640x480 frame as the JPEG admin mode files with the report.
    let jpeg = qr.to_jpeg(85).expect("jpeg");
    println!(
        "fault_photo_jpeg_640x480: {:.1} ms",
        time_ms(20, || drop(std::hint::black_box(qr.to_jpeg(85))))
    );
    println!("fault_photo_size_640x480: {} KiB", jpeg.len() / 1024);

    #[cfg(feature = "face")]
    face_figures();
}

#[cfg(feature = "face")]
fn face_figures() {
    use station_camera::{FaceGuide, FaceGuideConfig};
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/images/astronaut_face.png"
    );
    let bytes = std::fs::read(path).expect("test image");
    let face = Frame::from_encoded(&bytes)
        .expect("png")
        .resized(640, 480)
        .expect("resize");
    let load = Instant::now();
    let guide = FaceGuide::new(FaceGuideConfig::default()).expect("model");
    println!(
        "face_model_load: {:.1} ms",
        load.elapsed().as_secs_f64() * 1000.0
    );
    for width in [160u32, 240, 320, 480, 640] {
        let g = FaceGuide::new(FaceGuideConfig {
            analysis_width: width,
            ..FaceGuideConfig::default()
        })
        .expect("model");
        let ms = time_ms(10, || {
            std::hint::black_box(g.assess(&face));
        });
        println!("face_assess_640x480_at_{width}: {ms:.1} ms");
        println!("face_assess_fps_at_{width}: {:.1} fps", 1000.0 / ms);
        println!("face_found_at_{width}: {} count", g.detect(&face).len());
    }
    let _ = guide;
}
