//! How a member reads on each contract: the headless `identity`, the REST `member` and
//! the Velo member.

use serde_json::Value;

use super::{Member, MemberStatus};

impl Member {
    /// The headless `identity` (REST field names).
    pub fn to_identity_json(&self) -> Value {
        let status = match self.status {
            MemberStatus::Approved => "ACTIVE",
            MemberStatus::Pending => "PENDING",
            MemberStatus::Blocked => "BLOCKED",
            MemberStatus::Offline => "OFFLINE",
        };
        let c = &self.contact_details;
        serde_json::json!({
            "id": self.id,
            "revision": self.token_version.to_string(),
            "createdDate": self.created_date,
            "updatedDate": self.updated_date,
            "lastLoginDate": self.last_login_date,
            "email": { "address": self.login_email.as_str(), "isVerified": self.email_verified },
            "status": { "name": status, "reasons": [] },
            "identityProfile": {
                "firstName": c.first_name,
                "lastName": c.last_name,
                "nickname": self.profile.nickname,
                "picture": self.profile.profile_photo.as_ref().and_then(|p| p.get("url")).cloned(),
                "emails": c.emails,
                "phones": c.phones,
                "labels": c.labels,
                "language": c.language,
                "privacyStatus": self.privacy_status,
                "secondaryEmails": c.secondary_emails,
                "phonesV2": c.phones_v2,
                "addresses": c.addresses,
                "company": c.company,
                "position": c.job_title,
                "birthdate": c.birthdate,
                "customFields": c.custom_fields.values().collect::<Vec<_>>(),
            },
        })
    }

    /// `activityStatus`: MUTED once the site muted the member.
    fn activity_status(&self) -> &'static str {
        if self.muted { "MUTED" } else { "ACTIVE" }
    }

    /// The REST member of `GET /members/v1/members/my`.
    pub fn to_rest_json(&self) -> Value {
        let status = match self.status {
            MemberStatus::Approved => "APPROVED",
            MemberStatus::Pending => "PENDING",
            MemberStatus::Blocked => "BLOCKED",
            MemberStatus::Offline => "OFFLINE",
        };
        serde_json::json!({
            "id": self.id,
            "loginEmail": self.login_email.as_str(),
            "loginEmailVerified": self.email_verified,
            "status": status,
            "contactId": self.contact_id,
            "privacyStatus": self.privacy_status,
            "activityStatus": self.activity_status(),
            "createdDate": self.created_date,
            "updatedDate": self.updated_date,
            "lastLoginDate": self.last_login_date,
            "profile": {
                "nickname": self.profile.nickname,
                "slug": self.profile.slug,
                "photo": self.profile.profile_photo,
            },
            "contact": self.contact_details,
        })
    }

    /// The REST member in the `PUBLIC` fieldset: what anyone may see of a member who
    /// joined the community.
    pub fn to_public_rest_json(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "profile": {
                "nickname": self.profile.nickname,
                "slug": self.profile.slug,
                "photo": self.profile.profile_photo,
            },
        })
    }

    /// The Velo `Member` object.
    pub fn to_velo_json(&self) -> Value {
        serde_json::json!({
            "_id": self.id,
            "loginEmail": self.login_email.as_str(),
            "status": self.status.as_str(),
            "contactId": self.contact_id,
            "privacyStatus": self.privacy_status,
            "activityStatus": self.activity_status(),
            "_createdDate": self.created_date,
            "_updatedDate": self.updated_date,
            "lastLoginDate": self.last_login_date,
            "profile": self.profile,
            "contactDetails": self.contact_details,
        })
    }

    /// The site member of the `@wix/members` `authentication` module.
    pub fn to_site_member_json(&self) -> Value {
        let c = &self.contact_details;
        let status = match self.status {
            MemberStatus::Approved => "ACTIVE",
            MemberStatus::Pending => "APPLICANT",
            MemberStatus::Blocked => "BLOCKED",
            MemberStatus::Offline => "OFFLINE",
        };
        serde_json::json!({
            "id": self.id,
            "loginEmail": self.login_email.as_str(),
            "firstName": c.first_name,
            "lastName": c.last_name,
            "nickname": self.profile.nickname,
            "slug": self.profile.slug,
            "picture": self.profile.profile_photo.as_ref().and_then(|p| p.get("url")).cloned(),
            "profilePrivacyStatus": self.privacy_status,
            "status": status,
            "emailVerified": self.email_verified,
            "role": "MEMBER",
            "creationDate": self.created_date,
            "lastUpdateDate": self.updated_date,
            "lastLoginDate": self.last_login_date,
            "emails": c.emails,
            "phones": c.phones,
            "addresses": c.addresses,
            "labels": c.labels,
            "customFields": [],
            "groups": [],
            "contactId": self.contact_id,
            "requireProfileCompletion": false,
        })
    }
}
