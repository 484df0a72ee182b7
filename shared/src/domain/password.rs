//! Passwords: the Velo policy, common-password refusal, and argon2id hashing off the
//! async runtime (a dummy hash for unknown members, so both cost the same).

use std::{fmt, sync::Arc};

use argon2::Params;
use tokio::sync::OnceCell;

use crate::error::ApiError;

/// A candidate password: 4–100 printable ASCII characters (the Velo contract), with a
/// configurable minimum. Never printed.
pub struct Password(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    TooShort(usize),
    TooLong,
    NotPrintableAscii,
    TooCommon,
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordError::TooShort(min) => write!(f, "password must be at least {min} characters"),
            PasswordError::TooLong => f.write_str("password must be at most 100 characters"),
            PasswordError::NotPrintableAscii => {
                f.write_str("password may contain printable ASCII characters only")
            }
            PasswordError::TooCommon => {
                f.write_str("password is one of the most common passwords; choose another")
            }
        }
    }
}

pub const MAX_PASSWORD_LENGTH: usize = 100;

impl Password {
    /// Parses a password chosen at registration or reset: the policy applies.
    pub fn parse_new(raw: String, min_length: usize) -> Result<Self, PasswordError> {
        if !raw.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(PasswordError::NotPrintableAscii);
        }
        if raw.len() < min_length {
            return Err(PasswordError::TooShort(min_length));
        }
        if raw.len() > MAX_PASSWORD_LENGTH {
            return Err(PasswordError::TooLong);
        }
        if is_common(&raw) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Self(raw))
    }

    /// A password offered at login is only compared, never judged: a policy change must
    /// not lock out members whose passwords met the old one. Length is still capped so
    /// a huge body cannot buy a long hash.
    pub fn for_login(raw: String) -> Result<Self, PasswordError> {
        if raw.len() > MAX_PASSWORD_LENGTH {
            return Err(PasswordError::TooLong);
        }
        Ok(Self(raw))
    }

    /// A random password for members created without one (generateSessionToken).
    pub fn random() -> Self {
        Self(crate::domain::token::random_token())
    }

    fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// The most common passwords the policy would otherwise accept: the top of zxcvbn
/// 4.5.0's `passwords` frequency list (PyPI, MIT), cut where 3,000 of them have 8 or more
/// characters (ASVS 6.2.4). Compared case-insensitively.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

fn is_common(candidate: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    let set = SET.get_or_init(|| COMMON_PASSWORDS.lines().collect());
    set.contains(candidate.to_ascii_lowercase().as_str())
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Argon2id hashing on the blocking pool, with a dummy hash so an unknown email costs
/// the same as a wrong password.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    dummy_hash: Arc<OnceCell<String>>,
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashingError(String);

impl From<HashingError> for ApiError {
    fn from(err: HashingError) -> Self {
        ApiError::internal(err)
    }
}

/// Argon2id cost: OWASP's minimum (19 MiB, 2 passes, 1 lane) unless configured.
#[derive(Clone, Copy, Debug)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl PasswordHasher {
    pub fn new(settings: Argon2Settings) -> Result<Self, HashingError> {
        let params = Params::new(
            settings.memory_kib,
            settings.iterations,
            settings.parallelism,
            None,
        )
        .map_err(|e| HashingError(e.to_string()))?;
        Ok(Self {
            params,
            dummy_hash: Arc::new(OnceCell::new()),
        })
    }

    pub async fn hash(&self, password: Password) -> Result<String, HashingError> {
        let params = self.params.clone();
        tokio::task::spawn_blocking(move || {
            super::argon2id::hash(&params, password.expose()).map_err(HashingError)
        })
        .await
        .map_err(|e| HashingError(e.to_string()))?
    }

    /// Checks `password` against `stored`, or against a dummy hash of the same cost when
    /// there is no stored hash. Returns true only for a real match.
    pub async fn verify(
        &self,
        password: Password,
        stored: Option<String>,
    ) -> Result<bool, HashingError> {
        let (hash, real) = match stored {
            Some(hash) => (hash, true),
            None => (self.dummy_hash().await?, false),
        };
        let matched =
            tokio::task::spawn_blocking(move || super::argon2id::verify(password.expose(), &hash))
                .await
                .map_err(|e| HashingError(e.to_string()))?;
        Ok(real && matched)
    }

    /// Computed on first use rather than at cold start, to keep init fast.
    async fn dummy_hash(&self) -> Result<String, HashingError> {
        self.dummy_hash
            .get_or_try_init(|| self.hash(Password::random()))
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap_hasher() -> PasswordHasher {
        PasswordHasher::new(Argon2Settings {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        })
        .unwrap()
    }

    #[test]
    fn policy_bounds() {
        assert!(Password::parse_new("abcd".into(), 4).is_ok());
        assert_eq!(
            Password::parse_new("abc".into(), 4).unwrap_err(),
            PasswordError::TooShort(4)
        );
        assert_eq!(
            Password::parse_new("abcdefg".into(), 8).unwrap_err(),
            PasswordError::TooShort(8)
        );
        assert!(Password::parse_new("a".repeat(100), 8).is_ok());
        assert_eq!(
            Password::parse_new("a".repeat(101), 8).unwrap_err(),
            PasswordError::TooLong
        );
        for bad in [
            "pässwörd1",
            "tab\tpassword",
            "new\nline-password",
            "emoji🙂password",
        ] {
            assert_eq!(
                Password::parse_new(bad.into(), 4).unwrap_err(),
                PasswordError::NotPrintableAscii
            );
        }
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        for common in ["password", "12345678", "Password", "QWERTY123", "iloveyou"] {
            assert_eq!(
                Password::parse_new(common.into(), 8).unwrap_err(),
                PasswordError::TooCommon,
                "{common}"
            );
        }
        let long_common = COMMON_PASSWORDS.lines().filter(|p| p.len() >= 8).count();
        assert!(long_common >= 3000, "{long_common}");
        assert!(Password::parse_new("correct-horse-battery".into(), 8).is_ok());
    }

    #[test]
    fn debug_never_prints_the_password() {
        let password = Password::parse_new("hunter2hunter2".into(), 8).unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hasher = cheap_hasher();
        let hash = hasher
            .hash(Password::parse_new("correct horse".into(), 8).unwrap())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"));
        assert!(!hash.contains("correct horse"));
        let good = Password::for_login("correct horse".into()).unwrap();
        assert!(hasher.verify(good, Some(hash.clone())).await.unwrap());
        let bad = Password::for_login("wrong horse".into()).unwrap();
        assert!(!hasher.verify(bad, Some(hash)).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_member_never_verifies() {
        let hasher = cheap_hasher();
        let any = Password::for_login("whatever".into()).unwrap();
        assert!(!hasher.verify(any, None).await.unwrap());
    }
}
