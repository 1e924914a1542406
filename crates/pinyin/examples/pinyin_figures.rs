//! Pinyin keyboard figures for scripts/bench (`name: value unit` lines): the first lookup (the
//! dictionary opened), and a key press's lookup afterwards, at its slowest (one letter: every
//! word starting with it is looked at) and for a whole word.

use std::time::Instant;

fn micros(since: Instant, runs: u32) -> String {
    format!(
        "{:.0}",
        since.elapsed().as_secs_f64() * 1e6 / f64::from(runs)
    )
}

fn main() {
    let t = Instant::now();
    let first = station_pinyin::candidates("jiedao", 60);
    println!("pinyin_first_lookup: {} us", micros(t, 1));
    assert!(!first.is_empty(), "the dictionary is empty");
    for (name, pinyin) in [
        ("pinyin_lookup_one_letter", "s"),
        ("pinyin_lookup_word", "shequ"),
    ] {
        let runs = 50;
        let t = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(station_pinyin::candidates(pinyin, 60));
        }
        println!("{name}: {} us", micros(t, runs));
    }
}
