use proptest::prelude::*;

use super::*;

#[test]
fn a_kiosk_says_hello_calls_and_leaves() {
    assert_eq!(
        parse::<FromStation>(r#"{"type":"hello","station":"wuma-chanjie","key":"ab12"}"#),
        Ok(FromStation::Hello {
            station: "wuma-chanjie".into(),
            key: "ab12".into()
        })
    );
    let call: FromStation = parse(
        r#"{"type":"call","resident":"张*华 **************1234",
            "vitals":[{"kind":"blood_pressure","value":"128/82","unit":"mmHg","at":"2026-12-01T09:00:00+08:00"}]}"#,
    )
    .unwrap();
    let FromStation::Call { vitals, .. } = call else {
        panic!("{call:?}")
    };
    assert_eq!(vitals[0].value, "128/82");
    assert_eq!(
        parse::<FromStation>(r#"{"type":"leave"}"#),
        Ok(FromStation::Leave {})
    );
}

#[test]
fn an_unmasked_id_number_never_reaches_the_console() {
    let err = parse::<FromStation>(r#"{"type":"call","resident":"张三华 330302195001011234"}"#)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Invalid);
    assert!(err.to_string().contains("masked"), "{err}");
}

#[test]
fn garbage_gets_a_code_not_a_panic() {
    assert_eq!(
        parse::<FromStation>("not json").unwrap_err().code(),
        ErrorCode::Malformed
    );
    assert_eq!(
        parse::<FromStation>(r#"{"type":"launch_missiles"}"#)
            .unwrap_err()
            .code(),
        ErrorCode::Malformed
    );
    assert_eq!(
        parse::<FromStation>(r#"{"type":"leave","extra":1}"#)
            .unwrap_err()
            .code(),
        ErrorCode::Malformed
    );
    let big = format!(
        r#"{{"type":"signal","payload":"{}"}}"#,
        "x".repeat(MAX_MESSAGE_BYTES)
    );
    assert_eq!(
        parse::<FromStation>(&big).unwrap_err(),
        ParseError::TooLarge { bytes: big.len() }
    );
}

#[test]
fn a_prescription_needs_items_within_bounds() {
    let empty = r#"{"type":"prescription","call":"c1","items":[]}"#;
    assert_eq!(
        parse::<FromDoctor>(empty).unwrap_err().code(),
        ErrorCode::Invalid
    );
    let ok = r#"{"type":"prescription","call":"c1","items":[
        {"drug":"硝苯地平控释片","dose":"30 mg","quantity":"1 盒","usage":"每日一次，早饭后"}]}"#;
    assert!(parse::<FromDoctor>(ok).is_ok());
    let control = r#"{"type":"prescription","call":"c1","items":[
        {"drug":"a\u0007","dose":"1","quantity":"1","usage":"1"}]}"#;
    assert_eq!(
        parse::<FromDoctor>(control).unwrap_err().code(),
        ErrorCode::Invalid
    );
}

#[test]
fn replies_are_tagged_objects() {
    let v = serde_json::to_value(ToStation::Queued {
        call: "c1".into(),
        position: 2,
        wait_minutes: 10,
    })
    .unwrap();
    assert_eq!(
        v,
        serde_json::json!({"type": "queued", "call": "c1", "position": 2, "wait_minutes": 10})
    );
    let v = serde_json::to_value(ToStation::Ended {
        reason: EndReason::DoctorHungUp,
        call: Some("c1".into()),
    })
    .unwrap();
    assert_eq!(
        v,
        serde_json::json!({"type": "ended", "reason": "doctor_hung_up", "call": "c1"})
    );
    // An older console names no call: still understood.
    let old: ToStation =
        serde_json::from_value(serde_json::json!({"type": "ended", "reason": "station_lost"}))
            .unwrap();
    assert_eq!(
        old,
        ToStation::Ended {
            reason: EndReason::StationLost,
            call: None
        }
    );
}

proptest! {
    #[test]
    fn any_text_parses_or_gets_a_code(text in any::<String>()) {
        let _ = parse::<FromStation>(&text).map_err(|e| e.code());
        let _ = parse::<FromDoctor>(&text).map_err(|e| e.code());
    }

    #[test]
    fn any_call_message_round_trips_or_is_refused(
        resident in "[张王李*]{1,3}[ *0-9]{0,30}",
        value in "[0-9/.]{1,8}",
    ) {
        let text = serde_json::json!({
            "type": "call",
            "resident": resident,
            "vitals": [{"kind": "weight", "value": value, "unit": "kg", "at": "t"}],
        })
        .to_string();
        match parse::<FromStation>(&text) {
            Ok(FromStation::Call { resident: r, vitals }) => {
                prop_assert_eq!(r, resident);
                prop_assert_eq!(&vitals[0].value, &value);
            }
            Ok(other) => prop_assert!(false, "{:?}", other),
            Err(e) => prop_assert_eq!(e.code(), ErrorCode::Invalid),
        }
    }
}

/// The kiosk's link reads what the console writes: every reply survives the trip.
#[test]
fn what_the_console_says_the_kiosk_reads_back() {
    let replies = [
        ToStation::Welcome {
            station_name: "五马街道禅街社区智慧健康站".into(),
            ice_servers: vec![],
            relay_only: false,
        },
        ToStation::Welcome {
            station_name: "五马街道禅街社区智慧健康站".into(),
            ice_servers: vec![IceServer {
                urls: vec!["turn:relay.example:3478?transport=udp".into()],
                username: Some("station".into()),
                credential: Some("secret".into()),
            }],
            relay_only: true,
        },
        ToStation::Refused {
            reason: "unknown_station".into(),
        },
        ToStation::Queued {
            call: "c1".into(),
            position: 2,
            wait_minutes: 10,
        },
        ToStation::Position {
            position: 1,
            wait_minutes: 5,
        },
        ToStation::Left,
        ToStation::Accepted {
            doctor: "李医生".into(),
            call: Some("c1".into()),
        },
        ToStation::Signal {
            payload: serde_json::json!({"sdp": {"type": "offer", "sdp": "v=0"}}),
        },
        ToStation::Prescription {
            doctor: "李医生".into(),
            items: vec![PrescriptionItem {
                drug: "硝苯地平控释片".into(),
                dose: "30 mg".into(),
                quantity: "1 盒".into(),
                usage: "每日一次".into(),
            }],
        },
        ToStation::Requeued {
            position: 1,
            wait_minutes: 5,
        },
        ToStation::Ended {
            reason: EndReason::StationLost,
            call: Some("c9".into()),
        },
        ToStation::Error {
            code: ErrorCode::TooLarge,
            detail: String::new(),
        },
    ];
    for reply in replies {
        let text = serde_json::to_string(&reply).unwrap();
        let back: ToStation = serde_json::from_str(&text).unwrap();
        assert_eq!(back, reply, "{text}");
    }
    // And the kiosk's own messages are what the console parses.
    for message in [
        FromStation::Leave {},
        FromStation::Hangup {},
        FromStation::Vitals { vitals: vec![] },
    ] {
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(parse::<FromStation>(&text), Ok(message), "{text}");
    }
}
