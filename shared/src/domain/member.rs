//! The member record: status, privacy, profile and contact details, token version.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Email;

/// Velo's member statuses. A registration answers ACTIVE or PENDING; the member
/// record itself says APPROVED, PENDING, BLOCKED or OFFLINE (disconnected by the site:
/// its login email released, no way back in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MemberStatus {
    Approved,
    Pending,
    Blocked,
    Offline,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Approved => "APPROVED",
            MemberStatus::Pending => "PENDING",
            MemberStatus::Blocked => "BLOCKED",
            MemberStatus::Offline => "OFFLINE",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "APPROVED" => Some(Self::Approved),
            "PENDING" => Some(Self::Pending),
            "BLOCKED" => Some(Self::Blocked),
            "OFFLINE" => Some(Self::Offline),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum PrivacyStatus {
    Public,
    #[default]
    Private,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub nickname: String,
    pub slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_photo: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub addresses: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default)]
    pub custom_fields: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_emails: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones_v2: Vec<Value>,
}

/// The headless `profile` of Register V2 (Wix IdentityProfile).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeadlessProfile {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub nickname: Option<String>,
    pub picture: Option<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    pub language: Option<String>,
    pub privacy_status: Option<HeadlessPrivacy>,
    #[serde(default)]
    pub secondary_emails: Vec<Map<String, Value>>,
    #[serde(default)]
    pub phones_v2: Vec<Map<String, Value>>,
    #[serde(default)]
    pub addresses: Vec<Map<String, Value>>,
    pub company: Option<String>,
    pub position: Option<String>,
    pub birthdate: Option<String>,
    #[serde(default)]
    pub custom_fields: Vec<HeadlessCustomField>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum HeadlessPrivacy {
    Undefined,
    Public,
    Private,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeadlessCustomField {
    #[serde(alias = "fieldName")]
    pub name: String,
    pub value: Value,
}

impl HeadlessProfile {
    /// The member this profile describes, minus what only the store knows.
    pub fn into_parts(self) -> (ContactInfo, PrivacyStatus, Option<String>, ContactExtras) {
        let privacy = match self.privacy_status {
            Some(HeadlessPrivacy::Public) => PrivacyStatus::Public,
            _ => PrivacyStatus::Private,
        };
        let custom = self
            .custom_fields
            .into_iter()
            .map(|field| (field.name, field.value))
            .collect();
        let contact = ContactInfo {
            first_name: self.first_name,
            last_name: self.last_name,
            picture: self.picture,
            emails: self.emails,
            phones: self.phones,
            labels: self.labels,
            language: self.language,
            birthdate: self.birthdate,
            company: self.company,
            job_title: self.position,
            custom,
        };
        let extras = ContactExtras {
            addresses: self.addresses.into_iter().map(Value::Object).collect(),
            secondary_emails: self
                .secondary_emails
                .into_iter()
                .map(Value::Object)
                .collect(),
            phones_v2: self.phones_v2.into_iter().map(Value::Object).collect(),
        };
        (contact, privacy, self.nickname, extras)
    }
}

/// Headless-only contact data, kept as given.
#[derive(Debug, Clone, Default)]
pub struct ContactExtras {
    pub addresses: Vec<Value>,
    pub secondary_emails: Vec<Value>,
    pub phones_v2: Vec<Value>,
}

/// The contact information a registration may carry. Unknown keys are the site's
/// custom fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactInfo {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub picture: Option<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    pub language: Option<String>,
    pub birthdate: Option<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
    #[serde(flatten)]
    pub custom: Map<String, Value>,
}

/// A member as stored; `token_version` and the password hash never leave the backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: String,
    pub login_email: Email,
    pub status: MemberStatus,
    pub contact_id: String,
    pub privacy_status: PrivacyStatus,
    pub created_date: String,
    pub updated_date: String,
    pub last_login_date: Option<String>,
    pub token_version: u64,
    /// False only while a headless registration waits for its email code.
    pub email_verified: bool,
    /// The verification (its id) whose emailed code the member is waiting on, so a code
    /// can be sent again that the visitor's state token still accepts.
    pub pending_verification: Option<String>,
    /// Muted by the site (`activityStatus` MUTED): the site decides what a muted member
    /// may not do; signing in is not affected.
    pub muted: bool,
    pub profile: Profile,
    pub contact_details: ContactDetails,
}

