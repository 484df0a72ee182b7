//! The conditional updates of a member record that several store operations share:
//! a status change, a profile write, a token revocation. Each either answers the
//! member as it now is or says how it was.

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::update_item::{UpdateItemError, builders::UpdateItemFluentBuilder},
    types::{ReturnValue, ReturnValuesOnConditionCheckFailure, Update},
};

use super::{
    DynamoStore, corrupt,
    items::{listing_attrs, member_from_item, privacy_name, to_json},
    n, pk, s, unavailable,
};
use crate::{
    domain::{Email, Member, member::PrivacyStatus, member_query::Facet},
    store::{
        StatusChange, StoreError,
        keys::{Key, attr},
    },
};

impl DynamoStore {
    /// A status change, given the privacy the record must have (its listing partition).
    pub(super) async fn status_update(
        &self,
        member_id: &str,
        change: &StatusChange<'_>,
        privacy: PrivacyStatus,
    ) -> Result<Member, StoreError> {
        let facet = Facet {
            status: change.to,
            privacy,
        };
        let mut update = format!(
            "SET #status = :to, {} = :now, {} = :facet",
            attr::UPDATED_DATE,
            attr::FACET
        );
        if change.revoke_tokens {
            update.push_str(&format!(", {0} = {0} + :one", attr::TOKEN_VERSION));
        }
        let allowed: Vec<String> = (0..change.only_from.len())
            .map(|i| format!(":from{i}"))
            .collect();
        let mut condition = format!(
            "attribute_exists({}) AND {} = :privacy",
            attr::PK,
            attr::PRIVACY_STATUS
        );
        if !allowed.is_empty() {
            condition.push_str(&format!(" AND #status IN ({})", allowed.join(", ")));
        }
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(member_id)))
            .update_expression(update)
            .condition_expression(condition)
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_values(":to", s(change.to.as_str()))
            .expression_attribute_values(":now", s(change.now))
            .expression_attribute_values(":facet", s(&facet.key()))
            .expression_attribute_values(":privacy", s(privacy_name(privacy)));
        if change.revoke_tokens {
            request = request.expression_attribute_values(":one", n(1));
        }
        for (name, status) in allowed.iter().zip(change.only_from) {
            request = request.expression_attribute_values(name, s(status.as_str()));
        }
        conditional_member_update(request).await
    }

    /// Writes the profile, contact details, privacy and listing keys of `member`, if
    /// the record's status is still `member.status`.
    pub(super) async fn profile_update(
        &self,
        member: &Member,
        now: &str,
    ) -> Result<Member, StoreError> {
        let mut stamped = member.clone();
        stamped.updated_date = now.to_string();
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(attr::PK, pk(Key::Member(&member.id)))
            .condition_expression(format!(
                "attribute_exists({}) AND #status = :status",
                attr::PK
            ))
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_values(":status", s(member.status.as_str()))
            .expression_attribute_values(":profile", s(&to_json(&member.profile)?))
            .expression_attribute_values(":contact", s(&to_json(&member.contact_details)?))
            .expression_attribute_values(":privacy", s(privacy_name(member.privacy_status)))
            .expression_attribute_values(":now", s(now));
        let mut expression = format!(
            "SET {} = :profile, {} = :contact, {} = :privacy, {} = :now",
            attr::PROFILE,
            attr::CONTACT_DETAILS,
            attr::PRIVACY_STATUS,
            attr::UPDATED_DATE
        );
        for (i, (name, value)) in listing_attrs(&stamped).into_iter().enumerate() {
            if name == attr::LAST_LOGIN_KEY {
                continue; // only a login moves it
            }
            expression.push_str(&format!(", {name} = :listing{i}"));
            request = request.expression_attribute_values(format!(":listing{i}"), value);
        }
        conditional_member_update(request.update_expression(expression)).await
    }

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
