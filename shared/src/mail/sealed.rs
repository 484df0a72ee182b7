//! Queued emails are sealed before they reach the table: an email carries a live link
//! or code and its recipient's address, and the table (its items, its stream, its
//! backups) may hold neither in the clear. AES-256-GCM under a key derived from the
//! deployment's signing keys, so the key lives in the secret and rotates with them; the
//! mail's id is the associated data, so a sealed body cannot be moved to another item.

use aws_lc_rs::{
    aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey},
    hmac,
};
use serde::{Deserialize, Serialize};

use super::{MailError, OutgoingEmail};
use crate::domain::token::SigningKeys;

/// Domain separation: the mail key is not the signing key, nor any other use of it.
const LABEL: &[u8] = b"members-auth mail outbox v1";

/// Sealed letters are padded to a multiple of this many bytes, so that an item's size
/// says little about its email (and nothing about whether it was a decoy).
const SIZE_CLASS: usize = 1024;

/// What a queued email holds once opened. A decoy (the equal work of a request for an
/// unknown address) is sealed like any email, so the table cannot tell them apart.
#[derive(Clone, Serialize, Deserialize)]
pub struct Letter {
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    #[serde(default)]
    pub decoy: bool,
}

/// A letter holds an address and a live link or code: none of it may reach a log line.
impl std::fmt::Debug for Letter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Letter {{ decoy: {}, .. }}", self.decoy)
    }
}

impl Letter {
    pub fn new(to: &str, email: OutgoingEmail, decoy: bool) -> Self {
        Self {
            to: to.to_string(),
            subject: email.subject,
            html: email.html,
            text: email.text,
            decoy,
        }
    }

    pub fn email(&self) -> OutgoingEmail {
        OutgoingEmail {
            subject: self.subject.clone(),
            html: self.html.clone(),
            text: self.text.clone(),
        }
    }
}

/// A sealed letter: the key id it was sealed under, and nonce ‖ ciphertext ‖ tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub bytes: Vec<u8>,
}

/// The mail keys, one per signing key, newest first: seals with the newest, opens with
/// the one a letter names (so a letter queued before a rotation still opens).
pub struct MailSeal {
    keys: Vec<(String, RandomizedNonceKey)>,
}

impl MailSeal {
    pub fn new(signing_keys: &SigningKeys) -> Self {
        let keys = signing_keys
            .iter()
            .map(|(kid, secret)| {
                let derived = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), LABEL);
                let key = RandomizedNonceKey::new(&AES_256_GCM, derived.as_ref())
                    .expect("an HMAC-SHA256 tag is a 32-byte AES-256 key");
                (kid.to_string(), key)
            })
            .collect();
        Self { keys }
    }

    /// The ids of the keys this seal opens with.
    pub fn key_ids(&self) -> Vec<&str> {
        self.keys.iter().map(|(kid, _)| kid.as_str()).collect()
    }

    pub fn seal(&self, mail_id: &str, letter: &Letter) -> Result<Sealed, MailError> {
        let (key_id, key) = self
            .keys
            .first()
            .ok_or_else(|| MailError("no mail key".into()))?;
        let mut data =
            serde_json::to_vec(letter).map_err(|_| MailError("letter not written".into()))?;
        // JSON ignores trailing white space: the padding opens with the letter.
        data.resize(data.len().div_ceil(SIZE_CLASS) * SIZE_CLASS, b' ');
        let nonce = key
            .seal_in_place_append_tag(Aad::from(mail_id.as_bytes()), &mut data)
            .map_err(|_| MailError("sealing failed".into()))?;
        let mut bytes = nonce.as_ref().to_vec();
        bytes.extend_from_slice(&data);
        Ok(Sealed {
            key_id: key_id.clone(),
            bytes,
        })
    }

    /// The letter, if `sealed` was sealed for `mail_id` under one of the keys.
    pub fn open(&self, mail_id: &str, sealed: &Sealed) -> Result<Letter, MailError> {
        let (_, key) = self
            .keys
            .iter()
            .find(|(kid, _)| *kid == sealed.key_id)
            .ok_or_else(|| MailError("sealed under a key no longer held".into()))?;
        if sealed.bytes.len() < NONCE_LEN {
            return Err(MailError("sealed letter too short".into()));
        }
        let (nonce, ciphertext) = sealed.bytes.split_at(NONCE_LEN);
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| MailError("bad nonce".into()))?;
        let mut data = ciphertext.to_vec();
        let plain = key
            .open_in_place(nonce, Aad::from(mail_id.as_bytes()), &mut data)
            .map_err(|_| MailError("sealed letter does not open".into()))?;
        // Serde's message may quote a field (an address, a code): a fixed one instead.
        serde_json::from_slice(plain).map_err(|_| MailError("letter not readable".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(raw: &str) -> SigningKeys {
        SigningKeys::parse(raw).unwrap()
    }

    const OLD: &str = "old:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const NEW: &str = "new:QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";

    fn letter() -> Letter {
        let email = OutgoingEmail {
            subject: "Your code is 123456".into(),
            html: "<p>123456</p>".into(),
            text: "123456".into(),
        };
        Letter::new("a@example.com", email, false)
    }

    #[test]
    fn a_sealed_letter_opens_for_its_id_and_hides_its_content() {
        let seal = MailSeal::new(&keys(OLD));
        let sealed = seal.seal("m1", &letter()).unwrap();
        let visible = String::from_utf8_lossy(&sealed.bytes);
        assert!(!visible.contains("a@example.com") && !visible.contains("123456"));
        let opened = seal.open("m1", &sealed).unwrap();
        assert_eq!(
            (opened.to.as_str(), opened.text.as_str()),
            ("a@example.com", "123456")
        );
        assert!(seal.open("m2", &sealed).is_err(), "bound to its item");
    }

    #[test]
    fn a_decoy_and_an_email_seal_to_the_same_size() {
        let seal = MailSeal::new(&keys(OLD));
        let email = seal.seal("m1", &letter()).unwrap();
        let decoy = Letter::new("", letter().email(), true);
        let decoy = seal.seal("m2", &decoy).unwrap();
        assert_eq!(email.bytes.len(), decoy.bytes.len());
        assert!(seal.open("m2", &decoy).unwrap().decoy);
        assert!(!format!("{:?}", letter()).contains("a@example.com"));
    }

    #[test]
    fn a_letter_sealed_before_a_rotation_still_opens_and_a_tampered_one_does_not() {
        let before = MailSeal::new(&keys(OLD));
        let sealed = before.seal("m1", &letter()).unwrap();
        let after = MailSeal::new(&keys(&format!("{NEW},{OLD}")));
        assert!(after.open("m1", &sealed).is_ok());
        assert_eq!(after.seal("m1", &letter()).unwrap().key_id, "new");

        let mut tampered = sealed.clone();
        *tampered.bytes.last_mut().unwrap() ^= 1;
        assert!(after.open("m1", &tampered).is_err());
        assert!(MailSeal::new(&keys(NEW)).open("m1", &sealed).is_err());
    }
}
