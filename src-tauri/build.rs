fn main() {
    // Only the commands the UI uses are exposed; capabilities/ grants them to the main window.
    let manifest =
        tauri_build::AppManifest::new().commands(&["station_view", "act", "watch_live_video"]);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        panic!("tauri build step failed: {e:#}");
    }
    // Cross-built with MinGW (packaging/README.md, "MSI"): libopus is compiled with GCC's stack
    // protector, whose runtime MinGW keeps in libssp; linked statically, so no DLL ships. The
    // linker reads left to right: libssp's own needs (the C runtime, CryptoAPI) come after it.
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "windows" && target_env == "gnu" {
        for arg in ["-l:libssp.a", "-lmsvcrt", "-ladvapi32"] {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}
