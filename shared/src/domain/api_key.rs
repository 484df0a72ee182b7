//! Site API keys: a named list, so a key can be rotated by adding the new one before
//! removing the old. They are compared in constant time and never shown or logged.

use std::fmt;

use super::token::constant_time_eq;

#[derive(Clone, Default)]
pub struct ApiKeys {
    keys: Vec<(String, String)>,
}

impl fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.keys.iter().map(|(name, _)| name.as_str()).collect();
        write!(f, "ApiKeys({names:?})")
    }
}

pub const MIN_API_KEY_LEN: usize = 32;

impl ApiKeys {
    /// `name:key[,name:key...]`; names are letters, digits, `-` and `_`, keys at least
    /// 32 characters without `,` or spaces. Empty is no keys.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut keys: Vec<(String, String)> = Vec::new();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (name, key) = entry.split_once(':').ok_or("each entry must be name:key")?;
            let name = name.trim();
            let valid_name = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid_name {
                return Err("a key name must be non-empty letters, digits, - or _".into());
            }
            let key = key.trim();
            if key.len() < MIN_API_KEY_LEN || key.chars().any(char::is_whitespace) {
                return Err(format!(
                    "key {name} must be at least {MIN_API_KEY_LEN} characters, without spaces"
                ));
            }
            if keys.iter().any(|(n, _)| n == name) {
                return Err(format!("key name {name} appears twice"));
            }
            keys.push((name.to_string(), key.to_string()));
        }
        Ok(Self { keys })
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The name of the key `offered` is, if any. Every key is compared, each in
    /// constant time, so the answer's timing says nothing about which came close.
    pub fn find(&self, offered: &str) -> Option<&str> {
        let mut found = None;
        for (name, key) in &self.keys {
            if constant_time_eq(offered.as_bytes(), key.as_bytes()) {
                found = Some(name.as_str());
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn keys_are_found_by_value_and_named() {
        let keys = ApiKeys::parse(&format!("site:{A}, rotated:{B}")).unwrap();
        assert_eq!(keys.find(A), Some("site"));
        assert_eq!(keys.find(B), Some("rotated"));
        assert_eq!(keys.find(&A[1..]), None);
        assert_eq!(keys.find(""), None);
        assert!(!format!("{keys:?}").contains(A), "keys never print");
    }

    #[test]
    fn short_unnamed_and_repeated_keys_are_refused() {
        assert!(ApiKeys::parse("site:short").is_err());
        assert!(ApiKeys::parse(A).is_err());
        assert!(ApiKeys::parse(&format!("a b:{A}")).is_err());
        assert!(ApiKeys::parse(&format!("site:{A},site:{B}")).is_err());
        assert!(ApiKeys::parse("").unwrap().is_empty());
    }
}
