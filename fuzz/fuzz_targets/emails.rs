#![no_main]
//! Email and password parsing on arbitrary strings: no panic, and whatever parses is
//! already normalised and within its limits.

use libfuzzer_sys::fuzz_target;
use members_auth::domain::{Email, Password};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(email) = Email::parse(text) {
        let normal = email.as_str();
        assert_eq!(normal, normal.trim().to_lowercase());
        assert!(normal.len() <= 254 && normal.contains('@'));
        assert_eq!(Email::parse(normal).ok().as_ref(), Some(&email));
    }
    if Password::parse_new(text.to_string(), 4).is_ok() {
        assert!((4..=100).contains(&text.len()));
        assert!(text.bytes().all(|b| (0x20..=0x7e).contains(&b)));
    }
});
