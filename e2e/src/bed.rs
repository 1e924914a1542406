//! The test bed the journeys share: one virtual display and one private pcscd per test binary
//! (tests take turns through a lock), and the steps most journeys take.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use station_card::testbed::PrivatePcscd;
use station_card::virtual_card::{CardBehaviour, CardImage, VpcdCard};
use station_i18n::Catalog;
use station_protocol::Locale;

use crate::display::Display;
use crate::station::{Station, StationOptions};

/// The display and the card service every test of a binary shares.
pub struct Bed {
    pub display: Display,
    pub pcscd: PrivatePcscd,
}

pub fn bed() -> MutexGuard<'static, Bed> {
    static BED: OnceLock<Mutex<Bed>> = OnceLock::new();
    BED.get_or_init(|| {
        let display = Display::start().expect("virtual display");
        let pcscd = PrivatePcscd::start().expect("private pcscd with vpcd");
        Mutex::new(Bed { display, pcscd })
    })
    .lock()
    .unwrap_or_else(|p| p.into_inner())
}

pub fn zh() -> Catalog {
    Catalog::new(Locale::ZhCn)
}

pub fn en() -> Catalog {
    Catalog::new(Locale::EnUs)
}

pub fn socket(bed: &Bed) -> Option<PathBuf> {
    Some(bed.pcscd.socket_env().1)
}

pub fn launch(bed: &Bed, opts: StationOptions) -> Station {
    Station::launch(&bed.display, opts).expect("kiosk starts")
}

/// Pulls a card and gives pcscd time to notice: it polls card presence about every 0.4 s, and a
/// card pulled and another inserted within one poll looks like one card that never left.
pub fn pull_and_settle(card: VpcdCard) {
    card.pull();
    std::thread::sleep(Duration::from_secs(1));
}

/// Inserts the sample resident's social-security card into the first virtual reader.
pub fn insert_resident(bed: &Bed) -> VpcdCard {
    VpcdCard::insert(
        bed.pcscd.vpcd_addr(),
        CardBehaviour::Resident(CardImage::sample_resident()),
    )
    .expect("virtual card reaches vpcd")
}

/// From the home screen through the guided blood-pressure steps; returns the result page text.
pub fn measure_bp(st: &Station, t: &Catalog) -> String {
    for step in [
        "service-self-test",
        "measure-blood-pressure",
        "measure-next",
        "measure-start",
    ] {
        st.press(&t.text(step)).expect("guided step");
    }
    st.wait_screen("measure_result", &t.text("result-saved"))
        .expect("result screen")
}

/// The sample card's holder, masked as the screen must show it.
pub const MASKED_NAME: &str = "张*华";

/// The text layer of a printed PDF (`pdftotext`, poppler-utils): what is on paper.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("printed.pdf");
    std::fs::write(&path, pdf).expect("the PDF written");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
