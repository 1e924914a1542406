//! Face framing on still images: scikit-image's astronaut.png (public domain, NASA), committed as a
//! small grey crop, and scenes made from it.
#![cfg(feature = "face")]

mod common;

use common::{astronaut, compose, scaled_brightness, Lcg};
use station_camera::{
    CapturedFace, FaceGuide, FaceGuideConfig, FaceMatcher, Frame, Framing, MatchOutcome,
    NotConfiguredMatcher,
};

fn guide() -> FaceGuide {
    FaceGuide::new(FaceGuideConfig::default()).expect("bundled model loads")
}

/// The astronaut crop scaled to a 640x480 camera frame (face ≈ 36 % of the width, centred).
fn good_frame() -> Frame {
    astronaut().resized(640, 480).expect("resize")
}

#[test]
fn one_centred_face_is_good() {
    let g = guide();
    let faces = g.detect(&good_frame());
    assert_eq!(faces.len(), 1, "{faces:?}");
    match g.assess(&good_frame()) {
        Framing::Good { face_box } => {
            assert!(face_box.width > 180 && face_box.width < 320, "{face_box:?}");
        }
        other => panic!("{other:?}"),
    }
    // The committed crop as it is (280x210) is a good frame too.
    assert!(matches!(g.assess(&astronaut()), Framing::Good { .. }));
}

#[test]
fn no_face_in_a_plain_or_noisy_scene() {
    let g = guide();
    let plain = Frame::from_luma(640, 480, vec![150; 640 * 480]).unwrap();
    assert_eq!(g.assess(&plain), Framing::NoFace);
    let mut rng = Lcg::new(5);
    let gradient: Vec<u8> = (0..640 * 480u32)
        .map(|i| ((i % 640) / 3) as u8 / 2 + 60 + rng.next_u8() % 16)
        .collect();
    assert_eq!(
        g.assess(&Frame::from_luma(640, 480, gradient).unwrap()),
        Framing::NoFace
    );
}

#[test]
fn two_faces_side_by_side() {
    let a = astronaut();
    let mut luma = Vec::with_capacity(560 * 210);
    for y in 0..210 {
        for _ in 0..2 {
            for x in 0..280 {
                luma.push(a.get(x, y).unwrap());
            }
        }
    }
    let tiled = Frame::from_luma(560, 210, luma).unwrap();
    let frame = compose(&tiled, 640, 480, 40, 135, 128, 4);
    assert_eq!(guide().assess(&frame), Framing::TwoOrMoreFaces);
}

#[test]
fn dark_scene_and_dark_face() {
    let g = guide();
    assert_eq!(
        g.assess(&scaled_brightness(&good_frame(), 0.12)),
        Framing::TooDark
    );
    // Room lit, face dim: the frame mean passes, the face box does not.
    assert_eq!(
        g.assess(&scaled_brightness(&good_frame(), 0.3)),
        Framing::TooDark
    );
}

#[test]
fn small_face_in_a_big_frame_is_too_far() {
    // The 280x210 crop unscaled in a 640x480 frame: face ≈ 16 % of the width.
    let frame = compose(&astronaut(), 640, 480, 180, 135, 128, 4);
    assert_eq!(guide().assess(&frame), Framing::TooFar);
}

#[test]
fn cropped_face_is_too_close() {
    let close = astronaut()
        .crop(70, 35, 140, 105)
        .unwrap()
        .resized(640, 480)
        .unwrap();
    assert_eq!(guide().assess(&close), Framing::TooClose);
}

#[test]
fn face_at_the_side_is_off_centre() {
    let big = astronaut().resized(480, 360).unwrap();
    let shifted = big.crop(100, 0, 380, 360).unwrap();
    let frame = compose(&shifted, 640, 480, 0, 60, 128, 4);
    assert_eq!(guide().assess(&frame), Framing::OffCentre);
}

#[test]
fn captures_one_face_after_a_stable_run() {
    let mut g = guide();
    let good = good_frame();
    let plain = Frame::from_luma(640, 480, vec![150; 640 * 480]).unwrap();
    assert!(g.step(&good).captured.is_none());
    // A bad frame resets the run.
    assert_eq!(g.step(&plain).framing, Framing::NoFace);
    assert!(g.step(&good).captured.is_none());
    assert!(g.step(&good).captured.is_none());
    let step = g.step(&good);
    let face: CapturedFace = step.captured.expect("captured after 3 good frames");
    assert!(face.width() > 200 && face.height() > 200, "{face:?}");
    assert_eq!(face.luma().len(), (face.width() * face.height()) as usize);
    assert!(face.sharpness() > 0.0);
    assert_eq!(
        format!("{face:?}"),
        format!("CapturedFace({}x{})", face.width(), face.height())
    );
    assert_eq!(
        NotConfiguredMatcher.compare(&face, &good),
        MatchOutcome::NotConfigured
    );
}

#[test]
fn garbage_sized_frames_do_not_panic() {
    let g = guide();
    for (w, h) in [(1, 1), (19, 19), (20, 20), (4096, 1), (1, 4096), (33, 7)] {
        let f = Frame::from_luma(w, h, vec![200; (w * h) as usize]).unwrap();
        let _ = g.assess(&f);
    }
}
