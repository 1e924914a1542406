//! Wrong passwords counted per network address, beside the per-account lockout
//! (`accounts.rs`): that one stops guessing one doctor's password, this one stops one machine
//! trying many accounts (and spending the console's CPU on argon2 for each try).
//!
//! Generous on purpose: a health centre's doctors may share one address behind its router.
//! Time is an input, so the rule is tested without waiting.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};

use chrono::{DateTime, Duration, Utc};

/// Wrong passwords one address may send within [`WINDOW_MINUTES`].
pub const MAX_FAILURES: usize = 20;
pub const WINDOW_MINUTES: i64 = 10;
/// Addresses remembered at most: a flood from many addresses cannot grow the memory without
/// bound (the oldest are forgotten first).
const MAX_ADDRESSES: usize = 10_000;

#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: HashMap<IpAddr, VecDeque<DateTime<Utc>>>,
}

/// IPv6 hosts get a /64 each: counting single addresses there would count nothing.
fn source(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl LoginThrottle {
    /// `Some(until)` when this address must wait before trying again.
    pub fn refused_until(&mut self, addr: IpAddr, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let window = Duration::minutes(WINDOW_MINUTES);
        let times = self.failures.get_mut(&source(addr))?;
        while times.front().is_some_and(|t| *t + window <= now) {
            times.pop_front();
        }
        if times.len() >= MAX_FAILURES {
            // Free again when the oldest failure in the window has aged out.
            return times.front().map(|t| *t + window);
        }
        None
    }

    /// A wrong password (or unknown account) from this address.
    pub fn failed(&mut self, addr: IpAddr, now: DateTime<Utc>) {
        if self.failures.len() >= MAX_ADDRESSES {
            self.forget_old(now);
        }
        let times = self.failures.entry(source(addr)).or_default();
        times.push_back(now);
        if times.len() > MAX_FAILURES {
            times.pop_front();
        }
    }

    fn forget_old(&mut self, now: DateTime<Utc>) {
        let window = Duration::minutes(WINDOW_MINUTES);
        self.failures
            .retain(|_, times| times.back().is_some_and(|t| *t + window > now));
        while self.failures.len() >= MAX_ADDRESSES {
            let oldest = self
                .failures
                .iter()
                .min_by_key(|(_, times)| times.back().copied())
                .map(|(addr, _)| *addr);
            match oldest {
                Some(addr) => self.failures.remove(&addr),
                None => break,
            };
        }
    }

    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.failures.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000) + Duration::seconds(minutes * 60)
    }

    fn addr(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn an_address_that_keeps_failing_waits_until_its_oldest_failure_ages_out() {
        let mut throttle = LoginThrottle::default();
        let attacker = addr("203.0.113.7");
        for i in 0..MAX_FAILURES {
            assert_eq!(throttle.refused_until(attacker, at(0)), None, "try {i}");
            throttle.failed(attacker, at(0));
        }
        assert_eq!(
            throttle.refused_until(attacker, at(1)),
            Some(at(WINDOW_MINUTES))
        );
        // Another machine is not held up.
        assert_eq!(throttle.refused_until(addr("203.0.113.8"), at(1)), None);
        assert_eq!(throttle.refused_until(attacker, at(WINDOW_MINUTES)), None);
    }

    #[test]
    fn a_few_wrong_passwords_spread_out_never_block() {
        let mut throttle = LoginThrottle::default();
        let centre = addr("198.51.100.1");
        for minute in 0..200 {
            assert_eq!(throttle.refused_until(centre, at(minute)), None);
            throttle.failed(centre, at(minute));
        }
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let mut throttle = LoginThrottle::default();
        for i in 0..MAX_FAILURES {
            throttle.failed(addr(&format!("2001:db8:1:2::{i:x}")), at(0));
        }
        assert!(throttle
            .refused_until(addr("2001:db8:1:2:ffff::1"), at(0))
            .is_some());
        assert!(throttle
            .refused_until(addr("2001:db8:1:3::1"), at(0))
            .is_none());
        for _ in 0..MAX_FAILURES {
            throttle.failed(addr("::ffff:192.0.2.9"), at(0));
        }
        assert!(throttle.refused_until(addr("192.0.2.9"), at(0)).is_some());
    }

    proptest! {
        /// However many addresses fail, the memory stays bounded and no address is refused
        /// after fewer than MAX_FAILURES failures of its own.
        #[test]
        fn memory_is_bounded_and_no_one_is_refused_early(
            tries in proptest::collection::vec((any::<u32>(), 0i64..30), 1..300)
        ) {
            let mut throttle = LoginThrottle::default();
            let mut own: HashMap<IpAddr, usize> = HashMap::new();
            for (a, minute) in tries {
                let address = IpAddr::V4(std::net::Ipv4Addr::from(a % 64));
                let _ = throttle.refused_until(address, at(minute));
                throttle.failed(address, at(minute));
                *own.entry(address).or_default() += 1;
                prop_assert!(throttle.remembered() <= MAX_ADDRESSES);
            }
            for (address, count) in own {
                if count < MAX_FAILURES {
                    prop_assert_eq!(throttle.refused_until(address, at(0)), None);
                }
            }
        }
    }
}
