//! Members and their email claims in DynamoDB.

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};

use super::{
    Claim, DynamoStore, cancellation_code, cancellation_item, corrupt,
    items::{
        self, credentials_from_item, email_item, get_s, member_from_item, member_item,
        privacy_name, slug_item,
    },
    member_updates::conditional_member_update,
    n, pk, s, unavailable, yes,
};
use crate::{
    domain::{
        Email, Member, MemberStatus,
        member_query::{Facet, last_login_key},
    },
    store::{
        Credentials, MemberStore, NewRecord, StatusChange, StoreError,
        keys::{Key, attr},
    },
};

impl MemberStore for DynamoStore {
    async fn credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        self.get(Key::Email(email))
            .await?
            .as_ref()
            .map(credentials_from_item)
            .transpose()
    }

    async fn member(&self, id: &str) -> Result<Option<Member>, StoreError> {
        self.get(Key::Member(id))
            .await?
            .as_ref()
            .map(member_from_item)
            .transpose()
    }

    async fn create_member(
        &self,
        member: &Member,
        password_hash: &str,
        records: &[NewRecord],
    ) -> Result<(), StoreError> {
        let claim = Claim::new();
        let mut items = vec![
            self.put_if_absent(
                email_item(&member.login_email, &member.id, password_hash),
                &claim,
            )?,
            self.put_if_absent(member_item(member)?, &claim)?,
            self.put_if_absent(slug_item(&member.profile.slug, &member.id), &claim)?,
        ];
        for record in records {
            items.push(self.put_if_absent(record.item(), &claim)?);
        }
        items.extend(self.count_moves(None, Some(Facet::of(member)))?);
        // Concurrent registrations of one email conflict; step 0 is the email claim.
        match self.transact(&items, 4).await {
            Ok(()) => Ok(()),
            // The claim as it stands names its member: a taken-email registration
            // needs no read of its own to find whom to tell.
            Err(err) if cancellation_code(&err, 0) == Some("ConditionalCheckFailed") => {
                let holder =
                    cancellation_item(&err, 0).and_then(|item| items::opt_s(item, attr::MEMBER_ID));
                Err(StoreError::EmailTaken(holder))
            }
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn record_login(&self, member_id: &str, now: &str) -> Result<Member, StoreError> {
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(member_id)))
            .update_expression(format!(
                "SET {} = :now, {} = :login_key",
                attr::LAST_LOGIN_DATE,
                attr::LAST_LOGIN_KEY
            ))
            .expression_attribute_values(":login_key", s(&last_login_key(member_id, Some(now))))
            .condition_expression(format!(
                "attribute_exists({pk}) AND #status = :approved \
                 AND (attribute_not_exists({verified}) OR {verified} = :yes)",
                pk = attr::PK,
                verified = attr::EMAIL_VERIFIED
            ))
            .expression_attribute_values(":yes", yes())
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_values(":now", s(now))
            .expression_attribute_values(":approved", s(MemberStatus::Approved.as_str()));
        conditional_member_update(request).await
    }

    async fn update_member_status(
        &self,
        member_id: &str,
        change: StatusChange<'_>,
    ) -> Result<Member, StoreError> {
        self.change_status(member_id, &change).await
    }

    async fn mark_email_verified(&self, member_id: &str, now: &str) -> Result<Member, StoreError> {
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(member_id)))
            .update_expression(format!(
                "SET {} = :yes, {} = :now",
                attr::EMAIL_VERIFIED,
                attr::UPDATED_DATE
            ))
            .condition_expression(format!("attribute_exists({})", attr::PK))
            .expression_attribute_values(":yes", yes())
            .expression_attribute_values(":now", s(now));
        conditional_member_update(request).await
    }

    async fn set_password(
        &self,
        member: &Member,
        password_hash: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let update_email = Update::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Email(&member.login_email)))
            .update_expression(format!("SET {} = :hash", attr::PASSWORD_HASH))
            .condition_expression(format!("{} = :id", attr::MEMBER_ID))
            .expression_attribute_values(":hash", s(password_hash))
            .expression_attribute_values(":id", s(&member.id))
            .build()
            .map_err(corrupt)?;
        let update_member = self.revoking_member_update(&member.id, now, None)?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(update_email).build())
            .transact_items(TransactWriteItem::builder().update(update_member).build())
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn change_login_email(
        &self,
        member: &Member,
        new_email: &Email,
        now: &str,
    ) -> Result<(), StoreError> {
        let old = self
            .get(Key::Email(&member.login_email))
            .await?
            .ok_or(StoreError::NotFound)?;
        let password_hash = get_s(&old, attr::PASSWORD_HASH)?;
        let delete_old = Delete::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Email(&member.login_email)))
            .condition_expression(format!("{} = :id", attr::MEMBER_ID))
            .expression_attribute_values(":id", s(&member.id))
            .build()
            .map_err(corrupt)?;
        let put_new = self.put_if_absent(
            email_item(new_email, &member.id, password_hash),
            &Claim::new(),
        )?;
        let update_member = self.revoking_member_update(&member.id, now, Some(new_email))?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().delete(delete_old).build())
            .transact_items(put_new)
            .transact_items(TransactWriteItem::builder().update(update_member).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // Step 1 is the new email's claim.
            Err(err) if cancellation_code(&err, 1) == Some("ConditionalCheckFailed") => {
                Err(StoreError::EmailTaken(None))
            }
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn save_profile(
        &self,
        before: &Member,
        after: &Member,
        now: &str,
    ) -> Result<Member, StoreError> {
        self.write_profile(before, after, now).await
    }

    async fn set_muted(
        &self,
        member_id: &str,
        muted: bool,
        now: &str,
    ) -> Result<Member, StoreError> {
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(member_id)))
            .update_expression(format!(
                "SET {} = :muted, {} = :now",
                attr::MUTED,
                attr::UPDATED_DATE
            ))
            .condition_expression(format!("attribute_exists({})", attr::PK))
            .expression_attribute_values(":muted", AttributeValue::Bool(muted))
            .expression_attribute_values(":now", s(now));
        conditional_member_update(request).await
    }

    async fn disconnect_member(&self, member: &Member, now: &str) -> Result<Member, StoreError> {
        let offline = Facet {
            status: MemberStatus::Offline,
            privacy: member.privacy_status,
        };
        let update = Update::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(&member.id)))
            .update_expression(format!(
                "SET #status = :offline, {facet} = :facet, {version} = {version} + :one, \
                 {updated} = :now",
                facet = attr::FACET,
                version = attr::TOKEN_VERSION,
                updated = attr::UPDATED_DATE
            ))
            .condition_expression(format!(
                "attribute_exists({}) AND #status = :was AND {} = :privacy",
                attr::PK,
                attr::PRIVACY_STATUS
            ))
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_values(":offline", s(MemberStatus::Offline.as_str()))
            .expression_attribute_values(":facet", s(&offline.key()))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", s(now))
            .expression_attribute_values(":was", s(member.status.as_str()))
            .expression_attribute_values(":privacy", s(privacy_name(member.privacy_status)))
            .build()
            .map_err(corrupt)?;
        let release = Delete::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Email(&member.login_email)))
            .condition_expression(format!(
                "attribute_not_exists({}) OR {} = :id",
                attr::PK,
                attr::MEMBER_ID
            ))
            .expression_attribute_values(":id", s(&member.id))
            .build()
            .map_err(corrupt)?;
        let mut items = vec![
            TransactWriteItem::builder().update(update).build(),
            TransactWriteItem::builder().delete(release).build(),
        ];
        items.extend(self.count_moves(Some(Facet::of(member)), Some(offline))?);
        match self.transact(&items, 4).await {
            Ok(()) => {
                let mut disconnected = member.clone();
                disconnected.status = MemberStatus::Offline;
                disconnected.token_version += 1;
                disconnected.updated_date = now.to_string();
                Ok(disconnected)
            }
            // The record is not as it was read: say how it is now.
            Err(err) if cancellation_code(&err, 0) == Some("ConditionalCheckFailed") => {
                match self.member(&member.id).await? {
                    Some(now) => Err(StoreError::StateMismatch(Some(Box::new(now)))),
                    None => Err(StoreError::NotFound),
                }
            }
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn erase_member(&self, member: &Member) -> Result<usize, StoreError> {
        self.erase(member).await
    }

    async fn claim_slug(
        &self,
        member: &Member,
        slug: &str,
        now: &str,
    ) -> Result<Member, StoreError> {
        let mine = format!(
            "attribute_not_exists({}) OR {} = :id",
            attr::PK,
            attr::MEMBER_ID
        );
        let claim = Put::builder()
            .table_name(&self.table)
            .set_item(Some(slug_item(slug, &member.id)))
            .condition_expression(&mine)
            .expression_attribute_values(":id", s(&member.id))
            .build()
            .map_err(corrupt)?;
        let stamp = Update::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(&member.id)))
            .update_expression(format!(
                "SET {} = :slug, {} = :now",
                attr::SLUG,
                attr::UPDATED_DATE
            ))
            .condition_expression(format!("attribute_exists({})", attr::PK))
            .expression_attribute_values(":slug", s(slug))
            .expression_attribute_values(":now", s(now))
            .build()
            .map_err(corrupt)?;
        let mut items = vec![
            TransactWriteItem::builder().put(claim).build(),
            TransactWriteItem::builder().update(stamp).build(),
        ];
        let old = member.profile.slug.as_str();
        if !old.is_empty() && old != slug {
            // Only our own claim is released (members from before claims have none).
            let release = Delete::builder()
                .table_name(&self.table)
                .key(attr::PK, pk(Key::Slug(old)))
                .condition_expression(&mine)
                .expression_attribute_values(":id", s(&member.id))
                .build()
                .map_err(corrupt)?;
            items.push(TransactWriteItem::builder().delete(release).build());
        }
        // Concurrent claims of one slug conflict: tried again until its holder is known.
        loop {
            let Err(err) = self.transact(&items, 8).await else {
                let mut claimed = member.clone();
                claimed.profile.slug = slug.to_string();
                claimed.updated_date = now.to_string();
                return Ok(claimed);
            };
            let failed = |step| cancellation_code(&err, step) == Some("ConditionalCheckFailed");
            if failed(0) {
                return Err(StoreError::SlugTaken);
            }
            if failed(1) {
                return Err(StoreError::NotFound);
            }
            // The old slug is another member's (both had it before claims existed): it
            // is not ours to release.
            if failed(2) && items.len() == 3 {
                items.truncate(2);
                continue;
            }
            return Err(unavailable(err));
        }
    }
}
