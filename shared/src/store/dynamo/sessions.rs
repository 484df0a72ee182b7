//! OAuth sessions and refresh tokens in DynamoDB.

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};

use super::{
    Claim, DynamoStore, cancellation_code, corrupt, is_condition_failure,
    items::{get_s, key_map, member_from_item},
    n, pk, unavailable, yes,
};
use crate::{
    domain::Member,
    store::{
        BrowserSession, RefreshRecord, Session, SessionStore, StoreError,
        keys::{Key, attr},
    },
};

impl SessionStore for DynamoStore {
    async fn create_session(
        &self,
        session: &Session,
        refresh: &RefreshRecord,
    ) -> Result<(), StoreError> {
        let claim = Claim::new();
        self.client
            .transact_write_items()
            .transact_items(self.put_if_absent(session.item(), &claim)?)
            .transact_items(self.put_if_absent(refresh.item(), &claim)?)
            .send()
            .await
            .map_err(|err| {
                // A step's condition failed: the session exists already (revoked before it
                // opened: a reused code). Throttling or a conflict is an outage, not that.
                let exists = (0..2)
                    .any(|step| cancellation_code(&err, step) == Some("ConditionalCheckFailed"));
                if exists {
                    StoreError::StateMismatch(None)
                } else {
                    unavailable(err)
                }
            })?;
        Ok(())
    }

    async fn put_refresh(&self, refresh: &RefreshRecord) -> Result<(), StoreError> {
        self.put_new(refresh.item()).await
    }

    async fn refresh(&self, token_hash: &str) -> Result<Option<RefreshRecord>, StoreError> {
        self.get(Key::Refresh { token_hash })
            .await?
            .map(|item| RefreshRecord::from_item(token_hash, &item))
            .transpose()
    }

    async fn member_and_session(
        &self,
        member_id: &str,
        session_id: &str,
    ) -> Result<(Option<Member>, Option<Session>), StoreError> {
        let member_pk = Key::Member(member_id).pk();
        let session_pk = Key::Session(session_id).pk();
        let keys = KeysAndAttributes::builder()
            .keys(key_map(Key::Member(member_id)))
            .keys(key_map(Key::Session(session_id)))
            .consistent_read(true)
            .build()
            .map_err(corrupt)?;
        let out = self
            .client
            .batch_get_item()
            .request_items(&self.table, keys)
            .send()
            .await
            .map_err(unavailable)?;
        if out
            .unprocessed_keys
            .as_ref()
            .is_some_and(|unprocessed| !unprocessed.is_empty())
        {
            return Err(StoreError::Unavailable("batch read throttled".into()));
        }
        let mut member = None;
        let mut session = None;
        for item in out
            .responses
            .and_then(|mut r| r.remove(&self.table))
            .unwrap_or_default()
        {
            let item_pk = get_s(&item, attr::PK)?;
            if item_pk == member_pk {
                member = Some(member_from_item(&item)?);
            } else if item_pk == session_pk {
                session = Some(Session::from_item(session_id, &item));
            }
        }
        Ok((member, session))
    }

    async fn carry_session(
        &self,
        session_id: &str,
        token_version: u64,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Session(session_id)))
            .update_expression(format!("SET {} = :v", attr::TOKEN_VERSION))
            .condition_expression(format!(
                "attribute_exists({}) AND {} = :no",
                attr::MEMBER_ID,
                attr::REVOKED
            ))
            .expression_attribute_values(":v", n(token_version))
            .expression_attribute_values(":no", AttributeValue::Bool(false))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn revoke_session(&self, session_id: &str) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Session(session_id)))
            .update_expression(format!("SET {} = :yes", attr::REVOKED))
            .expression_attribute_values(":yes", yes())
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn put_browser_session(&self, browser: &BrowserSession) -> Result<(), StoreError> {
        self.put_new(browser.item()).await
    }

    async fn browser_session(
        &self,
        token_hash: &str,
    ) -> Result<Option<BrowserSession>, StoreError> {
        self.get(Key::Browser { token_hash })
            .await?
            .map(|item| BrowserSession::from_item(token_hash, &item))
            .transpose()
    }

    async fn end_browser_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Browser { token_hash }))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
