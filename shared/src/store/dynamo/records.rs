//! Single-use records in DynamoDB: created with `attribute_not_exists`, taken with a
//! conditional update that marks them used and returns them, so of concurrent takers
//! exactly one gets it. Both carry the write's [`Claim`], so an SDK retry of a write
//! whose answer was lost still succeeds.

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::update_item::UpdateItemError,
    types::{
        PutRequest, ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
        WriteRequest,
    },
};

use super::{
    Claim, DynamoStore, Item, corrupt, is_condition_failure,
    items::{get_n, get_s},
    n, pk,
    record_items::approval_item,
    s, unavailable,
};
use crate::store::{
    AuthCode, LogoutRequest, RecordStore, Recovery, Redemption, StoreError, TakenToken,
    Verification,
    keys::{Key, attr},
};

impl DynamoStore {
    /// Creates a record; a retry of this very write (its answer lost) succeeds too.
    pub(super) async fn put_new(&self, item: Item) -> Result<(), StoreError> {
        let claim = Claim::new();
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(claim.stamp(item)))
            .condition_expression(Claim::absent_or_mine())
            .expression_attribute_values(":claim", claim.value())
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Marks a record taken and returns it; of concurrent takers exactly one gets it,
    /// and a retry of the winner's own write (its answer lost) still gets it. The taken
    /// record stays until its TTL removes it; nothing reads a taken record.
    async fn take(&self, key: Key<'_>) -> Result<Option<Item>, StoreError> {
        match self.mark_taken(key, &Claim::new()).await? {
            Taking::Taken(item) => Ok(Some(item)),
            Taking::TakenBefore(_) | Taking::Missing => Ok(None),
        }
    }

    /// `SET used = :claim` if the record is there and not taken by another write.
    async fn mark_taken(&self, key: Key<'_>, claim: &Claim) -> Result<Taking, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(key))
            .update_expression(format!("SET {} = :claim", attr::USED))
            .condition_expression(Claim::there_and_not_taken_by_another())
            .expression_attribute_values(":claim", claim.value())
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => Ok(Taking::Taken(out.attributes.ok_or_else(|| {
                StoreError::Corrupt("update returned nothing".into())
            })?)),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                let UpdateItemError::ConditionalCheckFailedException(failed) = e.into_err() else {
                    unreachable!("matched above")
                };
                Ok(match failed.item {
                    Some(item) if !item.is_empty() => Taking::TakenBefore(item),
                    _ => Taking::Missing,
                })
            }
            Err(err) => Err(unavailable(err)),
        }
    }
}

/// What marking a record taken found.
enum Taking {
    /// It is ours now: the record as taken.
    Taken(Item),
    /// Another write took it first: the record as it is.
    TakenBefore(Item),
    Missing,
}

impl RecordStore for DynamoStore {
    async fn put_approval(
        &self,
        token_hash: &str,
        member_id: &str,
        expires_at: u64,
    ) -> Result<(), StoreError> {
        self.put_new(approval_item(token_hash, member_id, expires_at))
            .await
    }

    async fn take_approval(&self, token_hash: &str) -> Result<Option<TakenToken>, StoreError> {
        let Some(item) = self.take(Key::Approval { token_hash }).await? else {
            return Ok(None);
        };
        Ok(Some(TakenToken {
            member_id: get_s(&item, attr::MEMBER_ID)?.to_string(),
            expires_at: get_n(&item, attr::EXPIRES_AT)?,
        }))
    }

    async fn put_verification(&self, verification: &Verification) -> Result<(), StoreError> {
        let Some(member_id) = &verification.member_id else {
            return self.put_new(verification.item()).await;
        };
        let link = Update::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(member_id)))
            .update_expression(format!("SET {} = :v", attr::PENDING_VERIFICATION))
            .condition_expression(format!("attribute_exists({})", attr::PK))
            .expression_attribute_values(":v", s(&verification.id))
            .build()
            .map_err(corrupt)?;
        self.client
            .transact_write_items()
            .transact_items(self.put_if_absent(verification.item(), &Claim::new())?)
            .transact_items(TransactWriteItem::builder().update(link).build())
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn restart_verification(
        &self,
        id: &str,
        member_id: &str,
        code_hash: &str,
        expires_at: u64,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Verification(id)))
            .update_expression(format!(
                "SET {} = :hash, {} = :zero, {} = :exp",
                attr::CODE_HASH,
                attr::ATTEMPTS,
                attr::EXPIRES_AT
            ))
            .condition_expression(format!(
                "attribute_exists({}) AND attribute_not_exists({}) AND {} = :member",
                attr::PK,
                attr::USED,
                attr::MEMBER_ID
            ))
            .expression_attribute_values(":hash", s(code_hash))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":exp", n(expires_at))
            .expression_attribute_values(":member", s(member_id))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn attempt_verification(
        &self,
        id: &str,
        max_attempts: u64,
    ) -> Result<Option<Verification>, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Verification(id)))
            .update_expression(format!("SET {0} = {0} + :one", attr::ATTEMPTS))
            .condition_expression(format!(
                "attribute_exists({}) AND attribute_not_exists({}) AND {} < :max",
                attr::PK,
                attr::USED,
                attr::ATTEMPTS
            ))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(max_attempts))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => out
                .attributes
                .as_ref()
                .map(|item| Verification::from_item(id, item))
                .transpose(),
            Err(err) if is_condition_failure(&err) => Ok(None),
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn consume_verification(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.take(Key::Verification(id)).await?.is_some())
    }

    async fn put_auth_code(&self, code: &AuthCode) -> Result<(), StoreError> {
        self.put_new(code.item()).await
    }

    async fn redeem_auth_code(&self, code_hash: &str) -> Result<Redemption, StoreError> {
        Ok(
            match self
                .mark_taken(Key::AuthCode { code_hash }, &Claim::new())
                .await?
            {
                Taking::Taken(item) => Redemption::First(AuthCode::from_item(code_hash, &item)?),
                Taking::TakenBefore(item) => {
                    Redemption::Reused(AuthCode::from_item(code_hash, &item)?)
                }
                Taking::Missing => Redemption::Unknown,
            },
        )
    }

    async fn put_recovery(&self, recovery: &Recovery) -> Result<(), StoreError> {
        self.put_new(recovery.item()).await
    }

    async fn put_recovery_beside_decoy(
        &self,
        recovery: &Recovery,
        decoy: &Verification,
    ) -> Result<(), StoreError> {
        if decoy.member_id.is_some() {
            return Err(StoreError::Corrupt(
                "a decoy verification names no member".into(),
            ));
        }
        let claim = Claim::new();
        let requests = [recovery.item(), decoy.item()]
            .into_iter()
            .map(|item| {
                let put = PutRequest::builder()
                    .set_item(Some(claim.stamp(item)))
                    .build()
                    .map_err(corrupt)?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // Unconditional puts (a batch takes no conditions): the keys are a fresh uuid and
        // the hash of a fresh 256-bit token.
        self.write_batch(requests).await
    }

    async fn take_recovery(&self, token_hash: &str) -> Result<Option<Recovery>, StoreError> {
        self.take(Key::Recovery { token_hash })
            .await?
            .map(|item| Recovery::from_item(token_hash, &item))
            .transpose()
    }

    async fn put_logout(&self, logout: &LogoutRequest) -> Result<(), StoreError> {
        self.put_new(logout.item()).await
    }

    async fn take_logout(&self, id: &str) -> Result<Option<LogoutRequest>, StoreError> {
        self.take(Key::Logout(id))
            .await?
            .map(|item| LogoutRequest::from_item(id, &item))
            .transpose()
    }
}
