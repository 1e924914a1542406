//! Reader-level figures of a card read on the test bed (private pcscd, vpcd, the sample virtual
//! card), one `name: value unit` a line — the same figures `scripts/bench` prints, without the
//! app window: `cargo run -p station-card --features testbed --example read_figures`.

use station_card::testbed::{reader_figures, PrivatePcscd};
use station_card::virtual_card::CardImage;

fn main() {
    let pcscd = match PrivatePcscd::start() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("read_figures: pcscd: {e}");
            std::process::exit(1);
        }
    };
    let (var, socket) = pcscd.socket_env();
    // Before any PC/SC call, and before any other thread reads the environment.
    std::env::set_var(var, socket);
    match reader_figures(&pcscd, &CardImage::sample_resident(), 9, 200) {
        Ok(f) => {
            for (name, value, unit) in f.lines() {
                println!("{name}: {value:.2} {unit}");
            }
        }
        Err(e) => {
            eprintln!("read_figures: {e}");
            std::process::exit(1);
        }
    }
}
