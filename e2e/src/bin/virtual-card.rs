//! Inserts a virtual social-security card into a vsmartcard-vpcd reader and keeps it there
//! until Enter is pressed (= card pulled). For trying the kiosk against a real pcscd by hand:
//!
//!   cargo run -p station-e2e --bin virtual-card -- [resident|foreign|garbage] [127.0.0.1:35963]
//!
//! Never install vsmartcard-vpcd on a station: it listens on the network.

use std::net::SocketAddr;

use station_card::virtual_card::{CardBehaviour, CardImage, VpcdCard};

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let kind = args.next().unwrap_or_else(|| "resident".into());
    let addr: SocketAddr = match args
        .next()
        .unwrap_or_else(|| "127.0.0.1:35963".into())
        .parse()
    {
        Ok(a) => a,
        Err(e) => {
            eprintln!("virtual-card: bad address: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let behaviour = match kind.as_str() {
        "resident" => CardBehaviour::Resident(CardImage::sample_resident()),
        "foreign" => CardBehaviour::Foreign,
        "garbage" => CardBehaviour::Garbage,
        other => {
            eprintln!("virtual-card: unknown card {other:?} (resident, foreign, garbage)");
            return std::process::ExitCode::from(2);
        }
    };
    let card = match VpcdCard::insert(addr, behaviour) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("virtual-card: cannot reach vpcd at {addr}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("card inserted into {addr}; press Enter to pull it");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    card.pull();
    std::process::ExitCode::SUCCESS
}
