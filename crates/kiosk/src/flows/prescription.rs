//! The doctor's prescription after a cloud-clinic call (Wenzhou 6.3.3.2 step 4): given to the
//! station's medicine cabinet for a pickup code when it has one (`station_cabinet`, on a worker
//! thread), shown (`Task::Prescription`, `Visit::prescription`) and printed as a pickup slip
//! through the report's printer path. The call itself is `clinic.rs`.

use std::time::Duration;

use station_core::clock::minute_stamp;
use station_protocol::Notice;
use station_report::SlipInput;

use super::{Ctx, Next};
use crate::effects::{Document, PrintJob};
use crate::visit::Visit;

/// A medicine cabinet that has not answered by then is given up: the slip sends the resident
/// to the pharmacy.
pub(crate) const CABINET_ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// A cabinet that does not answer in time is given up.
pub(crate) fn tick(visit: &mut Visit, ctx: &mut Ctx<'_>) -> Next {
    match visit.cabinet_pending {
        Some((_, since)) if ctx.now.saturating_sub(since) >= CABINET_ANSWER_WITHIN => {
            tracing::warn!("the medicine cabinet did not answer in time");
            visit.cabinet_pending = None;
            Next::Changed
        }
        _ => Next::Stay,
    }
}

/// The number of this visit's latest prescription: on the slip, in its QR code, and with the
/// cabinet's order.
fn slip_id(visit: &Visit) -> String {
    format!("V{}-RX{}", visit.visit_id().0, visit.prescriptions)
}

/// A prescription that ends a call goes to the station's medicine cabinet, if it has one; the
/// pickup code comes back from a worker thread ([`on_cabinet`]) and is printed on the slip.
pub(crate) fn to_cabinet(visit: &mut Visit, ctx: &mut Ctx<'_>) {
    if !ctx.caps.has_cabinet {
        return;
    }
    let Some(prescription) = &visit.prescription else {
        return;
    };
    let order = station_cabinet::CabinetOrder {
        slip_id: slip_id(visit),
        doctor: prescription.doctor.clone(),
        items: prescription.items.clone(),
    };
    let token = ctx.token();
    visit.cabinet_pending = Some((token, ctx.now));
    ctx.fx.reserve_medicine = Some((token, order));
}

/// The cabinet's answer for the run `token` (a stale one is dropped).
pub(crate) fn on_cabinet(
    visit: &mut Visit,
    token: u64,
    answer: Result<station_cabinet::PickupCode, station_cabinet::CabinetError>,
) -> Next {
    if visit.cabinet_pending.map(|(t, _)| t) != Some(token) {
        return Next::Stay;
    }
    visit.cabinet_pending = None;
    match (answer, visit.prescription.as_mut()) {
        (Ok(code), Some(prescription)) => {
            prescription.pickup_code = Some(code.as_str().to_string());
            Next::Changed
        }
        (Ok(_), None) => Next::Stay,
        (Err(e), _) => {
            // Staff see it in the log; the slip sends the resident to the pharmacy instead.
            tracing::warn!(error = %e, "the medicine cabinet did not take the prescription");
            Next::Changed
        }
    }
}

/// The slip of the prescription on screen, through the report's printer path. Not while the
/// cabinet is still answering (a few seconds at most): the slip would miss its pickup code.
pub(crate) fn print_slip(visit: &Visit, ctx: &mut Ctx<'_>) -> Next {
    let Some(prescription) = visit.prescription.clone() else {
        return Next::Stay;
    };
    if !ctx.caps.has_printer || ctx.caps.printer_busy || visit.cabinet_pending.is_some() {
        return Next::Stay;
    }
    let printed_at = ctx.clock.now();
    let slip_id = slip_id(visit);
    let input = SlipInput {
        station_name: ctx.config.station_name.clone(),
        printed_at: minute_stamp(&printed_at),
        locale: visit.prefs.locale,
        resident_masked_name: visit.session.view.masked_name.clone(),
        resident_masked_id: visit.session.view.masked_id.clone(),
        doctor: prescription.doctor,
        items: prescription.items,
        pickup_code: prescription.pickup_code,
        slip_id,
    };
    ctx.caps.printer_busy = true;
    ctx.fx.print = Some(PrintJob {
        visit: visit.visit_id(),
        paper: ctx.config.paper,
        name: format!("pickup-slip-{}", input.slip_id),
        document: Document::Slip(input),
    });
    ctx.notify(Notice::Printing);
    Next::Stay
}
