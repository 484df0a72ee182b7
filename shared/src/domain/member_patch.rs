//! A member's own changes to its account (`updateMember`): the profile and contact
//! fields it names replace the stored ones; what it leaves out stays. The login email,
//! status and slug are not among them (they have their own methods).

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Member, member::PrivacyStatus};

/// Longest text field, and most entries of a list, a patch may set.
const MAX_TEXT: usize = 255;
const MAX_ENTRIES: usize = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberPatch {
    #[serde(default)]
    pub contact: Option<ContactPatch>,
    #[serde(default)]
    pub profile: Option<ProfilePatch>,
    #[serde(default)]
    pub privacy_status: Option<PrivacyStatus>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phones: Option<Vec<String>>,
    pub emails: Option<Vec<String>>,
    pub addresses: Option<Vec<Value>>,
    pub birthdate: Option<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
    pub custom_fields: Option<Map<String, Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePatch {
    pub nickname: Option<String>,
    pub photo: Option<Value>,
}

/// Which list of contact details a member clears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactList {
    Phones,
    Emails,
    Addresses,
}

impl MemberPatch {
    /// The first field that is too long, too many or empty where it may not be, and why.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        let too_long =
            |text: &Option<String>| text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT);
        let too_many = |list: Option<usize>| list.is_some_and(|n| n > MAX_ENTRIES);
        if let Some(profile) = &self.profile {
            if profile
                .nickname
                .as_ref()
                .is_some_and(|n| n.trim().is_empty())
            {
                return Some(("member.profile.nickname", "must not be empty"));
            }
            if too_long(&profile.nickname) {
                return Some(("member.profile.nickname", "at most 255 characters"));
            }
        }
        if let Some(c) = &self.contact {
            for (field, text) in [
                ("member.contact.firstName", &c.first_name),
                ("member.contact.lastName", &c.last_name),
                ("member.contact.birthdate", &c.birthdate),
                ("member.contact.company", &c.company),
                ("member.contact.jobTitle", &c.job_title),
            ] {
                if too_long(text) {
                    return Some((field, "at most 255 characters"));
                }
            }
            for (field, count) in [
                ("member.contact.phones", c.phones.as_ref().map(Vec::len)),
                ("member.contact.emails", c.emails.as_ref().map(Vec::len)),
                (
                    "member.contact.addresses",
                    c.addresses.as_ref().map(Vec::len),
                ),
                (
                    "member.contact.customFields",
                    c.custom_fields.as_ref().map(Map::len),
                ),
            ] {
                if too_many(count) {
                    return Some((field, "at most 50 entries"));
                }
            }
            let long_entry = |list: &Option<Vec<String>>| {
                list.iter().flatten().any(|e| e.chars().count() > MAX_TEXT)
            };
            if long_entry(&c.phones) || long_entry(&c.emails) {
                return Some((
                    "member.contact",
                    "each phone and email at most 255 characters",
                ));
            }
        }
        None
    }
}

impl Member {
    /// The member with `patch` applied (nothing else changes; the caller stamps it).
    pub fn apply(&mut self, patch: MemberPatch) {
        if let Some(profile) = patch.profile {
            if let Some(nickname) = profile.nickname {
                self.profile.nickname = nickname.trim().to_string();
            }
            if let Some(photo) = profile.photo {
                self.profile.profile_photo = Some(photo);
            }
        }
        if let Some(c) = patch.contact {
            let details = &mut self.contact_details;
            let replace = |slot: &mut Option<String>, value: Option<String>| {
                if let Some(value) = value {
                    *slot = Some(value).filter(|v| !v.is_empty());
                }
            };
            replace(&mut details.first_name, c.first_name);
            replace(&mut details.last_name, c.last_name);
            replace(&mut details.birthdate, c.birthdate);
            replace(&mut details.company, c.company);
            replace(&mut details.job_title, c.job_title);
            if let Some(phones) = c.phones {
                details.phones = phones;
            }
            if let Some(emails) = c.emails {
                details.emails = emails;
            }
            if let Some(addresses) = c.addresses {
                details.addresses = addresses;
            }
            if let Some(fields) = c.custom_fields {
                details.custom_fields = fields;
            }
        }
        if let Some(privacy) = patch.privacy_status {
            self.privacy_status = privacy;
        }
    }

    /// The member without any of `list`.
    pub fn clear(&mut self, list: ContactList) {
        let details = &mut self.contact_details;
        match list {
            ContactList::Phones => {
                details.phones.clear();
                details.phones_v2.clear();
            }
            ContactList::Emails => {
                details.emails.clear();
                details.secondary_emails.clear();
            }
            ContactList::Addresses => details.addresses.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Email, MemberStatus, member::ContactInfo};

    fn member() -> Member {
        Member::new(
            Email::parse("a@example.com").unwrap(),
            MemberStatus::Approved,
            PrivacyStatus::Private,
            ContactInfo::default(),
            "2026-12-01T00:00:00.000Z",
        )
    }

    #[test]
    fn a_patch_replaces_what_it_names_and_keeps_the_rest() {
        let mut m = member();
        m.contact_details.phones = vec!["+1 555".into()];
        let slug = m.profile.slug.clone();
        let patch: MemberPatch = serde_json::from_value(serde_json::json!({
            "contact": { "firstName": "Ada", "emails": ["ada@example.com"] },
            "profile": { "nickname": " Ada L ", "slug": "ignored" },
            "privacyStatus": "PUBLIC",
            "loginEmail": "ignored@example.com",
            "status": "BLOCKED"
        }))
        .unwrap();
        assert_eq!(patch.problem(), None);
        m.apply(patch);
        assert_eq!(m.contact_details.first_name.as_deref(), Some("Ada"));
        assert_eq!(
            m.contact_details.emails,
            vec!["ada@example.com".to_string()]
        );
        assert_eq!(m.contact_details.phones, vec!["+1 555".to_string()], "kept");
        assert_eq!(m.profile.nickname, "Ada L");
        assert_eq!(m.profile.slug, slug, "slugs move only with their claim");
        assert_eq!(m.privacy_status, PrivacyStatus::Public);
        assert_eq!(m.login_email.as_str(), "a@example.com");
        assert_eq!(m.status, MemberStatus::Approved);
        m.clear(ContactList::Emails);
        assert!(m.contact_details.emails.is_empty());
    }

    #[test]
    fn too_long_too_many_and_empty_nicknames_are_named() {
        let long: MemberPatch = serde_json::from_value(serde_json::json!({
            "contact": { "lastName": "x".repeat(256) } }))
        .unwrap();
        assert_eq!(long.problem().map(|p| p.0), Some("member.contact.lastName"));
        let many: MemberPatch = serde_json::from_value(serde_json::json!({
            "contact": { "phones": vec!["1"; 51] } }))
        .unwrap();
        assert_eq!(many.problem().map(|p| p.0), Some("member.contact.phones"));
        let empty: MemberPatch = serde_json::from_value(serde_json::json!({
            "profile": { "nickname": "  " } }))
        .unwrap();
        assert_eq!(
            empty.problem().map(|p| p.0),
            Some("member.profile.nickname")
        );
    }
}
