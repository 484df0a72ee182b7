//! Random tokens, their stored hashes, and signed session tokens.

use std::fmt;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 256 random bits from the OS CSPRNG, base64url: for approval tokens, refresh
/// tokens, recovery tokens and random passwords.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS generator failing means the machine cannot do cryptography at all.
    getrandom::fill(&mut bytes).expect("the OS random number generator is unavailable");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored only as this hash. They carry 256 bits of entropy, so a fast
/// hash is enough: there is nothing to brute-force.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// HS256 keys, newest first: the first signs, every one verifies.
#[derive(Clone)]
pub struct SigningKeys {
    keys: Vec<(String, Vec<u8>)>,
}

impl fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kids: Vec<&str> = self.keys.iter().map(|(kid, _)| kid.as_str()).collect();
        write!(f, "SigningKeys({kids:?})")
    }
}

impl SigningKeys {
    /// `kid:base64url-key[,kid:base64url-key...]`, each key at least 32 bytes.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut keys = Vec::new();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (kid, encoded) = entry
                .split_once(':')
                .ok_or("each entry must be kid:base64url-key")?;
            let kid = kid.trim();
            if kid.is_empty()
                || !kid
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err("a key id must be non-empty letters, digits, - or _".into());
            }
            let key = URL_SAFE_NO_PAD
                .decode(encoded.trim().trim_end_matches('='))
                .map_err(|_| format!("key {kid} is not base64url"))?;
            if key.len() < 32 {
                return Err(format!("key {kid} is shorter than 32 bytes"));
            }
            if keys.iter().any(|(k, _)| k == kid) {
                return Err(format!("key id {kid} appears twice"));
            }
            keys.push((kid.to_string(), key));
        }
        if keys.is_empty() {
            return Err("at least one key is required".into());
        }
        Ok(Self { keys })
    }

    /// Every key with its id, newest first.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.keys
            .iter()
            .map(|(kid, key)| (kid.as_str(), key.as_slice()))
    }

    fn current(&self) -> (&str, &[u8]) {
        let (kid, key) = &self.keys[0];
        (kid, key)
    }

    fn find(&self, kid: &str) -> Option<&[u8]> {
        self.keys
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, key)| key.as_slice())
    }

    pub fn sign<C: Serialize>(&self, claims: &C) -> Result<String, TokenError> {
        let (kid, key) = self.current();
        let header = Header {
            kid: Some(kid.to_string()),
            ..Header::new(Algorithm::HS256)
        };
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(key))
            .map_err(|_| TokenError::Invalid)
    }

    /// Verifies signature, algorithm (HS256 only) and key id; expiry is the caller's
    /// check, against its clock ([`verify_typed`]).
    fn verify<C: for<'de> Deserialize<'de>>(&self, token: &str) -> Result<C, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenError::Invalid);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.find(kid))
            .ok_or(TokenError::Invalid)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        // `exp` is still required; it is compared with the injected clock, not the system's.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        jsonwebtoken::decode::<C>(token, &DecodingKey::from_secret(key), &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token is invalid")]
    Invalid,
    #[error("token has expired")]
    Expired,
}

impl From<TokenError> for crate::error::ApiError {
    fn from(err: TokenError) -> Self {
        crate::error::ApiError::internal(err)
    }
}

/// Claims that name their own kind, so a token of one kind never passes for another
/// (all kinds share the signing keys).
pub trait TypedClaims: Serialize + for<'de> Deserialize<'de> {
    const TYPE: &'static str;
    fn token_type(&self) -> &str;
    fn expires_at(&self) -> u64;
}

