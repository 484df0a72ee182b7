//! The conditional updates of a member record that several store operations share:
//! a token revocation, and the conditional update that answers the member as it now
//! is or says how it was.

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::update_item::{UpdateItemError, builders::UpdateItemFluentBuilder},
    types::{ReturnValue, ReturnValuesOnConditionCheckFailure, Update},
};

use super::{DynamoStore, corrupt, items::member_from_item, n, pk, s, unavailable};
use crate::{
    domain::{Email, Member},
    store::{
        StoreError,
        keys::{Key, attr},
    },
};

impl DynamoStore {
    pub(super) fn revoking_member_update(
        &self,
        member_id: &str,
        now: &str,
        new_email: Option<&Email>,
    ) -> Result<Update, StoreError> {
        let mut expression = format!(
            "SET {0} = {0} + :one, {1} = :now",
            attr::TOKEN_VERSION,
            attr::UPDATED_DATE
        );
        let mut update = Update::builder()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(member_id)))
            .condition_expression(format!("attribute_exists({})", attr::PK))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", s(now));
        if let Some(email) = new_email {
            expression.push_str(&format!(", {} = :email", attr::LOGIN_EMAIL));
            update = update.expression_attribute_values(":email", s(email.as_str()));
        }
        update
            .update_expression(expression)
            .build()
            .map_err(corrupt)
    }
}

/// Runs a conditional member update: the member as it is now, or `StateMismatch`
/// with the member as it was (`NotFound` when there is none).
pub(super) async fn conditional_member_update(
    request: UpdateItemFluentBuilder,
) -> Result<Member, StoreError> {
    let result = request
        .return_values(ReturnValue::AllNew)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await;
    match result {
        Ok(out) => member_from_item(
            out.attributes
                .as_ref()
                .ok_or_else(|| StoreError::Corrupt("update returned nothing".into()))?,
        ),
        Err(SdkError::ServiceError(service))
            if matches!(
                service.err(),
                UpdateItemError::ConditionalCheckFailedException(_)
            ) =>
        {
            let UpdateItemError::ConditionalCheckFailedException(failed) = service.into_err()
            else {
                unreachable!("matched above")
            };
            match failed.item {
                Some(item) if !item.is_empty() => Err(StoreError::StateMismatch(Some(Box::new(
                    member_from_item(&item)?,
                )))),
                _ => Err(StoreError::NotFound),
            }
        }
        Err(err) => Err(unavailable(err)),
    }
}
