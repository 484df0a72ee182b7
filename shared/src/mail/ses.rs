//! The SES v2 sender of the mailer function, and what each way of failing means for a
//! retry: SES has no idempotency key, so a send whose answer was lost is never repeated.

use aws_sdk_sesv2::{
    Client,
    error::{ProvideErrorMetadata as _, SdkError},
    types::{Body, Content, Destination, EmailContent, Message},
};

use super::OutgoingEmail;

#[derive(Clone)]
pub struct SesMailer {
    client: Client,
    from: String,
    configuration_set: Option<String>,
}

/// Why a send failed, as far as a retry is concerned. The reason is for the log: SES's
/// own message is dropped, since a rejection names the recipient and no address may
/// reach a log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// Nothing was sent (SES unreachable, throttled, paused): try again later.
    Retry(String),
    /// SES refused this email for good (a rejected address, a malformed message).
    Refused(String),
    /// The request may have reached SES and its answer was lost: it may have been sent.
    Unconfirmed(String),
}

fn content(data: &str) -> Result<Content, SendFailure> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| SendFailure::Refused(e.to_string()))
}

impl SesMailer {
    /// `client` should not retry on its own: a retried send may be a second email.
    pub fn new(client: Client, from: impl Into<String>, configuration_set: Option<String>) -> Self {
        Self {
            client,
            from: from.into(),
            configuration_set,
        }
    }

    pub async fn send(&self, to: &str, email: OutgoingEmail) -> Result<(), SendFailure> {
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
            .map_err(|e| classify(&e))?;
        Ok(())
    }
}

/// SES's refusals that say the email was not taken, for now (SES v2 `SendEmail`).
const NOT_TAKEN_YET: &[&str] = &[
    "TooManyRequestsException",
    "LimitExceededException",
    "SendingPausedException",
    "AccountSuspendedException",
    "MailFromDomainNotVerifiedException",
    "NotFoundException",
    "ServiceUnavailable",
    "ThrottlingException",
    "Throttling",
];

/// SES's errors by what a retry would do. Only a failure known to have happened before
/// SES took the request is retried: a connection never made, or a refusal that says so.
/// Anything else (an internal error, a response lost or cut off) may have sent it.
fn classify<E, R>(err: &SdkError<E, R>) -> SendFailure
where
    E: aws_sdk_sesv2::error::ProvideErrorMetadata,
{
    match err {
        SdkError::ServiceError(_) => {
            let code = err.code().unwrap_or("service error").to_string();
            if matches!(code.as_str(), "MessageRejected" | "BadRequestException") {
                SendFailure::Refused(code)
            } else if NOT_TAKEN_YET.contains(&code.as_str()) {
                SendFailure::Retry(code)
            } else {
                SendFailure::Unconfirmed(code)
            }
        }
        SdkError::DispatchFailure(failure) if never_connected(failure) => {
            SendFailure::Retry("could not reach SES".into())
        }
        SdkError::ConstructionFailure(_) => SendFailure::Refused("request not built".into()),
        SdkError::TimeoutError(_) => SendFailure::Unconfirmed("timed out".into()),
        SdkError::ResponseError(_) => SendFailure::Unconfirmed("unreadable response".into()),
        _ => SendFailure::Unconfirmed("the request failed on its way".into()),
    }
}

/// Whether the connection to SES was never made (refused, unresolvable, or not made in
/// time), so that nothing was sent.
fn never_connected(failure: &aws_smithy_runtime_api::client::result::DispatchFailure) -> bool {
    let Some(connector) = failure.as_connector_error() else {
        return false;
    };
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(connector);
    while let Some(err) = source {
        if let Some(hyper) = err.downcast_ref::<hyper_util::client::legacy::Error>() {
            return hyper.is_connect();
        }
        source = err.source();
    }
    false
}
