//! Admin mode's fault reports (报告故障, Wenzhou 7.2.3): which device, what is wrong, an optional
//! photo, file it; then the latest reports, staff's and residents', and whether each was sent.

use leptos::prelude::*;
use station_protocol::{
    AdminAction, AdminMessage, AdminView, DeviceClass, FaultLine, FaultProblem,
};

use crate::ipc::send;
use crate::kit::big_button;
use crate::texts::Texts;

use super::admin::{act, choice};

fn device_name(device: Option<DeviceClass>, t: &Texts) -> String {
    device.map_or_else(|| t.tr("admin-fault-station"), |d| t.tr(d.message_id()))
}

fn fault_line(line: &FaultLine, t: &Texts) -> impl IntoView {
    let what = match (line.problem, line.notice) {
        (Some(problem), _) => t.tr(&problem.message_id()),
        (None, Some(notice)) => t.tr(notice.message_id()),
        (None, None) => String::new(),
    };
    let by = t.tr(if line.by_staff {
        "admin-fault-by-staff"
    } else {
        "admin-fault-by-resident"
    });
    let sent = t.tr(if line.uploaded {
        "admin-fault-uploaded"
    } else {
        "admin-fault-waiting"
    });
    let photo = line
        .photo
        .then(|| view! { <span class="status">{t.tr("admin-fault-has-photo")}</span> });
    view! {
        <li class="admin-fault">
            <span>{line.reported_at.clone()}" · "{device_name(line.device, t)}" · "{by}</span>
            <span>{what}</span>
            {photo}
            <span class="status">{sent}</span>
        </li>
    }
}

/// "报告故障": which device, what is wrong, file it; then the latest reports.
pub(super) fn faults(v: &AdminView, t: &Texts) -> impl IntoView {
    let draft = &v.fault_draft;
    let devices = DeviceClass::all()
        .into_iter()
        .map(|device| {
            choice(
                device_name(Some(device), t),
                draft.device == Some(device),
                AdminAction::FaultDevice { device },
            )
        })
        .collect::<Vec<_>>();
    let problems = FaultProblem::ALL
        .into_iter()
        .map(|problem| {
            choice(
                t.tr(&problem.message_id()),
                draft.problem == Some(problem),
                AdminAction::FaultProblem { problem },
            )
        })
        .collect::<Vec<_>>();
    let ready = draft.device.is_some() && draft.problem.is_some();
    // The photo (optional): the camera's live picture while it is being taken (drawn by
    // ui/static/live-video.js; the message above says what it is), then retake or delete.
    let taking = v.message == Some(AdminMessage::FaultPhotoTaking);
    let preview = taking.then(|| {
        view! { <canvas id="camera-preview" class="camera-preview" width="320" height="240" aria-hidden="true"></canvas> }
    });
    let photo_buttons = if draft.photo {
        view! {
            <div class="row">
                {big_button(t.tr("admin-fault-photo-again"), "btn-secondary", act(AdminAction::FaultPhoto))}
                {big_button(t.tr("admin-fault-photo-discard"), "btn-secondary", act(AdminAction::FaultPhotoDiscard))}
            </div>
        }
        .into_any()
    } else {
        big_button(
            t.tr("admin-fault-photo"),
            "btn-secondary",
            act(AdminAction::FaultPhoto),
        )
        .into_any()
    };
    let list = if v.faults.is_empty() {
        view! { <p>{t.tr("admin-no-faults")}</p> }.into_any()
    } else {
        let items = v
            .faults
            .iter()
            .map(|l| fault_line(l, t))
            .collect::<Vec<_>>();
        view! { <ul class="admin-faults">{items}</ul> }.into_any()
    };
    view! {
        <section class="admin-fault-form">
            <h2>{t.tr("admin-fault-device")}</h2>
            <div class="row" role="group" aria-label=t.tr("admin-fault-device")>{devices}</div>
            <h2>{t.tr("admin-fault-problem")}</h2>
            <div class="row" role="group" aria-label=t.tr("admin-fault-problem")>{problems}</div>
            {preview}
            {(!taking).then_some(photo_buttons)}
            <button class="btn btn-primary" disabled=!ready
                on:click=move |_| send(act(AdminAction::FaultSubmit))>
                {t.tr("admin-fault-submit")}
            </button>
        </section>
        <section>
            <h2>{t.tr("admin-fault-list")}</h2>
            {list}
        </section>
    }
}
