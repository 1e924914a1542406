//! With no camera (no /dev/video here), opening one is a clean `Absent`.
#![cfg(feature = "nokhwa")]

use station_camera::{CameraError, NokhwaConfig, NokhwaSource};

#[test]
fn no_camera_is_absent() {
    if std::path::Path::new("/dev/video0").exists() {
        println!("skipped: /dev/video0 exists on this machine");
        return;
    }
    match NokhwaSource::open(NokhwaConfig::default()) {
        Err(CameraError::Absent) => {}
        Err(e) => panic!("expected Absent, got {e}"),
        Ok(_) => panic!("a camera opened where none exists"),
    }
    let other = NokhwaConfig {
        index: 7,
        ..NokhwaConfig::default()
    };
    assert!(matches!(
        NokhwaSource::open(other),
        Err(CameraError::Absent)
    ));
}
