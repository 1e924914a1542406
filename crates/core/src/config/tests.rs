use super::*;
use chrono::NaiveTime;

const GOOD: &str = r#"
[station]
town = "五马街道"
community = "禅街社区"
"#;

fn parse(text: &str) -> Result<StationConfig, ConfigError> {
    StationConfig::parse(text, Path::new("station.toml"))
}

fn bad_key(text: &str) -> String {
    match parse(text) {
        Err(ConfigError::Invalid { key, .. }) => key.to_string(),
        Err(other) => other.to_string(),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn defaults_follow_the_issue() {
    let c = parse(GOOD).expect("valid");
    assert_eq!(c.station_name, "五马街道禅街社区智慧健康站");
    assert_eq!(c.locale, Locale::ZhCn);
    assert_eq!(
        c.opening.opens,
        NaiveTime::from_hms_opt(8, 30, 0).expect("time")
    );
    assert_eq!(
        c.opening.closes,
        NaiveTime::from_hms_opt(19, 0, 0).expect("time")
    );
    assert_eq!(
        c.idle,
        IdlePolicy {
            timeout_secs: 60,
            warning_secs: 20
        }
    );
    assert_eq!(c.paper, Paper::A4);
    assert_eq!(c.measure_timeout_secs, 90);
    // A station runs real hardware or none: nothing is simulated unless demo mode is asked for.
    assert_eq!(c.mode, StationMode::Station);
    assert_eq!(c.card_reader, CardReaderChoice::Pcsc);
    assert_eq!(c.id_card_reader, IdCardReaderChoice::None);
    assert_eq!(c.camera, CameraChoice::None);
    // The call's microphone is the OS's input: a station with a clinic needs no extra line.
    assert_eq!(c.microphone, MicrophoneChoice::Default);
    assert_eq!(c.printer, PrinterChoice::None);
    assert_eq!(c.instruments, InstrumentChoice::None);
}

fn demo(text: &str) -> StationConfig {
    StationConfig::parse_with(text, Path::new("station.toml"), true).expect("valid")
}

#[test]
fn demo_mode_is_only_ever_asked_for_and_then_auto_means_simulated() {
    for c in [
        demo(GOOD),
        parse(&GOOD.replace("[station]\n", "[station]\nmode = \"demo\"\n")).expect("valid"),
    ] {
        assert_eq!(c.mode, StationMode::Demo);
        assert_eq!(c.card_reader, CardReaderChoice::Simulated);
        assert_eq!(c.id_card_reader, IdCardReaderChoice::Simulated);
        assert_eq!(c.camera, CameraChoice::Simulated);
        assert_eq!(c.microphone, MicrophoneChoice::Simulated);
        assert_eq!(c.printer, PrinterChoice::Simulated);
        assert_eq!(c.instruments, InstrumentChoice::Simulated);
    }
    // Real hardware named in a demo is used as named.
    let c = demo(&format!(
        "{GOOD}[hardware]\ncard_reader = \"pcsc\"\ncamera = \"none\"\n"
    ));
    assert_eq!(c.card_reader, CardReaderChoice::Pcsc);
    assert_eq!(c.camera, CameraChoice::None);
    assert_eq!(
        bad_key(&GOOD.replace("[station]\n", "[station]\nmode = \"show\"\n")),
        "station.mode"
    );
}

#[test]
fn a_station_refuses_every_simulated_device_naming_the_key() {
    for (section, key, value) in [
        ("hardware", "card_reader", "simulated"),
        ("hardware", "id_card_reader", "simulated"),
        ("hardware", "camera", "simulated"),
        ("hardware", "camera", "stills:/tmp/codes"),
        ("hardware", "microphone", "simulated"),
        ("printer", "queue", "simulated"),
        ("devices", "instruments", "simulated"),
    ] {
        let text = format!("{GOOD}[{section}]\n{key} = \"{value}\"\n");
        let err = parse(&text).expect_err("simulated hardware in a station");
        let full_key = format!("{section}.{key}");
        assert!(
            matches!(&err, ConfigError::Invalid { key, .. } if *key == full_key),
            "{full_key}: {err}"
        );
        assert!(err.to_string().contains("demo"), "{err}");
        // The same line is fine in a demonstration.
        demo(&text);
    }
}

#[test]
fn camera_choices() {
    assert_eq!(parse(GOOD).expect("valid").camera, CameraChoice::None);
    let c = demo(&format!(
        "{GOOD}[hardware]\ncamera = \"stills:/tmp/codes\"\n"
    ));
    assert_eq!(c.camera, CameraChoice::Stills(PathBuf::from("/tmp/codes")));
    let c = parse(&format!("{GOOD}[hardware]\ncamera = \"device:1\"\n")).expect("valid");
    assert_eq!(c.camera, CameraChoice::Device(1));
    for bad in ["device:x", "stills:", "webcam"] {
        assert_eq!(
            bad_key(&format!("{GOOD}[hardware]\ncamera = \"{bad}\"\n")),
            "hardware.camera"
        );
    }
}

#[test]
fn paper_and_measure_timeout() {
    let c = parse(&format!(
        "{GOOD}[printer]\npaper = \"receipt-80mm\"\n[devices]\nmeasure_timeout_seconds = 30\n"
    ))
    .expect("valid");
    assert_eq!((c.paper, c.measure_timeout_secs), (Paper::Receipt80mm, 30));
    assert_eq!(
        bad_key(&format!("{GOOD}[printer]\npaper = \"letter\"\n")),
        "printer.paper"
    );
    assert_eq!(
        bad_key(&format!("{GOOD}[devices]\nmeasure_timeout_seconds = 1\n")),
        "devices.measure_timeout_seconds"
    );
    assert_eq!(c.instruments, InstrumentChoice::None);
    let ble = parse(&format!("{GOOD}[devices]\ninstruments = \"ble\"\n")).expect("valid");
    assert_eq!(ble.instruments, InstrumentChoice::Ble);
    assert_eq!(
        bad_key(&format!("{GOOD}[devices]\ninstruments = \"usb\"\n")),
        "devices.instruments"
    );
}

#[test]
fn opening_hours_are_half_open() {
    let c = parse(GOOD).expect("valid");
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("time");
    assert!(!c.opening.is_open(t(8, 29)));
    assert!(c.opening.is_open(t(8, 30)));
    assert!(c.opening.is_open(t(18, 59)));
    assert!(!c.opening.is_open(t(19, 0)));
}

#[test]
fn errors_name_the_bad_key() {
    assert_eq!(
        bad_key(&format!(
            "{GOOD}[hours]\nopens = \"8h\"\ncloses = \"19:00\"\n"
        )),
        "hours.opens"
    );
    assert_eq!(
        bad_key(&format!(
            "{GOOD}[hours]\nopens = \"20:00\"\ncloses = \"19:00\"\n"
        )),
        "hours.closes"
    );
    assert_eq!(
        bad_key(&format!(
            "{GOOD}[idle]\ntimeout_seconds = 0\nwarning_seconds = 20\n"
        )),
        "idle.timeout_seconds"
    );
    assert_eq!(
        bad_key(&format!("{GOOD}[voice]\nvolume = 300\n")),
        "voice.volume"
    );
    assert_eq!(
        bad_key("[station]\ntown = \"\"\ncommunity = \"x\"\n"),
        "station.town"
    );
    assert_eq!(
        bad_key("[station]\ntown = \"a\"\ncommunity = \"b\"\nlocale = \"fr\"\n"),
        "station.locale"
    );
    assert_eq!(
        bad_key(&format!("{GOOD}[staff]\ncard_uids = [\"04A1\"]\n")),
        "staff.card_uids"
    );
}

#[test]
fn printer_choices() {
    assert_eq!(parse(GOOD).expect("valid").printer, PrinterChoice::None);
    let c = parse(&format!(
        "{GOOD}[printer]\nqueue = \"ipp://localhost:631/printers/R\"\n"
    ))
    .expect("valid");
    assert_eq!(
        c.printer,
        PrinterChoice::Ipp {
            uri: "ipp://localhost:631/printers/R".into(),
            job_timeout_secs: 60
        }
    );
    assert_eq!(
        bad_key(&format!("{GOOD}[printer]\nqueue = \"lp0\"\n")),
        "printer.queue"
    );
    assert_eq!(
        bad_key(&format!("{GOOD}[printer]\njob_timeout_seconds = 1\n")),
        "printer.job_timeout_seconds"
    );
}

#[test]
fn windows_spooler_printer() {
    let c = parse(&format!(
        "{GOOD}[printer]\nqueue = \"windows: Microsoft Print to PDF \"\njob_timeout_seconds = 30\n"
    ))
    .expect("valid");
    assert_eq!(
        c.printer,
        PrinterChoice::WindowsSpooler {
            name: "Microsoft Print to PDF".into(),
            job_timeout_secs: 30
        }
    );
    for queue in ["windows:", "windows:   ", "windows:R\\u0000"] {
        let err = parse(&format!("{GOOD}[printer]\nqueue = \"{queue}\"\n"))
            .expect_err("no usable printer name");
        assert!(
            matches!(
                &err,
                ConfigError::Invalid {
                    key: "printer.queue",
                    ..
                }
            ),
            "{queue}: {err}"
        );
        assert!(err.to_string().contains("windows:"), "{err}");
    }
    // The prefix is case-sensitive like the other values.
    assert_eq!(
        bad_key(&format!("{GOOD}[printer]\nqueue = \"Windows:R\"\n")),
        "printer.queue"
    );
}

#[test]
fn id_card_reader_choices() {
    assert_eq!(
        parse(GOOD).expect("valid").id_card_reader,
        IdCardReaderChoice::None
    );
    let c = parse(&format!(
        "{GOOD}[hardware]\nid_card_reader = \"/dev/ttyUSB0\"\n"
    ))
    .expect("valid");
    assert_eq!(
        c.id_card_reader,
        IdCardReaderChoice::Serial(PathBuf::from("/dev/ttyUSB0"))
    );
    assert_eq!(c.card_reader, CardReaderChoice::Pcsc);
    assert_eq!(
        bad_key(&format!("{GOOD}[hardware]\nid_card_reader = \" \"\n")),
        "hardware.id_card_reader"
    );
}

#[test]
fn staff_card_uids_are_read_as_bytes() {
    let c = parse(&format!(
        "{GOOD}[staff]\ncard_uids = [\"04:A1:B2:C3\", \"0102030405060708\"]\n"
    ))
    .expect("valid");
    assert_eq!(c.staff_card_uids[0], vec![0x04, 0xA1, 0xB2, 0xC3]);
    assert_eq!(c.staff_card_uids.len(), 2);
    assert!(parse(GOOD).expect("valid").staff_card_uids.is_empty());
}

#[test]
fn unknown_and_missing_keys_are_named() {
    let msg = bad_key(&format!(
        "{GOOD}[hours]\nopen = \"08:30\"\ncloses = \"19:00\"\n"
    ));
    assert!(msg.contains("open"), "{msg}");
    let msg = bad_key("[station]\ntown = \"a\"\n");
    assert!(msg.contains("community"), "{msg}");
    let msg = bad_key("this is not toml [");
    assert!(msg.contains("station.toml"), "{msg}");
}

#[test]
fn missing_file_is_reported_with_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nope.toml");
    let err = StationConfig::load(&path, false).expect_err("missing");
    assert!(err.to_string().contains("nope.toml"));
}

#[test]
fn the_example_config_is_a_station_with_no_simulated_hardware_and_runs_as_a_demo_on_request() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../config/station.example.toml"
    ));
    let station = StationConfig::load(path, false).expect("the shipped example is valid");
    assert_eq!(station.mode, StationMode::Station);
    assert_eq!(station.card_reader, CardReaderChoice::Pcsc);
    assert_eq!(station.instruments, InstrumentChoice::None);
    assert_eq!(station.identify, IdentifyMethod::ALL.to_vec());
    assert_eq!(station.logs.keep_days, 30);
    assert_eq!(station.opening.open_weekdays(), 7);
    let demo = StationConfig::load(path, true).expect("valid as a demo");
    assert_eq!(demo.mode, StationMode::Demo);
    assert_eq!(demo.instruments, InstrumentChoice::Simulated);
}