/// A token of kind `C`, signed by one of `keys` and not expired at `now` (seconds;
/// a token is good through its `exp` second, as jsonwebtoken has it).
pub(super) fn verify_typed<C: TypedClaims>(
    keys: &SigningKeys,
    jwt: &str,
    now: u64,
) -> Result<C, TokenError> {
    let claims: C = keys.verify(jwt)?;
    if claims.token_type() != C::TYPE {
        return Err(TokenError::Invalid);
    }
    if claims.expires_at() < now {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

/// What a session token says: who, which token generation of theirs, and when.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SessionClaims {
    pub sub: String,
    /// The member's token version when issued; blocking bumps it, killing the token.
    pub ver: u64,
    /// The one session this token may open: redeeming it again, or after that
    /// session's logout, finds the session already there.
    pub sid: String,
    pub iat: u64,
    pub exp: u64,
    pub typ: String,
}

impl TypedClaims for SessionClaims {
    fn expires_at(&self) -> u64 {
        self.exp
    }
    const TYPE: &'static str = "session";
    fn token_type(&self) -> &str {
        &self.typ
    }
}

pub const SESSION_TOKEN_PREFIX: &str = "JWS.";

impl SessionClaims {
    pub fn new(
        member_id: &str,
        token_version: u64,
        session_id: &str,
        now: u64,
        ttl_secs: u64,
    ) -> Self {
        Self {
            sub: member_id.to_string(),
            ver: token_version,
            sid: session_id.to_string(),
            iat: now,
            exp: now + ttl_secs,
            typ: Self::TYPE.into(),
        }
    }
}

pub fn issue_session_token(
    keys: &SigningKeys,
    claims: &SessionClaims,
) -> Result<String, TokenError> {
    Ok(format!("{SESSION_TOKEN_PREFIX}{}", keys.sign(claims)?))
}

/// Signature and expiry only; whether the member is still active and the version
/// current is the caller's check against the store.
pub fn verify_session_token(
    keys: &SigningKeys,
    token: &str,
    now: u64,
) -> Result<SessionClaims, TokenError> {
    let jwt = token
        .strip_prefix(SESSION_TOKEN_PREFIX)
        .ok_or(TokenError::Invalid)?;
    verify_typed(keys, jwt, now)
}

/// The OAuth access token (14400 s): a member's, bound to a session and the member's
/// token version, or a visitor's.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub sub: String,
    /// The session (member tokens only); logging out revokes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ver: Option<u64>,
    pub cid: String,
    pub iat: u64,
    pub exp: u64,
    pub typ: String,
}

impl TypedClaims for AccessClaims {
    fn expires_at(&self) -> u64 {
        self.exp
    }
    const TYPE: &'static str = "access";
    fn token_type(&self) -> &str {
        &self.typ
    }
}

impl AccessClaims {
    pub fn is_visitor(&self) -> bool {
        self.sid.is_none()
    }
}

pub fn issue_access_token(keys: &SigningKeys, claims: &AccessClaims) -> Result<String, TokenError> {
    keys.sign(claims)
}

pub fn verify_access_token(
    keys: &SigningKeys,
    token: &str,
    now: u64,
) -> Result<AccessClaims, TokenError> {
    verify_typed(keys, token, now)
}

/// The `stateToken` of the headless state machine: names a pending verification.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StateClaims {
    pub sub: String,
    pub iat: u64,
    pub exp: u64,
    pub typ: String,
}

impl TypedClaims for StateClaims {
    fn expires_at(&self) -> u64 {
        self.exp
    }
    const TYPE: &'static str = "state";
    fn token_type(&self) -> &str {
        &self.typ
    }
}

pub fn issue_state_token(
    keys: &SigningKeys,
    verification_id: &str,
    now: u64,
    ttl_secs: u64,
) -> Result<String, TokenError> {
    keys.sign(&StateClaims {
        sub: verification_id.to_string(),
        iat: now,
        exp: now + ttl_secs,
        typ: StateClaims::TYPE.into(),
    })
}

pub fn verify_state_token(
    keys: &SigningKeys,
    token: &str,
    now: u64,
) -> Result<StateClaims, TokenError> {
    verify_typed(keys, token, now)
}

