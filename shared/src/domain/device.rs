//! Device tokens (OWASP's "device cookies"): given to a client at a successful login
//! and shown at later ones, they prove the client signed in to that account before, so
//! it keeps the normal pace while strangers guessing the account have spent its
//! account-wide budget. Stateless: signed with the token keys, bound to the account as
//! typed (normalised), never to a member id the caller could not know.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::token::{SigningKeys, TokenError, TypedClaims, verify_typed};

/// A year: a device is remembered as long as it signs in now and then.
pub const DEVICE_TOKEN_TTL_SECS: u64 = 365 * 24 * 3600;
pub const DEVICE_TOKEN_PREFIX: &str = "DEV.";

/// An account as login counters and device tokens name it: the email as typed,
/// trimmed and lower-cased, hashed (so no plain email is stored or carried).
pub fn account_digest(raw_email: &str) -> String {
    let digest = Sha256::digest(raw_email.trim().to_lowercase());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeviceClaims {
    /// [`account_digest`] of the account signed in to.
    pub sub: String,
    pub iat: u64,
    pub exp: u64,
    pub typ: String,
}

impl TypedClaims for DeviceClaims {
    const TYPE: &'static str = "device";
    fn token_type(&self) -> &str {
        &self.typ
    }
    fn expires_at(&self) -> u64 {
        self.exp
    }
}

pub fn issue_device_token(
    keys: &SigningKeys,
    raw_email: &str,
    now: u64,
) -> Result<String, TokenError> {
    let claims = DeviceClaims {
        sub: account_digest(raw_email),
        iat: now,
        exp: now + DEVICE_TOKEN_TTL_SECS,
        typ: DeviceClaims::TYPE.into(),
    };
    Ok(format!("{DEVICE_TOKEN_PREFIX}{}", keys.sign(&claims)?))
}

/// Whether `token` is a live device token of the account `raw_email` names.
pub fn proves_device(keys: &SigningKeys, token: &str, raw_email: &str, now: u64) -> bool {
    token
        .strip_prefix(DEVICE_TOKEN_PREFIX)
        .and_then(|jwt| verify_typed::<DeviceClaims>(keys, jwt, now).ok())
        .is_some_and(|claims| claims.sub == account_digest(raw_email))
}

#[cfg(test)]
mod tests {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

    use super::*;

    fn keys() -> SigningKeys {
        SigningKeys::parse(&format!("k1:{}", URL_SAFE_NO_PAD.encode([9u8; 32]))).unwrap()
    }

    #[test]
    fn a_device_token_proves_its_account_only_until_it_expires() {
        let keys = keys();
        let token = issue_device_token(&keys, " Ada@Example.com ", 1_000).unwrap();
        assert!(token.starts_with(DEVICE_TOKEN_PREFIX));
        assert!(proves_device(&keys, &token, "ada@example.com", 1_000));
        assert!(!proves_device(&keys, &token, "eve@example.com", 1_000));
        assert!(!proves_device(
            &keys,
            &token,
            "ada@example.com",
            1_001 + DEVICE_TOKEN_TTL_SECS
        ));
        assert!(!proves_device(
            &keys,
            "DEV.forged",
            "ada@example.com",
            1_000
        ));
        let other = SigningKeys::parse(&format!("k2:{}", URL_SAFE_NO_PAD.encode([3u8; 32])));
        assert!(!proves_device(
            &other.unwrap(),
            &token,
            "ada@example.com",
            1_000
        ));
    }
}
