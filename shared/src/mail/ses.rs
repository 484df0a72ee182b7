//! The SES v2 mailer of the functions.

use aws_sdk_sesv2::{
    Client,
    types::{Body, Content, Destination, EmailContent, Message},
};

use aws_sdk_sesv2::error::ProvideErrorMetadata as _;

use super::{MailError, Mailer, OutgoingEmail};

#[derive(Clone)]
pub struct SesMailer {
    client: Client,
    from: String,
    configuration_set: Option<String>,
}

fn content(data: &str) -> Result<Content, MailError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| MailError(e.to_string()))
}

impl SesMailer {
    pub fn new(client: Client, from: impl Into<String>, configuration_set: Option<String>) -> Self {
        Self {
            client,
            from: from.into(),
            configuration_set,
        }
    }
}

impl Mailer for SesMailer {
    async fn send(&self, to: &str, email: OutgoingEmail) -> Result<(), MailError> {
        let message = Message::builder()
            .subject(content(&email.subject)?)
            .body(
                Body::builder()
                    .html(content(&email.html)?)
                    .text(content(&email.text)?)
                    .build(),
            )
            .build();
        self.client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|e| MailError(failure(&e)))?;
        Ok(())
    }
}

/// What went wrong, for the log, without SES's message: a rejection names the
/// recipient ("...failed the check: <address>"), and no address may reach a log line.
fn failure<E, R>(err: &aws_sdk_sesv2::error::SdkError<E, R>) -> String
where
    E: aws_sdk_sesv2::error::ProvideErrorMetadata,
{
    use aws_sdk_sesv2::error::SdkError;
    match err {
        SdkError::ServiceError(_) => err.code().unwrap_or("service error").to_string(),
        SdkError::TimeoutError(_) => "timed out".into(),
        SdkError::DispatchFailure(_) => "could not reach SES".into(),
        SdkError::ResponseError(_) => "unreadable response".into(),
        SdkError::ConstructionFailure(_) => "request not built".into(),
        _ => "unknown failure".into(),
    }
}
