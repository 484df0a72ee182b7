//! Login emails: parsed, normalised, and shown in logs by their domain only.

use std::fmt;

/// A login email, normalised (trimmed, lower-cased) so that `Alice@X.com ` and
/// `alice@x.com` name the same member.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    TooLong,
    Invalid,
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmailError::Empty => "email is required",
            EmailError::TooLong => "email is longer than 254 characters",
            EmailError::Invalid => "email is not a valid address",
        })
    }
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let normalised = raw.trim().to_lowercase();
        if normalised.is_empty() {
            return Err(EmailError::Empty);
        }
        if normalised.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = normalised.rsplit_once('@').ok_or(EmailError::Invalid)?;
        if !valid_local_part(local) || !valid_domain(domain) {
            return Err(EmailError::Invalid);
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The dot-atom form of RFC 5322: what real sign-up forms accept. Quoted local
/// parts are refused on purpose; they are a favourite of injection payloads.
fn valid_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-.";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Emails are personal data: debug output names the domain only.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let domain = self.0.rsplit_once('@').map_or("", |(_, d)| d);
        write!(f, "Email(***@{domain})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_space() {
        let email = Email::parse("  Alice.Smith+news@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "alice.smith+news@example.com");
    }

    #[test]
    fn refuses_malformed_addresses() {
        for raw in [
            "",
            "   ",
            "alice",
            "alice@",
            "@example.com",
            "alice@example",
            "alice@@example.com",
            "al ice@example.com",
            "alice@exa mple.com",
            ".alice@example.com",
            "alice.@example.com",
            "al..ice@example.com",
            "alice@-example.com",
            "alice@example.c0m",
            "\"a\"@example.com",
            "alice\u{0}@example.com",
            "ålice@example.com",
            "alice@exämple.com",
            "alice@example..com",
            "' OR 1=1 --@example.com",
        ] {
            assert!(Email::parse(raw).is_err(), "accepted {raw:?}");
        }
    }

    #[test]
    fn refuses_overlong_addresses() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(EmailError::Invalid));
    }

    #[test]
    fn debug_hides_the_local_part() {
        let email = Email::parse("secret.person@example.com").unwrap();
        assert_eq!(format!("{email:?}"), "Email(***@example.com)");
    }
}
