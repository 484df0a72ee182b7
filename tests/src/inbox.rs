//! Reads the SES v2 stand-in's store (`GET /store`), over plain HTTP/1.1.

use std::{
    io::{Read, Write},
    net::TcpStream,
};

use serde_json::Value;

fn inbox_address() -> String {
    std::env::var("SES_INBOX_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:8005".into())
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

fn get(path: &str) -> String {
    let address = inbox_address();
    let mut stream = TcpStream::connect(&address).expect("SES stand-in reachable (make stack-up)");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("write request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    let (_, body) = response.split_once("\r\n\r\n").unwrap_or_default();
    body.to_string()
}

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Every email the stand-in holds for `recipient` (case-insensitive), once what the
/// live test apps had queued has been handed to the mailer.
pub async fn mail_to(recipient: &str) -> Vec<Mail> {
    crate::outbox::deliver_all().await;
    stored_mail_to(recipient)
}

fn stored_mail_to(recipient: &str) -> Vec<Mail> {
    let body = get("/store");
    let store: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let emails = store["emails"].as_array().cloned().unwrap_or_default();
    emails
        .iter()
        .map(|email| Mail {
            to: email["destination"]["to"]
                .as_array()
                .map(|to| {
                    to.iter()
                        .filter_map(|a| a.as_str().map(str::to_lowercase))
                        .collect()
                })
                .unwrap_or_default(),
            subject: email["subject"].as_str().unwrap_or_default().into(),
            html: email["body"]["html"].as_str().unwrap_or_default().into(),
            text: email["body"]["text"].as_str().unwrap_or_default().into(),
        })
        .filter(|mail| mail.to.contains(&recipient.to_lowercase()))
        .collect()
}

/// The newest email to `recipient`, waiting briefly (the stand-in stores
/// asynchronously).
pub async fn latest_mail_to(recipient: &str) -> Mail {
    crate::outbox::deliver_all().await;
    for _ in 0..50 {
        if let Some(mail) = stored_mail_to(recipient).pop() {
            return mail;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no email to {recipient}");
}

/// The 6-digit code in a verification email.
pub fn code_in(mail: &Mail) -> String {
    mail.text
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .expect("a 6-digit code")
        .to_string()
}

/// The first URL in the text part that starts with `prefix`.
pub fn link_in(mail: &Mail, prefix: &str) -> String {
    let start = mail.text.find(prefix).expect("link in the email");
    mail.text[start..]
        .split_whitespace()
        .next()
        .expect("link")
        .to_string()
}
