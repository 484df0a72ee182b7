//! Erasing a member from DynamoDB: every item that names it, found through the member
//! index (`keys::BY_MEMBER`), never a scan.
//!
//! The member, its email claim and its slug claim go in one transaction, so every token
//! stops working and the email is free at once. The rest (sessions, refresh tokens,
//! codes, recovery, approval, verification and browser records) goes before it and,
//! for anything written meanwhile, once more after it. The index is eventually
//! consistent, so the second sweep also catches what the first could not see yet; what
//! a crash leaves behind names a member that no longer exists and expires by its TTL.

use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, DeleteRequest, TransactWriteItem, WriteRequest,
};

use super::{DynamoStore, cancellation_code, corrupt, items::privacy_name, s, unavailable};
use crate::{
    domain::{Member, MemberStatus, member_query::Facet},
    store::{
        MemberStore, StoreError,
        keys::{self, Key, attr},
    },
};

/// BatchWriteItem's most requests per call.
const BATCH: usize = 25;

impl DynamoStore {
    pub(super) async fn erase(&self, member: &Member) -> Result<usize, StoreError> {
        let core = [
            Key::Member(&member.id).pk(),
            Key::Email(&member.login_email).pk(),
            Key::Slug(&member.profile.slug).pk(),
        ];
        let before: Vec<String> = self
            .items_naming(&member.id)
            .await?
            .into_iter()
            .filter(|pk| !core.contains(pk))
            .collect();
        self.delete_all(&before).await?;
        // Read again when the record changed partition since it was read: its count
        // must go down in the partition it is in.
        let mut current = member.clone();
        for attempt in 0.. {
            match self.delete_core(&current).await {
                Err(StoreError::StateMismatch(_)) if attempt < 3 => {
                    current = self.member(&member.id).await?.ok_or(StoreError::NotFound)?;
                }
                other => {
                    other?;
                    break;
                }
            }
        }
        let after = self.items_naming(&member.id).await?;
        self.delete_all(&after).await?;
        Ok(before.len() + core.len() + after.len())
    }

    /// The keys of every item whose `memberId` is `member_id`, page by page.
    async fn items_naming(&self, member_id: &str) -> Result<Vec<String>, StoreError> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(keys::BY_MEMBER)
                .key_condition_expression("#member = :id")
                .expression_attribute_names("#member", attr::MEMBER_ID)
                .expression_attribute_values(":id", s(member_id))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            found.extend(
                out.items()
                    .iter()
                    .filter_map(|item| match item.get(attr::PK) {
                        Some(AttributeValue::S(pk)) => Some(pk.clone()),
                        _ => None,
                    }),
            );
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(found);
            }
        }
    }

    /// Deletes `pks`, 25 to a call, sending what DynamoDB left unprocessed again.
    async fn delete_all(&self, pks: &[String]) -> Result<(), StoreError> {
        for chunk in pks.chunks(BATCH) {
            let requests = chunk
                .iter()
                .map(|pk| {
                    let delete = DeleteRequest::builder()
                        .key(attr::PK, s(pk))
                        .build()
                        .map_err(corrupt)?;
                    Ok(WriteRequest::builder().delete_request(delete).build())
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            self.write_batch(requests).await?;
        }
        Ok(())
    }

    /// The member, its email claim and its slug claim, at once; `NotFound` when the
    /// member is gone already.
    async fn delete_core(&self, member: &Member) -> Result<(), StoreError> {
        let owned_by_member = format!(
            "attribute_not_exists({}) OR {} = :id",
            attr::PK,
            attr::MEMBER_ID
        );
        let delete = |key: Key<'_>, condition: &str| {
            Delete::builder()
                .table_name(&self.table)
                .key(attr::PK, s(&key.pk()))
                .condition_expression(condition)
                .expression_attribute_values(":id", s(&member.id))
                .build()
                .map(|d| TransactWriteItem::builder().delete(d).build())
                .map_err(corrupt)
        };
        let as_read = Delete::builder()
            .table_name(&self.table)
            .key(attr::PK, s(&Key::Member(&member.id).pk()))
            .condition_expression(format!(
                "attribute_exists({}) AND {} = :id AND #status = :status AND {} = :privacy",
                attr::PK,
                attr::MEMBER_ID,
                attr::PRIVACY_STATUS
            ))
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_values(":id", s(&member.id))
            .expression_attribute_values(":status", s(member.status.as_str()))
            .expression_attribute_values(":privacy", s(privacy_name(member.privacy_status)))
            .build()
            .map_err(corrupt)?;
        let mut transaction = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().delete(as_read).build())
            .transact_items(delete(Key::Slug(&member.profile.slug), &owned_by_member)?);
        for step in self.count_moves(Some(Facet::of(member)), None)? {
            transaction = transaction.transact_items(step);
        }
        // A disconnected member released its email, which another may hold by now.
        if member.status != MemberStatus::Offline {
            transaction = transaction
                .transact_items(delete(Key::Email(&member.login_email), &owned_by_member)?);
        }
        let result = transaction.send().await;
        match result {
            Ok(_) => Ok(()),
            // Gone, or not as read: the caller reads it again to tell.
            Err(err) if cancellation_code(&err, 0) == Some("ConditionalCheckFailed") => {
                Err(StoreError::StateMismatch(None))
            }
            Err(err) => Err(unavailable(err)),
        }
    }
}
