//! A private TURN relay: Debian's coturn (`turnserver`) on loopback with one long-term user, no
//! configuration file, no TLS and no service: what a doctor behind a strict network reaches the
//! kiosk through. Loopback peers are allowed (the kiosk is on this machine's loopback here; a
//! production relay must not allow them).

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::nat::{self, Nat};
use crate::{free_port, supervised, wait_for, Supervised};

pub const USER: &str = "station";
pub const PASSWORD: &str = "relay-secret";

pub struct PrivateTurn {
    pub port: u16,
    _server: Supervised,
    dir: tempfile::TempDir,
}

impl PrivateTurn {
    /// On this machine's loopback.
    pub fn start() -> Result<PrivateTurn, String> {
        let ready = |port: u16| std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
        PrivateTurn::start_with(Command::new("turnserver"), "127.0.0.1", ready)
    }

    /// On the public network of a [`Nat`], at [`nat::PUBLIC_HOST`].
    pub fn start_behind(nat: &Nat) -> Result<PrivateTurn, String> {
        let ip = std::net::Ipv4Addr::from(nat::PUBLIC_HOST);
        let ready =
            |port: u16| nat.in_public_network(|| std::net::TcpStream::connect((ip, port)).is_ok());
        PrivateTurn::start_with(nat.public_command("turnserver"), &ip.to_string(), ready)
    }

    fn start_with(
        mut cmd: Command,
        ip: &str,
        ready: impl Fn(u16) -> bool,
    ) -> Result<PrivateTurn, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = free_port().map_err(|e| e.to_string())?;
        let log = std::fs::File::create(dir.path().join("turn.log")).map_err(|e| e.to_string())?;
        cmd.args(["-n", "--no-cli", "--no-tls", "--no-dtls", "--simple-log"])
            .arg(format!("--listening-ip={ip}"))
            .arg(format!("--relay-ip={ip}"))
            .arg(format!("--listening-port={port}"))
            .args(["--lt-cred-mech", "--realm=station.test"])
            .arg(format!("--user={USER}:{PASSWORD}"))
            .arg("--allow-loopback-peers")
            .arg(format!("--userdb={}", dir.path().join("turndb").display()))
            .arg(format!(
                "--pidfile={}",
                dir.path().join("turn.pid").display()
            ))
            .args(["--log-file=stdout", "--verbose"]);
        let server = supervised(cmd, Stdio::from(log), Stdio::null())
            .map_err(|e| format!("turnserver (apt coturn): {e}"))?;
        // It listens on TCP and UDP alike: the TCP side answering means it is up.
        wait_for(Duration::from_secs(10), || Ok(ready(port).then_some(())))?;
        Ok(PrivateTurn {
            port,
            _server: server,
            dir,
        })
    }

    /// The relay as the console's `clinic.toml` names it: relay-only, one TURN server.
    pub fn console_config(&self) -> String {
        format!(
            "relay_only = true\n[[ice_servers]]\nurls = [\"turn:127.0.0.1:{}?transport=udp\"]\n\
             username = \"{USER}\"\ncredential = \"{PASSWORD}\"\n",
            self.port
        )
    }

    /// What the relay logged (allocations, permissions, channel bindings).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("turn.log")).unwrap_or_default()
    }
}