#[test]
fn the_panel_diagonal_defaults_to_21_5_inches_and_is_checked() {
    assert_eq!(parse(GOOD).expect("valid").panel_diagonal_inches, 21.5);
    let c = parse(&format!("{GOOD}[display]\ndiagonal_inches = 32\n")).expect("valid");
    assert_eq!(c.panel_diagonal_inches, 32.0);
    assert_eq!(
        bad_key(&format!("{GOOD}[display]\ndiagonal_inches = 3\n")),
        "display.diagonal_inches"
    );
}

#[test]
fn tier_identify_and_logs() {
    let c = parse(GOOD).expect("valid");
    assert_eq!(c.tier, None);
    assert_eq!(c.identify, IdentifyMethod::ALL.to_vec());
    assert_eq!(
        c.logs,
        LogSettings {
            dir: None,
            keep_days: 30
        }
    );
    let c = parse(&GOOD.replace(
        "[station]\n",
        "[station]\ntier = \"C\"\nidentify = [\"id_card\", \"insurance_card\"]\n",
    ))
    .expect("valid");
    assert_eq!(c.tier, Some(StationTier::C));
    assert_eq!(
        c.identify,
        vec![IdentifyMethod::IdCard, IdentifyMethod::InsuranceCard]
    );
    assert_eq!(
        bad_key(&GOOD.replace("[station]\n", "[station]\ntier = \"D\"\n")),
        "station.tier"
    );
    for bad in ["[]", "[\"fingerprint\"]", "[\"face\", \"face\"]"] {
        assert_eq!(
            bad_key(&GOOD.replace("[station]\n", &format!("[station]\nidentify = {bad}\n"))),
            "station.identify"
        );
    }
    let c = parse(&format!(
        "{GOOD}[logs]\ndir = \"/var/log/health-station\"\nkeep_days = 7\n"
    ))
    .expect("valid");
    assert_eq!(
        c.logs.dir.as_deref(),
        Some(Path::new("/var/log/health-station"))
    );
    assert_eq!(c.logs.keep_days, 7);
    assert_eq!(
        bad_key(&format!("{GOOD}[logs]\ndir = \"logs\"\n")),
        "logs.dir"
    );
    assert_eq!(
        bad_key(&format!("{GOOD}[logs]\nkeep_days = 0\n")),
        "logs.keep_days"
    );
}

