use std::sync::{Arc, Barrier, Mutex};

use chrono::{TimeZone, Utc};

use super::*;

fn call(id: &str, station: &str, group: &str) -> NewCall {
    NewCall {
        id: id.into(),
        station_id: station.into(),
        station_name: format!("{station} 智慧健康站"),
        group: group.into(),
        resident: "张*华 **************1234".into(),
        vitals: vec![Vital {
            kind: "blood_pressure".into(),
            value: "128/82".into(),
            unit: "mmHg".into(),
            at: "2026-12-01T09:00:00+08:00".into(),
        }],
        queued_at: Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap(),
    }
}

#[test]
fn positions_count_the_waiting_calls_of_the_same_group_only() {
    let mut q = Queue::default();
    q.join(call("a", "s1", "wuma")).unwrap();
    q.join(call("b", "s2", "other")).unwrap();
    q.join(call("c", "s3", "wuma")).unwrap();
    assert_eq!(q.position("a"), Some(1));
    assert_eq!(q.position("b"), Some(1));
    assert_eq!(q.position("c"), Some(2));
    // Accepted: no longer in the line, and the next moves up.
    q.accept("a", 7, "wuma").unwrap();
    assert_eq!(q.position("a"), None);
    assert_eq!(q.position("c"), Some(1));
    assert_eq!(q.position("nope"), None);
}

#[test]
fn the_expected_wait_grows_with_the_line_and_shrinks_with_doctors() {
    let mut q = Queue::default();
    for (id, station) in [("a", "s1"), ("b", "s2"), ("c", "s3")] {
        q.join(call(id, station, "g")).unwrap();
    }
    assert_eq!(q.expected_wait_minutes("a", 1, 5), Some(5));
    assert_eq!(q.expected_wait_minutes("c", 1, 5), Some(15));
    assert_eq!(q.expected_wait_minutes("c", 2, 5), Some(8));
    // Nobody online yet: counted as one doctor, never zero minutes.
    assert_eq!(q.expected_wait_minutes("a", 0, 5), Some(5));
    assert_eq!(q.expected_wait_minutes("a", 9, 1), Some(1));
}

#[test]
fn a_station_calls_once_at_a_time() {
    let mut q = Queue::default();
    q.join(call("a", "s1", "g")).unwrap();
    assert_eq!(
        q.join(call("b", "s1", "g")).err(),
        Some(QueueError::AlreadyCalling)
    );
    q.remove("a");
    q.join(call("b", "s1", "g")).unwrap();
}

#[test]
fn two_doctors_accepting_the_same_call_at_once_exactly_one_wins() {
    for _ in 0..50 {
        let q = Arc::new(Mutex::new(Queue::default()));
        q.lock().unwrap().join(call("a", "s1", "g")).unwrap();
        let start = Arc::new(Barrier::new(2));
        let doctors: Vec<_> = [1, 2]
            .into_iter()
            .map(|doctor| {
                let (q, start) = (q.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    q.lock()
                        .unwrap()
                        .accept("a", doctor, "g")
                        .map(|c| c.state.clone())
                })
            })
            .collect();
        let results: Vec<_> = doctors.into_iter().map(|t| t.join().unwrap()).collect();
        let winners: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        assert!(
            results.contains(&Err(QueueError::AlreadyTaken)),
            "{results:?}"
        );
        // The call is the winner's, and nobody else's.
        let CallState::Accepted { doctor } = winners[0] else {
            panic!("{results:?}")
        };
        let q = q.lock().unwrap();
        assert!(q.doctors_call("a", *doctor).is_ok());
        assert_eq!(
            q.doctors_call("a", 3 - *doctor).err(),
            Some(QueueError::NotYours)
        );
    }
}

#[test]
fn a_doctor_of_another_group_cannot_take_a_call() {
    let mut q = Queue::default();
    q.join(call("a", "s1", "wuma")).unwrap();
    assert_eq!(
        q.accept("a", 1, "other").err(),
        Some(QueueError::OtherGroup)
    );
    assert_eq!(q.position("a"), Some(1));
}

#[test]
fn a_declined_call_stays_in_line_for_the_other_doctors() {
    let mut q = Queue::default();
    q.join(call("a", "s1", "g")).unwrap();
    q.decline("a", 1).unwrap();
    assert!(q.offered_to("g", 1).is_empty());
    assert_eq!(q.offered_to("g", 2).len(), 1);
    assert_eq!(q.position("a"), Some(1));
    q.accept("a", 2, "g").unwrap();
    assert_eq!(q.decline("a", 1).err(), Some(QueueError::AlreadyTaken));
}

#[test]
fn a_call_whose_doctor_dropped_goes_back_to_the_front() {
    let mut q = Queue::default();
    q.join(call("a", "s1", "g")).unwrap();
    q.join(call("b", "s2", "g")).unwrap();
    q.accept("a", 1, "g").unwrap();
    assert_eq!(q.position("b"), Some(1));
    assert_eq!(q.calls_of(1), vec!["a".to_string()]);
    q.requeue_front("a").unwrap();
    assert_eq!(q.position("a"), Some(1));
    assert_eq!(q.position("b"), Some(2));
    assert!(q.calls_of(1).is_empty());
}

#[test]
fn vitals_measured_during_the_call_join_the_call() {
    let mut q = Queue::default();
    q.join(call("a", "s1", "g")).unwrap();
    let more = Vital {
        kind: "weight".into(),
        value: "61.5".into(),
        unit: "kg".into(),
        at: "2026-12-01T09:05:00+08:00".into(),
    };
    let c = q.add_vitals("a", vec![more.clone()]).unwrap();
    assert_eq!(c.vitals.len(), 2);
    assert_eq!(c.vitals[1], more);
    assert_eq!(
        q.add_vitals("x", vec![]).err(),
        Some(QueueError::NoSuchCall)
    );
}
