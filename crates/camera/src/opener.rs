//! The camera the station's config names: the one place its backend is chosen. The camera is
//! opened only while a resident shows a code or (after consent) their face, so what the
//! station keeps is a way to open it.

use std::path::{Path, PathBuf};

use station_core::config::CameraChoice;

use crate::{CameraError, FrameSource, StillImageSource};

/// Opens the station's camera, or says why it cannot.
pub type CameraOpener = Box<dyn Fn() -> Result<Box<dyn FrameSource>, CameraError> + Send + Sync>;

/// `None` when the station has no camera (or this build cannot drive the one named).
pub fn opener(choice: &CameraChoice) -> Option<CameraOpener> {
    match choice {
        CameraChoice::None => None,
        CameraChoice::Simulated => {
            tracing::info!("camera: simulated (shows a sample health code)");
            Some(Box::new(|| {
                crate::simulated::demo_camera().map(|c| Box::new(c) as Box<dyn FrameSource>)
            }))
        }
        CameraChoice::Stills(dir) => {
            tracing::info!(dir = %dir.display(), "camera: still images");
            let dir = dir.clone();
            Some(Box::new(move || {
                StillImageSource::from_files(stills_in(&dir)?)
                    .map(|c| Box::new(c) as Box<dyn FrameSource>)
            }))
        }
        CameraChoice::Device(index) => device(*index),
    }
}

/// The PNG and JPEG files of `dir`, in name order.
fn stills_in(dir: &Path) -> Result<Vec<PathBuf>, CameraError> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| CameraError::Backend(e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "jpg"))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(feature = "nokhwa")]
fn device(index: u32) -> Option<CameraOpener> {
    tracing::info!(index, "camera: a real camera through nokhwa");
    Some(Box::new(move || {
        let config = crate::NokhwaConfig {
            index,
            ..Default::default()
        };
        crate::NokhwaSource::open(config).map(|c| Box::new(c) as Box<dyn FrameSource>)
    }))
}

#[cfg(not(feature = "nokhwa"))]
fn device(index: u32) -> Option<CameraOpener> {
    tracing::error!(
        index,
        "[hardware] camera names a device, but this build has no camera support (feature \"camera\"); QR codes are off"
    );
    None
}
