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
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| std::io::Error::other(format!("系统随机数不可用：{e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| std::io::Error::other(e.to_string()))?;
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
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(format!("系统随机数不可用：{e}")))?;
    Ok(hex(&bytes))
}

/// What the database keeps of a secret: its SHA-256, so that a copy of
/// the database opens no session and no invitation.
pub fn stored(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The SHA-256 of bytes, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
    fn keys(login: &str, from: IpAddr) -> [(String, usize); 2] {
        [(format!("login:{login}"), PER_ACCOUNT), (format!("ip:{}", from.to_canonical()), PER_ADDRESS)]
    }

    /// How long to wait before trying again, if too many attempts failed
    /// for this account or from this address.
    pub fn wait(&self, login: &str, from: IpAddr) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        Throttle::keys(login, from)
            .into_iter()
            .filter_map(|(key, most)| {
                let times = failures.get_mut(&key)?;
                times.retain(|t| now.duration_since(*t) < WINDOW);
                (times.len() >= most).then(|| WINDOW - now.duration_since(times[times.len() - most]))
            })
            .max()
    }

    pub fn failed(&self, login: &str, from: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        // Forget what is out of the window, so the map stays small.
        failures.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        for (key, _) in Throttle::keys(login, from) {
            failures.entry(key).or_default().push(now);
        }
    }

    /// A sign-in that worked clears the account's count (not the
    /// address's).
    pub fn succeeded(&self, login: &str) {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner).remove(&format!("login:{login}"));
    }
}

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
            assert_eq!(t.wait("zhang", a), None);
            t.failed("zhang", a);
        }
        assert!(t.wait("zhang", a).is_some());
        assert!(t.wait("zhang", b).is_some(), "another address does not help the account");
        assert_eq!(t.wait("li", a), None, "another account from the address still may");
        for i in 0..PER_ADDRESS {
            t.failed(&format!("n{i}"), b);
        }
        assert!(t.wait("wang", b).is_some(), "one address trying many accounts is stopped");
        t.succeeded("zhang");
        assert_eq!(t.wait("zhang", a), None);
    }
}
