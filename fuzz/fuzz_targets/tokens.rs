#![no_main]
//! Token parsing and verification on arbitrary strings: never a panic, and never
//! accepted (the fuzzer cannot know the key).

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use members_auth::domain::token::{
    SigningKeys, pkce_matches, verify_access_token, verify_session_token, verify_state_token,
};

fn keys() -> &'static SigningKeys {
    static KEYS: OnceLock<SigningKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        SigningKeys::parse("fuzz:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8").expect("fixed key")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    assert!(verify_session_token(keys(), text, 0).is_err());
    assert!(verify_access_token(keys(), text, 0).is_err());
    assert!(verify_state_token(keys(), text, 0).is_err());
    let _ = SigningKeys::parse(text);
    if let Some((verifier, challenge)) = text.split_once('\n') {
        let _ = pkce_matches(verifier, challenge);
    }
});
