//! `clinic-console`: the doctor console's server and its two setup commands.
//!
//!   clinic-console serve --config clinic.toml
//!   clinic-console add-doctor --config clinic.toml --username U --name NAME --group G
//!       (the password is read from the CLINIC_DOCTOR_PASSWORD variable, else from stdin)
//!   clinic-console issue-station-key --config clinic.toml --station ID --name NAME --group G
//!       (prints the key once; put it in the station's station.toml)

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use station_clinic::clock::system_clock;
use station_clinic::{stations, Console, ConsoleConfig, ConsoleStore};

const USAGE: &str = "usage:
  clinic-console serve --config FILE
  clinic-console add-doctor --config FILE --username U --name NAME --group GROUP
  clinic-console issue-station-key --config FILE --station ID --name NAME --group GROUP";

/// `--name value` pairs after the command.
fn option(args: &[String], name: &str) -> Option<String> {
    args.windows(2)
        .find(|w| w[0] == format!("--{name}"))
        .map(|w| w[1].clone())
}

fn required(args: &[String], name: &str) -> Result<String, String> {
    option(args, name).ok_or_else(|| format!("--{name} is required\n{USAGE}"))
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clinic-console: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().cloned().unwrap_or_default();
    let config_path = PathBuf::from(required(&args, "config")?);
    let config = ConsoleConfig::load(&config_path).map_err(|e| e.to_string())?;
    let store = Arc::new(
        ConsoleStore::open(&config.database, &config.store_key_file).map_err(|e| e.to_string())?,
    );
    match command.as_str() {
        "serve" => serve(config, store),
        "add-doctor" => {
            let password = match std::env::var("CLINIC_DOCTOR_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("password:");
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .map_err(|e| e.to_string())?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let accounts = station_clinic::Accounts::new(store, system_clock());
            let doctor = accounts
                .add_doctor(
                    &required(&args, "username")?,
                    &required(&args, "name")?,
                    &required(&args, "group")?,
                    &password,
                )
                .map_err(|e| e.to_string())?;
            println!("doctor {} added to group {}", doctor.username, doctor.group);
            Ok(())
        }
        "issue-station-key" => {
            let key = stations::issue_key(
                &store,
                &required(&args, "station")?,
                &required(&args, "name")?,
                &required(&args, "group")?,
                chrono::Utc::now(),
            )
            .map_err(|e| e.to_string())?;
            println!("{key}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}

fn serve(config: ConsoleConfig, store: Arc<ConsoleStore>) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = station_clinic::server::bind(config.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        // One line the test harness and installers read: where the console listens.
        println!("clinic-console listening on http://{addr}");
        let console = Console::new(config, store, system_clock());
        tokio::select! {
            served = station_clinic::server::serve(listener, console) => served.map_err(|e| e.to_string()),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}
