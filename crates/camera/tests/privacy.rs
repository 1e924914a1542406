//! The crate must never write an image: no file-writing call appears in its source.

#[test]
fn source_has_no_file_writes() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let forbidden = [
        "fs::write",
        "File::create",
        "OpenOptions",
        ".save(",
        "save_buffer",
        "write_to(",
    ];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for f in forbidden {
            assert!(!text.contains(f), "{} contains {f}", path.display());
        }
    }
}
