// A build script, so that the build-dependencies section (build scripts and proc macros) counts.
fn main() {}
