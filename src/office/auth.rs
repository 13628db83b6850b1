//! Who is who: passwords hashed with Argon2id, secrets (session cookies,
//! invitation links) from the operating system's random source and
//! stored only as their SHA-256, and sign-in attempts counted per account
//! and per address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

use crate::random;

/// What a login may be made of.
pub const LOGIN_RULE: &str = "账号只能用 2 到 40 个字母、数字、汉字或 . _ - @";

pub fn good_login(login: &str) -> bool {
    let n = login.chars().count();
    (2..=40).contains(&n) && login.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c))
}

/// Argon2 takes 19 MiB and tens of milliseconds a hash: at most this many
/// at once, however many sign-ins arrive.
pub const HASHING: usize = 2;

/// The fewest characters a password may have.
pub const MIN_PASSWORD: usize = 10;

/// Why a password is not accepted, in the user's words.
pub fn weak(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Some(format!("密码至少要 {MIN_PASSWORD} 个字符（现在是 {n} 个）"));
    }
    if n > 200 {
        return Some("密码不能超过 200 个字符".into());
    }
    None
}

/// The Argon2id hash of `password` (PHC string: algorithm, parameters,
/// salt and hash).
pub fn hash_password(password: &str) -> std::io::Result<String> {
    let salt = SaltString::encode_b64(&random::bytes::<16>()?).map_err(|e| std::io::Error::other(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// Whether `password` is the one `hash` was made from. Without a hash
/// (no such account, or one whose invitation is not taken up) a hash is
/// still computed, so the answer takes as long either way.
pub fn verify_password(hash: Option<&str>, password: &str) -> bool {
    let parsed = hash.and_then(|h| PasswordHash::new(h).ok());
    match parsed {
        Some(h) => Argon2::default().verify_password(password.as_bytes(), &h).is_ok(),
        None => {
            let _ = hash_password(password);
            false
        }
    }
}

/// A fresh secret: 256 bits from the operating system's random source, in
/// hex.
pub fn secret() -> std::io::Result<String> {
    random::hex::<32>()
}

/// What the database keeps of a secret: its SHA-256, so that a copy of
/// the database opens no session and no invitation.
pub fn stored(secret: &str) -> String {
    sha256(secret.as_bytes())
}

/// The SHA-256 of bytes, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// How many failed sign-ins are let through within [`WINDOW`]: per
/// account, per address.
const PER_ACCOUNT: usize = 5;
const PER_ADDRESS: usize = 20;
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failed sign-ins of the last [`WINDOW`], per account and per address.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    /// The counts a sign-in is held to: its account's (when it names a
    /// possible one) and its address's (an IPv6 address by its /64, the
    /// block one household or office is given).
    fn keys(login: Option<&str>, from: IpAddr) -> Vec<(String, usize)> {
        let address = match from.to_canonical() {
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            v4 => format!("ip:{v4}"),
        };
        let mut keys = vec![(address, PER_ADDRESS)];
        keys.extend(login.map(|l| (format!("login:{l}"), PER_ACCOUNT)));
        keys
    }

    /// Counts an attempt for this account (`None`: no account to count,
    /// an invitation) and this address before it is tried — as failed
    /// until [`Throttle::succeeded`] says otherwise — unless too many
    /// failed already: then how long to wait. Checking and counting are
    /// one step, so guesses sent all at once are held to the limit too.
    pub fn attempt(&self, login: Option<&str>, from: IpAddr) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let keys = Throttle::keys(login, from);
        let wait = keys
            .iter()
            .filter_map(|(key, most)| {
                let times = failures.get_mut(key)?;
                times.retain(|t| now.duration_since(*t) < WINDOW);
                (times.len() >= *most).then(|| WINDOW - now.duration_since(times[times.len() - most]))
            })
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        // Forget what is out of the window, so the map stays small; and
        // never hold more than a bounded number of keys.
        failures.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        if failures.len() >= MAX_KEYS {
            failures.clear();
        }
        for (key, _) in keys {
            failures.entry(key).or_default().push(now);
        }
        Ok(())
    }

    /// An attempt that worked: the account's count is cleared, and the
    /// address's forgets this attempt.
    pub fn succeeded(&self, login: Option<&str>, from: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(login) = login {
            failures.remove(&format!("login:{login}"));
        }
        if let Some((key, _)) = Throttle::keys(None, from).into_iter().next() {
            if let Some(times) = failures.get_mut(&key) {
                times.pop();
            }
        }
    }
}

/// The most accounts and addresses the throttle remembers at once.
const MAX_KEYS: usize = 100_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("正确的密码 horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(Some(&h), "正确的密码 horse"));
        assert!(!verify_password(Some(&h), "正确的密码 horsE"));
        assert!(!verify_password(None, "正确的密码 horse"));
        assert_ne!(hash_password("same").unwrap(), hash_password("same").unwrap(), "salted");
    }

    #[test]
    fn sign_ins_are_limited_per_account_and_per_address() {
        let t = Throttle::default();
        let (a, b): (IpAddr, IpAddr) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
        for _ in 0..PER_ACCOUNT {
            assert_eq!(t.attempt(Some("zhang"), a), Ok(()));
        }
        assert!(t.attempt(Some("zhang"), a).is_err());
        assert!(t.attempt(Some("zhang"), b).is_err(), "another address does not help the account");
        assert_eq!(t.attempt(Some("li"), a), Ok(()), "another account from the address still may");
        t.succeeded(Some("li"), a);
        for i in 0..PER_ADDRESS {
            assert_eq!(t.attempt(Some(&format!("n{i}")), b), Ok(()));
        }
        assert!(t.attempt(Some("wang"), b).is_err(), "one address trying many accounts is stopped");
        assert!(t.attempt(None, b).is_err(), "or many invitations");
        t.succeeded(Some("zhang"), a);
        assert_eq!(t.attempt(Some("zhang"), a), Ok(()), "a success clears the account");
        // An IPv6 address counts by its /64.
        let (c, d): (IpAddr, IpAddr) = ("2001:db8:1:2::1".parse().unwrap(), "2001:db8:1:2::ffff".parse().unwrap());
        for _ in 0..PER_ADDRESS {
            assert_eq!(t.attempt(None, c), Ok(()));
        }
        assert!(t.attempt(None, d).is_err(), "the same /64");
    }
}
