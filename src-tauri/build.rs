fn main() {
    // Only the commands the UI uses are exposed; capabilities/ grants them to the main window.
    let manifest =
        tauri_build::AppManifest::new().commands(&["station_view", "act", "watch_live_video"]);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        panic!("tauri build step failed: {e:#}");
    }
}
