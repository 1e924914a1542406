//! A real NAT on this machine, for the call's server-reflexive candidate: three network
//! namespaces joined by veth pairs — the kiosk's private network (10.77.1.0/24), a router that
//! masquerades onto the public network with nftables (the kernel's own NAT), and the public
//! network (10.77.2.0/24) where the doctor and the STUN server are. Needs root, iproute2 and
//! nftables (`scripts/setup test`). Everything goes with the value (namespaces, links, rules).

use std::os::fd::AsFd;
use std::process::Command;

/// The kiosk's address on its private network.
pub const KIOSK: [u8; 4] = [10, 77, 1, 2];
/// The router's address on the public network: what the kiosk is seen from there.
pub const ROUTER_PUBLIC: [u8; 4] = [10, 77, 2, 1];
/// The doctor's and the STUN server's address.
pub const PUBLIC_HOST: [u8; 4] = [10, 77, 2, 2];

pub struct Nat {
    /// Namespace names: kiosk, router, public.
    names: [String; 3],
}

fn ip(args: &[&str]) -> Result<(), String> {
    run(Command::new("ip").args(args))
}

fn run(command: &mut Command) -> Result<(), String> {
    let out = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Nat {
    pub fn build() -> Result<Nat, String> {
        let id = std::process::id();
        let names = ["kiosk", "router", "public"].map(|n| format!("st{id}{n}"));
        let nat = Nat { names };
        let [kiosk, router, public] = &nat.names;
        for name in &nat.names {
            ip(&["netns", "add", name])?;
            ip(&["-n", name, "link", "set", "lo", "up"])?;
        }
        ip(&[
            "link", "add", "k0", "netns", kiosk, "type", "veth", "peer", "name", "r0", "netns",
            router,
        ])?;
        ip(&[
            "link", "add", "p0", "netns", public, "type", "veth", "peer", "name", "r1", "netns",
            router,
        ])?;
        for (ns, dev, addr) in [
            (kiosk, "k0", "10.77.1.2/24"),
            (router, "r0", "10.77.1.1/24"),
            (router, "r1", "10.77.2.1/24"),
            (public, "p0", "10.77.2.2/24"),
        ] {
            ip(&["-n", ns, "addr", "add", addr, "dev", dev])?;
            ip(&["-n", ns, "link", "set", dev, "up"])?;
        }
        // The kiosk reaches the public network only through the router; the public network
        // has no route back to 10.77.1.0/24: only the NAT's mappings bring answers in.
        ip(&["-n", kiosk, "route", "add", "default", "via", "10.77.1.1"])?;
        run(Command::new("ip").args([
            "netns",
            "exec",
            router,
            "sysctl",
            "-q",
            "-w",
            "net.ipv4.ip_forward=1",
        ]))?;
        let rules =
            "table ip nat {\n chain post {\n  type nat hook postrouting priority srcnat;\n  \
                     oifname \"r1\" masquerade\n }\n}\n";
        let rules_file = std::env::temp_dir().join(format!("{router}.nft"));
        std::fs::write(&rules_file, rules).map_err(|e| e.to_string())?;
        let loaded = run(Command::new("ip")
            .args(["netns", "exec", router, "nft", "-f"])
            .arg(&rules_file));
        let _ = std::fs::remove_file(&rules_file);
        loaded?;
        Ok(nat)
    }

    /// Runs `work` on a thread inside the kiosk's network: sockets it makes (and threads it
    /// starts) belong there.
    pub fn in_kiosk_network<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        in_namespace(&self.names[0], work)
    }

    /// Runs `work` on a thread inside the public network.
    pub fn in_public_network<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        in_namespace(&self.names[2], work)
    }

    /// A program started inside the public network (`ip netns exec`).
    pub fn public_command(&self, program: &str) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.names[2], program]);
        command
    }
}

/// Enters the namespace on a scoped thread of its own (a thread's network namespace is its own;
/// the test's other threads stay where they are).
fn in_namespace<T: Send>(name: &str, work: impl FnOnce() -> T + Send) -> T {
    let path = format!("/var/run/netns/{name}");
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let ns = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
                nix::sched::setns(ns.as_fd(), nix::sched::CloneFlags::CLONE_NEWNET)
                    .unwrap_or_else(|e| panic!("entering {path}: {e}"));
                work()
            })
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

impl Drop for Nat {
    fn drop(&mut self) {
        // The veth pairs and the rules go with their namespaces.
        for name in &self.names {
            let _ = ip(&["netns", "del", name]);
        }
    }
}