#[test]
fn an_idle_section_may_name_one_key() {
    let c = parse(&format!("{GOOD}[idle]\nwarning_seconds = 10\n")).expect("valid");
    assert_eq!(
        c.idle,
        IdlePolicy {
            timeout_secs: 60,
            warning_secs: 10
        }
    );
}

#[test]
fn the_clinic_is_off_unless_configured_and_each_bad_value_is_named() {
    assert_eq!(parse(GOOD).expect("valid").clinic, None);
    let clinic = |url: &str, station: &str, key: &str| {
        format!("{GOOD}[clinic]\nurl = \"{url}\"\nstation = \"{station}\"\nkey_file = \"{key}\"\n")
    };
    let c = parse(&clinic(
        "wss://clinic.example.cn",
        "s1",
        "/etc/health-station/clinic.key",
    ))
    .expect("valid");
    assert_eq!(
        c.clinic,
        Some(ClinicSettings {
            url: "wss://clinic.example.cn".into(),
            station: "s1".into(),
            key_file: PathBuf::from("/etc/health-station/clinic.key"),
        })
    );
    for url in ["https://clinic.example.cn", "ws://", "wss:///x", ""] {
        assert_eq!(bad_key(&clinic(url, "s1", "/k")), "clinic.url", "{url}");
    }
    for station in ["", "站点一", "a b"] {
        assert_eq!(
            bad_key(&clinic("ws://127.0.0.1:1", station, "/k")),
            "clinic.station"
        );
    }
    assert_eq!(
        bad_key(&clinic("ws://127.0.0.1:1", "s1", "clinic.key")),
        "clinic.key_file"
    );
}

