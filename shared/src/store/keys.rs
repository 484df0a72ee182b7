//! The table's one key schema. Every item lives in one table keyed by `pk` alone;
//! the prefix says what it holds. No key string is built anywhere else.
//!
//! | pk                              | holds                                                  | expires (`expiresAt`, TTL) | written by |
//! |---------------------------------|--------------------------------------------------------|----------------------------|------------|
//! | `MEMBER#<id>`                   | the member record and its token version                | never                      | register, generateSessionToken, approve, block, verify, login (last login), reset, changeLoginEmail |
//! | `EMAIL#<email>`                 | the login email's claim: member id, password hash      | never                      | register, generateSessionToken, reset, changeLoginEmail |
//! | `SLUG#<slug>`                   | the profile slug's claim: member id                    | never                      | register, updateCurrentMemberSlug |
//! | `APPROVAL#<sha256(token)>`      | a pending approval token                               | `APPROVAL_TOKEN_TTL` (30 h) | register (manual approval), verify |
//! | `VERIFY#<id>`                   | an emailed code's keyed hash and attempts (or a decoy) | 10 minutes                 | headless register, login V2 |
//! | `CODE#<sha256(code)>`           | an authorization code, its PKCE challenge and session  | 10 minutes                 | authorize |
//! | `SESSION#<id>`                  | an OAuth session, revoked or not                       | 30 days                    | token (code exchange), logout, reused codes |
//! | `REFRESH#<sha256(token)>`       | a refresh token: a member's session or a visitor       | 30 days                    | token |
//! | `RECOVERY#<sha256(token)>`      | a recovery link and where it leads afterwards          | 1 hour                     | sendRecoveryEmail, sendSetPasswordEmail, register of a taken email |
//! | `LOGOUT#<id>`                   | a logout redirect session                              | 10 minutes                 | redirect session (logout) |
//! | `BROWSER#<sha256(cookie)>`      | a browser signed in on the hosted page: member, token version | 30 days             | authorize (sign-in page), logout |
//! | `LOCK#<sha256(email, source)>`  | the login attempts of one account from one source in a run, each counted before its password is checked | 15 minutes after the last attempt (+ the longest lock) | login |
//! | `IPFAIL#<source>#<window>`      | failed logins of one source over all accounts          | end of the 15-minute window | login |
//! | `ACCOUNT#<sha256(email)>#<window>` | login attempts on one account from callers without its device token, over all sources (a failure budget: successes are taken back) | end of the 15-minute window | login |
//! | `RATE#<kind>#<source>#<minute>` | requests of one kind from one source                   | end of the next minute     | register, verify, recovery, token |
//! | `MAIL#<id>`                     | a queued email, sealed (`mail::sealed`), and its delivery state; a decoy looks the same | 1 day | every flow that emails; the mailer function |
//! | `COUNT#<facet>#<shard>`         | one of 8 shares of a listing partition's member count  | never                      | every write that moves a member between partitions |
//!
//! Every item that names a member carries its id in `memberId`, and the sparse index
//! [`BY_MEMBER`] (partition `memberId`, sort `pk`, keys only) finds them all, so that
//! erasing a member reads in proportion to what the member left, never the table.
//!
//! Member items alone carry a `facet` (`<status>#<privacy>`: eight partitions) and a key
//! per sort field; six sparse, keys-only listing indexes ([`listing_index`]: partition
//! `facet`, sort by nickname, first name, last name, created, updated or last login)
//! answer `listMembers`/`queryMembers` by walking only the partitions a filter allows,
//! in the order asked, and [`BY_CONTACT`] finds a member by contact id. Unique fields
//! (id, login email, slug) are read by key.
//!
//! Secrets appear only hashed: tokens by SHA-256 (they carry 256 bits), codes keyed by
//! the signing key (a million values), and no plain email/source pair is stored.

use sha2::{Digest, Sha256};

pub use crate::domain::device::account_digest;

use crate::domain::{Email, member_query::SortField};

/// The index of every item by the member it names.
pub const BY_MEMBER: &str = "by-member";

/// Shares of each listing partition's member count (`Key::Count`).
pub const COUNT_SHARDS: u8 = 8;

/// The index of members by their contact id (keys only).
pub const BY_CONTACT: &str = "by-contact";

