//! The station's medicine cabinet (便民取药柜; Wenzhou 6.3.3.2 step 4: the prescription goes to
//! the cabinet or to delivery). A cabinet takes the doctor's order and answers with a pickup
//! code the resident types at the cabinet; the kiosk prints it on the pickup slip. Vendors'
//! cabinets each speak their own protocol: each gets an adapter behind [`MedicineCabinet`].
//! Until a real one is wired, a station has none (`None`) and the slip sends the resident to
//! the health centre's pharmacy; a demonstration has [`SimulatedCabinet`].

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use station_core::config::CabinetChoice;
use station_protocol::PrescriptionLine;
use thiserror::Error;

/// What the cabinet is asked to hand out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CabinetOrder {
    /// The slip's number: the cabinet keeps it with the order, the pharmacy finds it by it.
    pub slip_id: String,
    pub doctor: String,
    pub items: Vec<PrescriptionLine>,
}

/// The code the resident types at the cabinet: 4 to 12 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickupCode(String);

impl PickupCode {
    /// A cabinet's answer, checked: anything but 4–12 ASCII digits is refused (it is printed
    /// and typed by an elderly resident on the cabinet's keypad).
    pub fn parse(answer: &str) -> Result<PickupCode, CabinetError> {
        let code = answer.trim();
        if (4..=12).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(PickupCode(code.to_string()))
        } else {
            Err(CabinetError::BadAnswer)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CabinetError {
    #[error("the medicine cabinet is not answering: {0}")]
    Unavailable(String),
    #[error("the medicine cabinet does not stock {drug}")]
    NotStocked { drug: String },
    #[error("the medicine cabinet's answer is not a pickup code")]
    BadAnswer,
}

/// A medicine cabinet at the station. `reserve` may block (a network or serial round trip):
/// the kiosk calls it on a worker thread.
pub trait MedicineCabinet: Send + Sync {
    /// Sets the order's medicines aside and gives the code that opens its compartment.
    fn reserve(&self, order: &CabinetOrder) -> Result<PickupCode, CabinetError>;
}

/// The cabinet the config names: none (no vendor adapter yet), or the demonstration's.
pub fn open_cabinet(choice: CabinetChoice) -> Option<Arc<dyn MedicineCabinet>> {
    match choice {
        CabinetChoice::None => None,
        CabinetChoice::Simulated => Some(Arc::new(SimulatedCabinet::new(Vec::new()))),
    }
}

/// The demonstration's cabinet: stocks the drugs it was given, hands out 6-digit codes.
pub struct SimulatedCabinet {
    stock: Vec<String>,
    next: AtomicU32,
}

impl SimulatedCabinet {
    /// A cabinet stocking `stock` (drug names as doctors write them); empty = stocks anything.
    pub fn new(stock: Vec<String>) -> SimulatedCabinet {
        SimulatedCabinet {
            stock,
            next: AtomicU32::new(0),
        }
    }
}

impl MedicineCabinet for SimulatedCabinet {
    fn reserve(&self, order: &CabinetOrder) -> Result<PickupCode, CabinetError> {
        if let Some(missing) = order
            .items
            .iter()
            .find(|i| !self.stock.is_empty() && !self.stock.contains(&i.drug))
        {
            return Err(CabinetError::NotStocked {
                drug: missing.drug.clone(),
            });
        }
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        // Codes that do not look sequential to a bystander, still reproducible in tests.
        let code = (n.wrapping_mul(7_919).wrapping_add(382_914)) % 900_000 + 100_000;
        PickupCode::parse(&code.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(drugs: &[&str]) -> CabinetOrder {
        CabinetOrder {
            slip_id: "V1-RX1".into(),
            doctor: "D".into(),
            items: drugs
                .iter()
                .map(|d| PrescriptionLine {
                    drug: (*d).into(),
                    dose: "1".into(),
                    quantity: "1".into(),
                    usage: "1".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn only_short_digit_codes_are_taken_from_a_cabinet() {
        assert_eq!(
            PickupCode::parse(" 834120\n").map(|c| c.0),
            Ok("834120".into())
        );
        for bad in ["", "123", "1234567890123", "12a456", "１２３４"] {
            assert_eq!(
                PickupCode::parse(bad),
                Err(CabinetError::BadAnswer),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_simulated_cabinet_gives_distinct_codes_for_what_it_stocks() {
        let cabinet = SimulatedCabinet::new(vec!["A".into(), "B".into()]);
        let first = cabinet.reserve(&order(&["A"])).expect("stocked");
        let second = cabinet.reserve(&order(&["A", "B"])).expect("stocked");
        assert_ne!(first, second);
        assert_eq!(first.as_str().len(), 6);
        assert_eq!(
            cabinet.reserve(&order(&["A", "C"])),
            Err(CabinetError::NotStocked { drug: "C".into() })
        );
    }
}