impl Member {
    pub fn new(
        login_email: Email,
        status: MemberStatus,
        privacy_status: PrivacyStatus,
        contact: ContactInfo,
        now: &str,
    ) -> Self {
        let id = uuid::Uuid::new_v4().to_string();
        let nickname = match (&contact.first_name, &contact.last_name) {
            (Some(first), Some(last)) => format!("{first} {last}"),
            (Some(name), None) | (None, Some(name)) => name.clone(),
            (None, None) => login_email
                .as_str()
                .split('@')
                .next()
                .unwrap_or_default()
                .to_string(),
        };
        let slug = slug_for(&nickname, &id);
        let custom_fields = contact
            .custom
            .into_iter()
            .map(|(key, value)| {
                let field = serde_json::json!({ "name": key, "value": value });
                (key, field)
            })
            .collect();
        Self {
            contact_id: uuid::Uuid::new_v4().to_string(),
            login_email,
            status,
            privacy_status,
            created_date: now.to_string(),
            updated_date: now.to_string(),
            last_login_date: None,
            token_version: 0,
            email_verified: true,
            pending_verification: None,
            muted: false,
            profile: Profile {
                nickname,
                slug,
                profile_photo: contact.picture.map(|url| serde_json::json!({ "url": url })),
            },
            contact_details: ContactDetails {
                first_name: contact.first_name,
                last_name: contact.last_name,
                phones: contact.phones,
                emails: contact.emails,
                addresses: Vec::new(),
                birthdate: contact.birthdate,
                company: contact.company,
                job_title: contact.job_title,
                labels: contact.labels,
                language: contact.language,
                custom_fields,
                secondary_emails: Vec::new(),
                phones_v2: Vec::new(),
            },
            id,
        }
    }

    /// A member from a headless profile: the nickname may be chosen, and the extra
    /// contact lists are kept.
    pub fn from_headless(
        login_email: Email,
        status: MemberStatus,
        profile: HeadlessProfile,
        now: &str,
    ) -> Self {
        let (contact, privacy, nickname, extras) = profile.into_parts();
        let mut member = Self::new(login_email, status, privacy, contact, now);
        if let Some(nickname) = nickname.filter(|n| !n.trim().is_empty()) {
            member.profile.slug = slug_for(&nickname, &member.id);
            member.profile.nickname = nickname;
        }
        member.contact_details.addresses = extras.addresses;
        member.contact_details.secondary_emails = extras.secondary_emails;
        member.contact_details.phones_v2 = extras.phones_v2;
        member
    }
}

/// A readable, collision-resistant slug: the nickname's letters and digits plus the
/// start of the member id (slugs are public; ids are not secrets).
fn slug_for(nickname: &str, id: &str) -> String {
    let mut slug = String::new();
    for c in nickname.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let suffix = &id[..8.min(id.len())];
    if slug.is_empty() {
        suffix.to_string()
    } else {
        format!("{slug}-{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_member_takes_names_and_custom_fields() {
        let contact: ContactInfo = serde_json::from_value(serde_json::json!({
            "firstName": "Ada", "lastName": "Lovelace", "custom.favorite-color": "green",
            "phones": ["+44 20 1234"], "labels": ["vip"], "language": "en"
        }))
        .unwrap();
        let email = Email::parse("ada@example.com").unwrap();
        let member = Member::new(
            email,
            MemberStatus::Approved,
            PrivacyStatus::Public,
            contact,
            "2026-01-01T00:00:00Z",
        );
        let json = member.to_velo_json();
        assert_eq!(json["profile"]["nickname"], "Ada Lovelace");
        assert!(
            json["profile"]["slug"]
                .as_str()
                .unwrap()
                .starts_with("ada-lovelace-")
        );
        assert_eq!(json["contactDetails"]["firstName"], "Ada");
        assert_eq!(
            json["contactDetails"]["customFields"]["custom.favorite-color"]["value"],
            "green"
        );
        assert_eq!(json["status"], "APPROVED");
        assert_eq!(json["privacyStatus"], "PUBLIC");
        assert!(json.get("tokenVersion").is_none());
    }

    #[test]
    fn nickname_falls_back_to_the_email_local_part() {
        let email = Email::parse("grace@example.com").unwrap();
        let member = Member::new(
            email,
            MemberStatus::Pending,
            PrivacyStatus::default(),
            ContactInfo::default(),
            "2026-01-01T00:00:00Z",
        );
        assert_eq!(member.profile.nickname, "grace");
        assert_eq!(member.privacy_status, PrivacyStatus::Private);
    }
}
