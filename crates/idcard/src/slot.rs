//! The ID card reader the station's config names: the one place its backend is chosen.

use station_core::config::IdCardReaderChoice;

use crate::{IdCardReaderBackend, SerialSamReader, SimulatedIdCardReader};

/// The reader's backend (none when the station has no ID card reader), and the simulator's
/// handle when it is simulated (demo mode: the on-screen control places a sample card).
pub struct IdCardSlot {
    pub reader: Option<Box<dyn IdCardReaderBackend>>,
    pub simulated: Option<SimulatedIdCardReader>,
}

pub fn open_slot(choice: &IdCardReaderChoice) -> IdCardSlot {
    match choice {
        IdCardReaderChoice::None => IdCardSlot {
            reader: None,
            simulated: None,
        },
        IdCardReaderChoice::Simulated => {
            tracing::info!("ID card reader: simulated (demo mode)");
            let sim = SimulatedIdCardReader::new();
            IdCardSlot {
                reader: Some(Box::new(sim.clone())),
                simulated: Some(sim),
            }
        }
        IdCardReaderChoice::Serial(path) => {
            tracing::info!(path = %path.display(), "ID card reader: SAM module on a serial port");
            IdCardSlot {
                reader: Some(Box::new(SerialSamReader::new(path.clone()))),
                simulated: None,
            }
        }
    }
}
