//! Frames and still-image sources: garbage in → errors, never panics.

mod common;

use station_camera::{CameraError, Frame, FrameError, FrameSource, StillImageSource};

#[test]
fn garbage_buffers_are_errors() {
    assert_eq!(Frame::from_luma(0, 480, vec![]), Err(FrameError::ZeroSize));
    assert_eq!(Frame::from_luma(640, 0, vec![]), Err(FrameError::ZeroSize));
    assert_eq!(
        Frame::from_luma(640, 480, vec![0; 1000]),
        Err(FrameError::Length {
            expected: 640 * 480,
            got: 1000
        })
    );
    assert_eq!(
        Frame::from_luma(100_000, 100_000, vec![]),
        Err(FrameError::TooLarge {
            width: 100_000,
            height: 100_000
        })
    );
    assert_eq!(
        Frame::from_luma(u32::MAX, u32::MAX, vec![]),
        Err(FrameError::TooLarge {
            width: u32::MAX,
            height: u32::MAX
        })
    );
    assert!(Frame::from_rgb(4, 4, &[0; 47]).is_err());
    assert!(Frame::from_yuyv(4, 4, &[0; 31]).is_err());
    assert!(Frame::from_nv12(4, 4, &[0; 23]).is_err());
    assert!(Frame::from_nv12(4, 4, &[0; 24]).is_ok());
    assert!(Frame::from_encoded(b"").is_err());
    assert!(Frame::from_encoded(b"not an image at all").is_err());
}

#[test]
fn truncated_png_and_jpeg_are_errors() {
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/images/astronaut_face.png"
    ))
    .unwrap();
    // (Dropping only the trailing IEND chunk leaves every pixel intact, which decoders accept.)
    for cut in [8, 33, 100, png.len() / 2, png.len() - 20] {
        assert!(Frame::from_encoded(&png[..cut]).is_err(), "cut at {cut}");
    }
    // A JPEG header with nothing after it.
    assert!(Frame::from_encoded(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]).is_err());
}

#[test]
fn conversions_keep_the_grey() {
    let f = Frame::from_rgb(2, 1, &[255, 255, 255, 0, 0, 0]).unwrap();
    assert_eq!(f.luma(), &[255, 0]);
    let f = Frame::from_yuyv(2, 1, &[10, 128, 20, 128]).unwrap();
    assert_eq!(f.luma(), &[10, 20]);
    assert_eq!(format!("{f:?}"), "Frame(2x1)");
}

#[test]
fn still_images_loop_and_can_unplug() {
    let a = Frame::from_luma(2, 2, vec![1; 4]).unwrap();
    let b = Frame::from_luma(2, 2, vec![2; 4]).unwrap();
    let mut src = StillImageSource::new(vec![a, b]).unwrap().unplug_after(3);
    let got: Vec<u8> = (0..3)
        .map(|_| src.next_frame().unwrap().luma()[0])
        .collect();
    assert_eq!(got, [1, 2, 1]);
    assert!(matches!(src.next_frame(), Err(CameraError::Unplugged)));
    assert!(matches!(
        StillImageSource::new(vec![]),
        Err(CameraError::Absent)
    ));
}

#[test]
fn still_images_from_files() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/images/astronaut_face.png"
    );
    let mut src = StillImageSource::from_files([path]).unwrap();
    let f = src.next_frame().unwrap();
    assert_eq!((f.width(), f.height()), (280, 210));
    let missing = StillImageSource::from_files(["/nonexistent/x.png"]);
    assert!(matches!(missing, Err(CameraError::StillImage { .. })));
    // A boxed source is a source too (the kiosk picks one at run time).
    let boxed: Box<dyn FrameSource> = Box::new(src);
    fn takes(_: impl FrameSource) {}
    takes(boxed);
}

#[test]
fn a_frame_round_trips_through_its_jpeg_photo() {
    // Left half dark, right half light: a JPEG keeps that within a few levels.
    let (w, h) = (64u32, 48u32);
    let luma: Vec<u8> = (0..w * h)
        .map(|i| if i % w < w / 2 { 30 } else { 220 })
        .collect();
    let frame = Frame::from_luma(w, h, luma).unwrap();
    let jpeg = frame.to_jpeg(85).unwrap();
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "a JPEG");
    let back = Frame::from_encoded(&jpeg).unwrap();
    assert_eq!((back.width(), back.height()), (w, h));
    let dark = back.mean_luma_in(0, 0, 24, 48).unwrap();
    let light = back.mean_luma_in(40, 0, 24, 48).unwrap();
    assert!((dark - 30.0).abs() < 6.0, "{dark}");
    assert!((light - 220.0).abs() < 6.0, "{light}");
}