/// A 6-digit email code, uniformly drawn.
pub fn random_code() -> String {
    let mut bytes = [0u8; 4];
    loop {
        getrandom::fill(&mut bytes).expect("the OS random number generator is unavailable");
        let n = u32::from_le_bytes(bytes);
        // Rejection sampling keeps all million codes equally likely.
        if n < u32::MAX - (u32::MAX % 1_000_000) {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// A code has only a million values, so its stored hash is keyed: a leaked table
/// alone does not give codes away. The verification id binds it to one attempt.
pub fn code_hash(keys: &SigningKeys, verification_id: &str, code: &str) -> String {
    let (_, key) = keys.current();
    let mut hasher = Sha256::new();
    hasher.update(key);
    hasher.update(verification_id.as_bytes());
    hasher.update(b":");
    hasher.update(code.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// PKCE S256: BASE64URL(SHA256(verifier)) == challenge, compared in constant time.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let valid_verifier = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    valid_verifier && constant_time_eq(computed.as_bytes(), challenge.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(spec: &str) -> SigningKeys {
        SigningKeys::parse(spec).unwrap()
    }

    fn key_b64(byte: u8) -> String {
        URL_SAFE_NO_PAD.encode([byte; 32])
    }

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn random_tokens_are_256_bits_and_distinct() {
        let a = random_token();
        let b = random_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        let hash = token_hash("abc");
        assert_eq!(
            hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn session_token_round_trip_with_rotation() {
        let old = keys(&format!("k1:{}", key_b64(1)));
        let rotated = keys(&format!("k2:{},k1:{}", key_b64(2), key_b64(1)));
        let claims = SessionClaims::new("m-1", 3, "s-1", now(), 600);
        let token = issue_session_token(&old, &claims).unwrap();
        assert!(token.starts_with("JWS."));
        assert_eq!(
            verify_session_token(&rotated, &token, now()).unwrap(),
            claims
        );
        let new_token = issue_session_token(&rotated, &claims).unwrap();
        assert_eq!(
            verify_session_token(&old, &new_token, now()),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn expiry_is_checked_against_the_given_time() {
        let k = keys(&format!("k1:{}", key_b64(1)));
        let claims = SessionClaims::new("m-1", 0, "s-1", 1_000, 600);
        let token = issue_session_token(&k, &claims).unwrap();
        assert!(verify_session_token(&k, &token, 1_600).is_ok());
        assert_eq!(
            verify_session_token(&k, &token, 1_601),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn expired_tokens_are_refused() {
        let k = keys(&format!("k1:{}", key_b64(1)));
        let claims = SessionClaims::new("m-1", 0, "s-1", now() - 1000, 600);
        let token = issue_session_token(&k, &claims).unwrap();
        assert_eq!(
            verify_session_token(&k, &token, now()),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn forged_and_alg_none_tokens_are_refused() {
        let k = keys(&format!("k1:{}", key_b64(1)));
        let claims = SessionClaims::new("m-1", 0, "s-1", now(), 600);
        let token = issue_session_token(&k, &claims).unwrap();
        let jwt = token.strip_prefix("JWS.").unwrap();
        let (_, rest) = jwt.split_once('.').unwrap();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"k1"}"#);
        let (payload, _) = rest.split_once('.').unwrap();
        for forged in [
            format!("JWS.{none_header}.{payload}."),
            format!("JWS.{none_header}.{payload}"),
            token.replace("JWS.", ""),
            format!("{token}x"),
            "JWS.".into(),
            "JWS.a.b.c".into(),
        ] {
            assert!(
                verify_session_token(&k, &forged, now()).is_err(),
                "accepted {forged}"
            );
        }
        let other_kid = keys(&format!("k9:{}", key_b64(1)));
        assert_eq!(
            verify_session_token(&other_kid, &token, now()),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn other_algorithms_with_the_same_key_are_refused() {
        let k = keys(&format!("k1:{}", key_b64(1)));
        let claims = SessionClaims::new("m-1", 0, "s-1", now(), 600);
        for alg in [Algorithm::HS384, Algorithm::HS512] {
            let header = Header {
                kid: Some("k1".into()),
                ..Header::new(alg)
            };
            let jwt = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&[1u8; 32]))
                .unwrap();
            assert_eq!(
                verify_session_token(&k, &format!("JWS.{jwt}"), now()),
                Err(TokenError::Invalid),
                "{alg:?}"
            );
        }
        let header = Header {
            kid: None,
            ..Header::new(Algorithm::HS256)
        };
        let jwt =
            jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&[1u8; 32])).unwrap();
        assert_eq!(
            verify_session_token(&k, &format!("JWS.{jwt}"), now()),
            Err(TokenError::Invalid),
            "no kid"
        );
    }

    #[test]
    fn token_kinds_do_not_cross() {
        let k = keys(&format!("k1:{}", key_b64(1)));
        let state = issue_state_token(&k, "v-1", now(), 600).unwrap();
        assert!(verify_access_token(&k, &state, now()).is_err());
        assert!(verify_session_token(&k, &format!("JWS.{state}"), now()).is_err());
        assert_eq!(verify_state_token(&k, &state, now()).unwrap().sub, "v-1");
    }

    #[test]
    fn codes_are_six_digits_and_hashes_keyed() {
        let code = random_code();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let a = keys(&format!("k1:{}", key_b64(1)));
        let b = keys(&format!("k1:{}", key_b64(2)));
        assert_ne!(code_hash(&a, "v", "123456"), code_hash(&b, "v", "123456"));
        assert_ne!(code_hash(&a, "v", "123456"), code_hash(&a, "w", "123456"));
    }

    #[test]
    fn pkce_s256() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"
        ));
        assert!(!pkce_matches("short", challenge));
    }

    #[test]
    fn key_list_parsing() {
        assert!(SigningKeys::parse("").is_err());
        assert!(SigningKeys::parse("k1:c2hvcnQ").is_err());
        assert!(SigningKeys::parse(&format!("k1:{0},k1:{0}", key_b64(1))).is_err());
        assert!(SigningKeys::parse(&format!("bad kid:{}", key_b64(1))).is_err());
        assert!(!format!("{:?}", keys(&format!("k1:{}", key_b64(7)))).contains(&key_b64(7)));
    }
}
