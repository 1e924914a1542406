//! Wires the hardware the config names into the runtime. Each hardware crate chooses its own
//! backend (`open_slot`, `opener`, `open_printer`, `open_instruments`); nothing is chosen here.

use std::path::Path;
use std::sync::Arc;

use station_call::audio::{AudioError, Speaker, SpeakerOpener};
use station_camera::NotConfiguredVerifier;
use station_card::StaffCards;
use station_core::config::StationConfig;
use station_kiosk::Hardware;
use station_voice::{PromptLibrary, RodioVoice};

pub fn select(config: &StationConfig, audio_dir: &Path) -> Hardware {
    let voice = Arc::new(RodioVoice::open(PromptLibrary::new(
        audio_dir.to_path_buf(),
    )));
    let staff = StaffCards::new(config.staff_card_uids.iter().cloned());
    let card = station_card::open_slot(config.card_reader, staff);
    let id_card = station_idcard::open_slot(&config.id_card_reader);
    Hardware {
        reader: card.reader,
        demo_reader: card.simulated,
        id_card_reader: id_card.reader,
        demo_id_card: id_card.simulated,
        instruments: station_devices::open_instruments(config.instruments),
        printer: station_printer::open_printer(&config.printer),
        camera: station_camera::opener(&config.camera),
        // The platform link (a later feature) brings the real verifier; until then every health
        // code is kept as "unverified" and the screen says so.
        qr_verifier: Arc::new(NotConfiguredVerifier),
        // A `[clinic]` whose key cannot be read still shows the tile; calling then says the
        // doctors cannot be reached, and the log tells staff why.
        clinic: config
            .clinic
            .as_ref()
            .and_then(|c| match station_kiosk::clinic_link_config(c) {
                Ok(link) => Some(link),
                Err(e) => {
                    tracing::error!(error = %e, file = %c.key_file.display(), "cannot read the clinic key");
                    None
                }
            }),
        cabinet: station_cabinet::open_cabinet(config.cabinet),
        // The window's sink is set by main once the app exists.
        live_video: None,
        media_settings: station_kiosk::MediaSettings::default(),
        microphone: station_call::microphone::opener(config.microphone),
        speaker: Some(call_speaker(&voice)),
        voice,
    }
}

/// The doctor's voice goes out where the prompts do (one device, the same volume).
fn call_speaker(voice: &Arc<RodioVoice>) -> SpeakerOpener {
    let voice = Arc::clone(voice);
    Arc::new(move || {
        let output = voice.call_output().ok_or(AudioError::NoSpeaker)?;
        Ok(Box::new(move |samples: &[i16]| output.play(samples)) as Box<dyn Speaker>)
    })
}
