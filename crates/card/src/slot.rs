//! The card slot the station's config names: the one place its backend is chosen.

use station_core::config::CardReaderChoice;

use crate::{CardReaderBackend, PcscReader, SimulatedReader, StaffCards};

/// The slot's backend, and the simulator's handle when it is simulated (demo mode: the
/// on-screen controls insert and pull its cards).
pub struct CardSlot {
    pub reader: Box<dyn CardReaderBackend>,
    pub simulated: Option<SimulatedReader>,
}

/// PC/SC (a missing reader is reported by the watcher as a status, and picked up when it is
/// plugged in), or the simulator.
pub fn open_slot(choice: CardReaderChoice, staff: StaffCards) -> CardSlot {
    match choice {
        CardReaderChoice::Pcsc => {
            tracing::info!("card reader: PC/SC");
            CardSlot {
                reader: Box::new(PcscReader::new().with_staff_cards(staff)),
                simulated: None,
            }
        }
        CardReaderChoice::Simulated => {
            tracing::info!("card reader: simulated (demo mode)");
            let sim = SimulatedReader::new().with_staff_cards(staff);
            CardSlot {
                reader: Box::new(sim.clone()),
                simulated: Some(sim),
            }
        }
    }
}
