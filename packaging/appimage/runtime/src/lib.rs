//! Nothing to compile: see Cargo.toml (this package only pins where the AppImage runtime comes from).