/// The listing index that sorts members by `field`, and its sort attribute. Each is
/// partitioned by [`attr::FACET`] (status and privacy) and holds keys only, so a page
/// is a walk of a few small index entries and one batch read of the page's members.
pub fn listing_index(field: SortField) -> (&'static str, &'static str) {
    match field {
        SortField::Nickname => ("by-nickname", attr::NICKNAME_KEY),
        SortField::FirstName => ("by-first-name", attr::FIRST_NAME_KEY),
        SortField::LastName => ("by-last-name", attr::LAST_NAME_KEY),
        SortField::Created => ("by-created", attr::CREATED_DATE),
        SortField::Updated => ("by-updated", attr::UPDATED_DATE),
        SortField::LastLogin => ("by-last-login", attr::LAST_LOGIN_KEY),
    }
}

/// The key of one item.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Member(&'a str),
    Email(&'a Email),
    /// A profile slug's claim: one member per slug, site-wide.
    Slug(&'a str),
    Approval {
        token_hash: &'a str,
    },
    Verification(&'a str),
    AuthCode {
        code_hash: &'a str,
    },
    Session(&'a str),
    Refresh {
        token_hash: &'a str,
    },
    Recovery {
        token_hash: &'a str,
    },
    Logout(&'a str),
    Browser {
        token_hash: &'a str,
    },
    /// An account as typed (normalised, possibly no valid email) from one source.
    Lockout {
        raw_email: &'a str,
        source: &'a str,
    },
    SourceFailures {
        source: &'a str,
        window: u64,
    },
    /// An account as typed (normalised), over all sources, in one window.
    AccountAttempts {
        raw_email: &'a str,
        window: u64,
    },
    Rate {
        kind: &'a str,
        source: &'a str,
        window: u64,
    },
    /// A queued email, delivered by the mailer function from the table's stream.
    Mail(&'a str),
    /// One share of a listing partition's member count.
    Count {
        facet: &'a str,
        shard: u8,
    },
}

impl Key<'_> {
    pub fn pk(&self) -> String {
        match self {
            Key::Member(id) => format!("MEMBER#{id}"),
            Key::Email(email) => format!("EMAIL#{}", email.as_str()),
            Key::Slug(slug) => format!("SLUG#{slug}"),
            Key::Approval { token_hash } => format!("APPROVAL#{token_hash}"),
            Key::Verification(id) => format!("VERIFY#{id}"),
            Key::AuthCode { code_hash } => format!("CODE#{code_hash}"),
            Key::Session(id) => format!("SESSION#{id}"),
            Key::Refresh { token_hash } => format!("REFRESH#{token_hash}"),
            Key::Recovery { token_hash } => format!("RECOVERY#{token_hash}"),
            Key::Logout(id) => format!("LOGOUT#{id}"),
            Key::Browser { token_hash } => format!("BROWSER#{token_hash}"),
            Key::Lockout { raw_email, source } => {
                format!("LOCK#{}", lockout_digest(raw_email, source))
            }
            Key::SourceFailures { source, window } => format!("IPFAIL#{source}#{window}"),
            Key::AccountAttempts { raw_email, window } => {
                format!("ACCOUNT#{}#{window}", account_digest(raw_email))
            }
            Key::Rate {
                kind,
                source,
                window,
            } => format!("RATE#{kind}#{source}#{window}"),
            Key::Mail(id) => format!("{MAIL_PREFIX}{id}"),
            Key::Count { facet, shard } => format!("COUNT#{facet}#{shard}"),
        }
    }
}

/// The prefix of queued emails' keys: the mailer's stream filter (infra/mailer.tf, the
/// local driver) passes only new items under it.
pub const MAIL_PREFIX: &str = "MAIL#";

/// Account-and-source, hashed: the table holds no plain email/source pairs. An
/// unparseable email still gets a key, so it behaves like an unknown one.
pub fn lockout_digest(raw_email: &str, source: &str) -> String {
    let digest = Sha256::digest(format!("{}\n{source}", raw_email.trim().to_lowercase()));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Attribute names, as the items spell them.
pub mod attr {
    pub const PK: &str = "pk";
    pub const MEMBER_ID: &str = "memberId";
    pub const LOGIN_EMAIL: &str = "loginEmail";
    pub const STATUS: &str = "status";
    pub const CONTACT_ID: &str = "contactId";
    pub const PRIVACY_STATUS: &str = "privacyStatus";
    pub const CREATED_DATE: &str = "createdDate";
    pub const UPDATED_DATE: &str = "updatedDate";
    pub const LAST_LOGIN_DATE: &str = "lastLoginDate";
    pub const TOKEN_VERSION: &str = "tokenVersion";
    pub const EMAIL_VERIFIED: &str = "emailVerified";
    pub const PENDING_VERIFICATION: &str = "pendingVerification";
    pub const PROFILE: &str = "profile";
    /// The member's slug, apart from the rest of its profile: only its claim moves it.
    pub const SLUG: &str = "slug";
    pub const CONTACT_DETAILS: &str = "contactDetails";
    pub const MUTED: &str = "muted";
    /// A member's listing partition: `<status>#<privacy>` (`domain::member_query::Facet`).
    pub const FACET: &str = "facet";
    /// A member's place in the name and last-login indexes (`SortField::key_of`).
    pub const NICKNAME_KEY: &str = "nicknameKey";
    pub const FIRST_NAME_KEY: &str = "firstNameKey";
    pub const LAST_NAME_KEY: &str = "lastNameKey";
    pub const LAST_LOGIN_KEY: &str = "lastLoginKey";
    pub const PASSWORD_HASH: &str = "passwordHash";
    pub const EXPIRES_AT: &str = "expiresAt";
    pub const CODE_HASH: &str = "codeHash";
    pub const ATTEMPTS: &str = "attempts";
    pub const CLIENT_ID: &str = "clientId";
    pub const REDIRECT_URI: &str = "redirectUri";
    pub const CODE_CHALLENGE: &str = "codeChallenge";
    pub const SESSION_ID: &str = "sessionId";
    pub const USED: &str = "used";
    /// The random claim of the write that created a record (`used` holds the claim of
    /// the one that took it): a retried write finds its own claim and knows it
    /// succeeded (`store::dynamo::Claim`).
    pub const CLAIM: &str = "claim";
    pub const REVOKED: &str = "revoked";
    pub const SUBJECT: &str = "subject";
    pub const REDIRECT_URL: &str = "redirectUrl";
    pub const POST_FLOW_URL: &str = "postFlowUrl";
    pub const FAILURES: &str = "failures";
    pub const LAST_FAILURE: &str = "lastFailure";
    pub const LOCKED_UNTIL: &str = "lockedUntil";
    pub const LOCKED_FOR: &str = "lockedFor";
    pub const HITS: &str = "hits";
    /// A queued email's sealed letter and the key id it was sealed under.
    pub const SEALED: &str = "sealed";
    pub const KEY_ID: &str = "keyId";
    /// A queued email's delivery: `queued`, `sending`, `sent`, or why it never will be.
    pub const MAIL_STATE: &str = "mailState";
    /// A share of a partition's member count.
    pub const MEMBERS: &str = "members";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_keys_normalise_the_email_and_bind_the_source() {
        let pk = |email, source| {
            Key::Lockout {
                raw_email: email,
                source,
            }
            .pk()
        };
        assert_eq!(pk(" A@X.co ", "1.2.3.4"), pk("a@x.co", "1.2.3.4"));
        assert_ne!(pk("a@x.co", "1.2.3.4"), pk("a@x.co", "1.2.3.5"));
        assert!(!pk("a@x.co", "1.2.3.4").contains("a@x.co"));
    }

    #[test]
    fn prefixes_are_distinct() {
        let email = Email::parse("a@x.co").unwrap();
        let keys = [
            Key::Member("x"),
            Key::Email(&email),
            Key::Slug("x"),
            Key::Approval { token_hash: "x" },
            Key::Verification("x"),
            Key::AuthCode { code_hash: "x" },
            Key::Session("x"),
            Key::Refresh { token_hash: "x" },
            Key::Recovery { token_hash: "x" },
            Key::Logout("x"),
            Key::Browser { token_hash: "x" },
            Key::Lockout {
                raw_email: "x",
                source: "x",
            },
            Key::SourceFailures {
                source: "x",
                window: 1,
            },
            Key::AccountAttempts {
                raw_email: "x",
                window: 1,
            },
            Key::Rate {
                kind: "x",
                source: "x",
                window: 1,
            },
            Key::Mail("x"),
            Key::Count {
                facet: "x",
                shard: 0,
            },
        ];
        let mut prefixes: Vec<String> = keys
            .iter()
            .map(|k| k.pk().split('#').next().unwrap().to_string())
            .collect();
        prefixes.sort();
        prefixes.dedup();
        assert_eq!(prefixes.len(), keys.len());
    }
}