#[test]
fn the_calls_microphone_can_be_named_or_left_out() {
    let with = |value: &str| format!("{GOOD}[hardware]\nmicrophone = \"{value}\"\n");
    assert_eq!(
        parse(&with("none")).expect("valid").microphone,
        MicrophoneChoice::None
    );
    assert_eq!(
        demo(&with("default")).microphone,
        MicrophoneChoice::Default,
        "a real microphone named in a demo is used"
    );
    assert_eq!(bad_key(&with("hw:1")), "hardware.microphone");
}

#[test]
fn a_simulated_medicine_cabinet_is_for_demonstrations_only() {
    assert_eq!(parse(GOOD).expect("valid").cabinet, CabinetChoice::None);
    assert_eq!(
        demo(GOOD).cabinet,
        CabinetChoice::Simulated,
        "auto is the simulator in a demonstration"
    );
    let simulated = format!("{GOOD}[hardware]\ncabinet = \"simulated\"\n");
    assert_eq!(bad_key(&simulated), "hardware.cabinet");
    assert_eq!(
        bad_key(&format!("{GOOD}[hardware]\ncabinet = \"vending\"\n")),
        "hardware.cabinet"
    );
}

#[test]
fn updates_are_off_unless_configured_and_each_bad_value_is_named() {
    assert_eq!(parse(GOOD).expect("valid").update, None);
    let key = "RWRTY0Iy".repeat(8);
    let update = |url: &str, pubkey: &str, hours: &str| {
        format!("{GOOD}[update]\nurl = \"{url}\"\npubkey = \"{pubkey}\"\n{hours}")
    };
    let u = parse(&update("https://updates.example.cn/latest.json", &key, ""))
        .expect("valid")
        .update
        .expect("configured");
    assert_eq!(u.url, "https://updates.example.cn/latest.json");
    assert_eq!(u.check_every, std::time::Duration::from_secs(6 * 3600));
    // A local update server on loopback may use plain http; nothing else may.
    assert!(parse(&update("http://127.0.0.1:8080/latest.json", &key, "")).is_ok());
    for url in [
        "http://updates.example.cn/latest.json",
        "https://",
        "ftp://x",
        "",
    ] {
        assert_eq!(bad_key(&update(url, &key, "")), "update.url", "{url}");
    }
    for pubkey in [
        "",
        "short",
        "not base64 at all, has spaces and is long enough",
    ] {
        assert_eq!(
            bad_key(&update("https://u.example.cn/l.json", pubkey, "")),
            "update.pubkey",
            "{pubkey}"
        );
    }
    for hours in ["check_hours = 0\n", "check_hours = 169\n"] {
        assert_eq!(
            bad_key(&update("https://u.example.cn/l.json", &key, hours)),
            "update.check_hours"
        );
    }
    let hourly = parse(&update(
        "https://u.example.cn/l.json",
        &key,
        "check_hours = 1\n",
    ))
    .expect("valid");
    assert_eq!(
        hourly.update.map(|u| u.check_every),
        Some(std::time::Duration::from_secs(3600))
    );
}
