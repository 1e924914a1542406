//! A camera index with no device behind it opens as a clean `Absent`, on any machine.
//!
//! The test never skips: it asks for indices that have no `/dev/video<index>`, so a camera
//! plugged in elsewhere cannot make it pass by returning early. Where there is no camera at
//! all (the test machines) the first such index is 0, the default.
#![cfg(all(feature = "nokhwa", target_os = "linux"))]

use std::path::Path;

use station_camera::{CameraError, NokhwaConfig, NokhwaSource};

/// Camera indices with no V4L2 device node, smallest first.
fn missing_indices() -> impl Iterator<Item = u32> {
    (0..).filter(|i| !Path::new(&format!("/dev/video{i}")).exists())
}

#[test]
fn an_index_with_no_device_is_absent() {
    for index in missing_indices().take(2) {
        let config = NokhwaConfig {
            index,
            ..NokhwaConfig::default()
        };
        match NokhwaSource::open(config) {
            Err(CameraError::Absent) => {}
            Err(e) => panic!("index {index}: expected Absent, got {e}"),
            Ok(_) => panic!("index {index}: a camera opened where none exists"),
        }
    }
}
