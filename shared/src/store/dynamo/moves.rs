//! Member writes that may move the member to another listing partition (a status or
//! privacy change): conditioned on the record being as it was read, and, when the
//! partition changes, made in one transaction with the partitions' counts
//! (`counts.rs`). A record changed meanwhile is read again and the write retried.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

use super::{
    DynamoStore, cancellation_code, corrupt,
    items::{listing_attrs, privacy_name, to_json},
    member_updates::conditional_member_update,
    n, pk, s, unavailable,
};
use crate::{
    domain::{Member, member_query::Facet},
    store::{
        MemberStore, StatusChange, StoreError,
        keys::{Key, attr},
    },
};

/// One conditional update of a member item, sent alone or in a transaction.
struct MemberWrite {
    member_id: String,
    expression: String,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl MemberWrite {
    /// `SET` `expression` if the record still has `was`'s status and privacy.
    fn new(was: &Member, expression: String) -> Self {
        let mut values = HashMap::new();
        values.insert(":was_status".to_string(), s(was.status.as_str()));
        values.insert(
            ":was_privacy".to_string(),
            s(privacy_name(was.privacy_status)),
        );
        Self {
            member_id: was.id.clone(),
            expression,
            names: HashMap::from([("#status".to_string(), attr::STATUS.to_string())]),
            values,
        }
    }

    fn value(mut self, name: &str, value: AttributeValue) -> Self {
        self.values.insert(name.to_string(), value);
        self
    }

    fn condition() -> String {
        format!(
            "attribute_exists({}) AND #status = :was_status AND {} = :was_privacy",
            attr::PK,
            attr::PRIVACY_STATUS
        )
    }
}

impl DynamoStore {
    /// Sends `write`; when the member moves from `from` to `to`, in one transaction with
    /// the counts, and then the member is `written` (what the write makes of it).
    /// `None` when the record is not as read (or gone): the caller reads it again.
    async fn send_member_write(
        &self,
        write: MemberWrite,
        from: Facet,
        to: Facet,
        written: impl FnOnce() -> Member,
    ) -> Result<Option<Member>, StoreError> {
        if from == to {
            let request = self
                .client
                .update_item()
                .table_name(&self.table)
                .key(attr::PK, pk(Key::Member(&write.member_id)))
                .update_expression(write.expression)
                .condition_expression(MemberWrite::condition())
                .set_expression_attribute_names(Some(write.names))
                .set_expression_attribute_values(Some(write.values));
            return match conditional_member_update(request).await {
                Ok(member) => Ok(Some(member)),
                Err(StoreError::StateMismatch(_) | StoreError::NotFound) => Ok(None),
                Err(other) => Err(other),
            };
        }
        let update = Update::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(&write.member_id)))
            .update_expression(write.expression)
            .condition_expression(MemberWrite::condition())
            .set_expression_attribute_names(Some(write.names))
            .set_expression_attribute_values(Some(write.values))
            .build()
            .map_err(corrupt)?;
        let mut items = vec![TransactWriteItem::builder().update(update).build()];
        items.extend(self.count_moves(Some(from), Some(to))?);
        match self.transact(&items, 4).await {
            Ok(()) => Ok(Some(written())),
            Err(err) if cancellation_code(&err, 0) == Some("ConditionalCheckFailed") => Ok(None),
            Err(err) => Err(unavailable(err)),
        }
    }

    /// The member as it is now, for a retry; `NotFound` when it is gone.
    async fn reread(&self, member_id: &str) -> Result<Member, StoreError> {
        self.member(member_id).await?.ok_or(StoreError::NotFound)
    }

    pub(super) async fn change_status(
        &self,
        member_id: &str,
        change: &StatusChange<'_>,
    ) -> Result<Member, StoreError> {
        let mut current = self.reread(member_id).await?;
        for _ in 0..4 {
            if !change.only_from.is_empty() && !change.only_from.contains(&current.status) {
                return Err(StoreError::StateMismatch(Some(Box::new(current))));
            }
            let from = Facet::of(&current);
            let to = Facet {
                status: change.to,
                privacy: current.privacy_status,
            };
            let mut expression = format!(
                "SET #status = :to, {} = :now, {} = :facet",
                attr::UPDATED_DATE,
                attr::FACET
            );
            if change.revoke_tokens {
                expression.push_str(&format!(", {0} = {0} + :one", attr::TOKEN_VERSION));
            }
            let write = MemberWrite::new(&current, expression)
                .value(":to", s(change.to.as_str()))
                .value(":now", s(change.now))
                .value(":facet", s(&to.key()));
            let write = if change.revoke_tokens {
                write.value(":one", n(1))
            } else {
                write
            };
            let written = || {
                let mut member = current.clone();
                member.status = change.to;
                member.updated_date = change.now.to_string();
                if change.revoke_tokens {
                    member.token_version += 1;
                }
                member
            };
            match self.send_member_write(write, from, to, written).await? {
                Some(member) => return Ok(member),
                None => current = self.reread(member_id).await?,
            }
        }
        Err(StoreError::Unavailable(
            "the member kept changing during a status change".into(),
        ))
    }

    pub(super) async fn write_profile(
        &self,
        before: &Member,
        after: &Member,
        now: &str,
    ) -> Result<Member, StoreError> {
        let mut current = before.clone();
        for _ in 0..4 {
            // The status is not the profile's to change: the record's stands.
            let mut next = after.clone();
            next.status = current.status;
            next.profile.slug = current.profile.slug.clone();
            next.updated_date = now.to_string();
            let from = Facet::of(&current);
            let to = Facet::of(&next);
            let mut expression = format!(
                "SET {} = :profile, {} = :contact, {} = :privacy, {} = :now, {} = :facet",
                attr::PROFILE,
                attr::CONTACT_DETAILS,
                attr::PRIVACY_STATUS,
                attr::UPDATED_DATE,
                attr::FACET
            );
            let mut write = MemberWrite::new(&current, String::new())
                .value(":profile", s(&to_json(&next.profile)?))
                .value(":contact", s(&to_json(&next.contact_details)?))
                .value(":privacy", s(privacy_name(next.privacy_status)))
                .value(":now", s(now))
                .value(":facet", s(&to.key()));
            for (i, (name, value)) in listing_attrs(&next).into_iter().enumerate() {
                // The partition is set above; only a login moves the last-login key.
                if name == attr::FACET || name == attr::LAST_LOGIN_KEY {
                    continue;
                }
                expression.push_str(&format!(", {name} = :listing{i}"));
                write = write.value(&format!(":listing{i}"), value);
            }
            write.expression = expression;
            let written = || {
                let mut member = current.clone();
                member.profile = next.profile.clone();
                member.contact_details = next.contact_details.clone();
                member.privacy_status = next.privacy_status;
                member.updated_date = now.to_string();
                member
            };
            match self.send_member_write(write, from, to, written).await? {
                Some(member) => return Ok(member),
                None => current = self.reread(&before.id).await?,
            }
        }
        Err(StoreError::Unavailable(
            "the member kept changing during a profile update".into(),
        ))
    }
}
