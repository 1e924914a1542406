//! Update figures for scripts/bench. Prints `name: value unit` lines, for a package the size of
//! today's release AppImage (64 MiB, generated here):
//! - the signature check the updater runs before keeping or installing it (minisign-verify, the
//!   crate Tauri's updater plugin checks with);
//! - keeping the verified package on disk whole (`UpdateDir::stage`: write, fsync, rename);
//! - putting the previous version back after a failed trial (`Trials::on_start`'s rollback).

use std::time::Instant;

use station_update::{StartVerdict, Trials, UpdateDir, TRIAL_STARTS};

const PACKAGE_MIB: usize = 64;

type Error = Box<dyn std::error::Error>;

fn ms(since: Instant) -> String {
    format!("{:.1}", since.elapsed().as_secs_f64() * 1000.0)
}

fn main() -> Result<(), Error> {
    let package: Vec<u8> = (0..PACKAGE_MIB * 1024 * 1024)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3])
        .collect();
    let keys = minisign::KeyPair::generate_unencrypted_keypair()?;
    let signature = minisign::sign(
        Some(&keys.pk),
        &keys.sk,
        std::io::Cursor::new(&package),
        Some("timestamp:0\tfile:package\tversion:0.2.0"),
        None,
    )?
    .to_string();
    let public = minisign_verify::PublicKey::decode(&keys.pk.to_box()?.to_string())?;
    let decoded = minisign_verify::Signature::decode(&signature)?;
    let start = Instant::now();
    public.verify(&package, &decoded, false)?;
    println!("update_signature_check_{PACKAGE_MIB}mib: {} ms", ms(start));

    let tmp = tempfile::tempdir()?;
    let dir = UpdateDir::new(tmp.path().join("updates"));
    let start = Instant::now();
    dir.stage("0.2.0", &package, &signature)?;
    println!("update_stage_{PACKAGE_MIB}mib: {} ms", ms(start));

    let program = tmp.path().join("health-station.AppImage");
    std::fs::write(&program, &package)?;
    let trials = Trials::new(dir.root());
    trials.begin(&program, "0.1.0", "0.2.0")?;
    for _ in 0..TRIAL_STARTS {
        trials.on_start("0.2.0")?;
    }
    let start = Instant::now();
    let verdict = trials.on_start("0.2.0")?;
    println!("update_rollback_{PACKAGE_MIB}mib: {} ms", ms(start));
    if !matches!(verdict, StartVerdict::RolledBack { .. }) {
        return Err(format!("expected a rollback, got {verdict:?}").into());
    }
    Ok(())
}
