//! Every email exists as HTML and as plain text. Anything a member typed is escaped
//! before it reaches HTML.

use crate::escape::escape_html;

#[derive(Debug, Clone)]
pub struct Email {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Sent to the site owner when manual approval is on.
pub fn approval_request(site_name: &str, member_email: &str, approve_link: &str) -> Email {
    let (site, member, link) = (
        escape_html(site_name),
        escape_html(member_email),
        escape_html(approve_link),
    );
    Email {
        subject: format!("{site_name}: a new member is waiting for approval"),
        html: format!(
            "<!doctype html><html><body style=\"font-family:sans-serif\">\
             <h1>{site}</h1><p><strong>{member}</strong> signed up and is waiting for your approval.</p>\
             <p><a href=\"{link}\">Approve this member</a></p>\
             <p>The link works once and expires in 30 hours.</p></body></html>"
        ),
        text: format!(
            "{site_name}\n\n{member_email} signed up and is waiting for your approval.\n\n\
             Approve this member: {approve_link}\n\nThe link works once and expires in 30 hours.\n"
        ),
    }
}

fn page(site: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\"><h1>{}</h1>{body}</body></html>",
        escape_html(site)
    )
}

/// The 6-digit code of the headless registration or login.
pub fn verification_code(site_name: &str, code: &str) -> Email {
    Email {
        subject: format!("{site_name}: your verification code is {code}"),
        html: page(
            site_name,
            &format!(
                "<p>Your verification code:</p><p style=\"font-size:2em;letter-spacing:.2em\"><strong>{}</strong></p>\
                 <p>It works once and expires in 10 minutes. If you did not ask for it, ignore this email.</p>",
                escape_html(code)
            ),
        ),
        text: format!(
            "{site_name}\n\nYour verification code: {code}\n\nIt works once and expires in 10 minutes. \
             If you did not ask for it, ignore this email.\n"
        ),
    }
}

/// Sent instead of a code when someone registers an address that has a member: the
/// owner of the address learns of it, the registrant learns nothing.
pub fn existing_account_notice(site_name: &str, recovery_link: &str) -> Email {
    Email {
        subject: format!("{site_name}: someone tried to sign up with your email"),
        html: page(
            site_name,
            &format!(
                "<p>Someone tried to create an account with this email address, which already has one.</p>\
                 <p>If it was you, you can <a href=\"{}\">reset your password</a> (the link works once, for an hour).\
                 If not, ignore this email: nothing has changed.</p>",
                escape_html(recovery_link)
            ),
        ),
        text: format!(
            "{site_name}\n\nSomeone tried to create an account with this email address, which already has one.\n\n\
             If it was you, reset your password (the link works once, for an hour): {recovery_link}\n\n\
             If not, ignore this email: nothing has changed.\n"
        ),
    }
}

/// A password reset (recovery) or first password (set-password) link.
pub fn password_link(site_name: &str, link: &str, kind: PasswordMail) -> Email {
    let (subject, action, ignore_note) = match kind {
        PasswordMail::Reset => ("reset your password", "Reset your password", true),
        PasswordMail::SetPassword { ignore_note } => {
            ("set your password", "Set your password", ignore_note)
        }
    };
    let ignore = if ignore_note {
        " If you did not ask for it, ignore this email."
    } else {
        ""
    };
    Email {
        subject: format!("{site_name}: {subject}"),
        html: page(
            site_name,
            &format!(
                "<p><a href=\"{}\">{action}</a></p><p>The link works once and expires in an hour.{ignore}</p>",
                escape_html(link)
            ),
        ),
        text: format!(
            "{site_name}\n\n{action}: {link}\n\nThe link works once and expires in an hour.{ignore}\n"
        ),
    }
}

/// Which password email a recovery link goes out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordMail {
    /// The member asked to reset a forgotten password.
    Reset,
    /// The site asked for the member to set one (`sendSetPasswordEmail`); the site may
    /// leave out the "if you did not ask for it" note (`hideIgnoreMessage`), since the
    /// member did not ask.
    SetPassword { ignore_note: bool },
}

/// Sent to the old address when the login email changes.
pub fn login_email_changed(site_name: &str, new_email: &str) -> Email {
    Email {
        subject: format!("{site_name}: your login email was changed"),
        html: page(
            site_name,
            &format!(
                "<p>The login email of your account was changed to <strong>{}</strong>. \
                 Every session was signed out.</p><p>If you did not ask for this, contact the site owner.</p>",
                escape_html(new_email)
            ),
        ),
        text: format!(
            "{site_name}\n\nThe login email of your account was changed to {new_email}. Every session was signed out.\n\n\
             If you did not ask for this, contact the site owner.\n"
        ),
    }
}

/// Sent when a signed-in member changes its password, so a change the member did not
/// make does not go unnoticed.
pub fn password_changed(site_name: &str) -> Email {
    Email {
        subject: format!("{site_name}: your password was changed"),
        html: page(
            site_name,
            "<p>The password of your account was changed. Every other session was signed out.</p>\
             <p>If you did not do this, reset your password now and contact the site owner.</p>",
        ),
        text: format!(
            "{site_name}\n\nThe password of your account was changed. Every other session was signed out.\n\n\
             If you did not do this, reset your password now and contact the site owner.\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_input_is_escaped_in_html() {
        let email = approval_request("Site", "<script>@x.com", "https://x/approve?token=a&b");
        assert!(email.html.contains("&lt;script&gt;@x.com"));
        assert!(!email.html.contains("<script>"));
        assert!(email.html.contains("token=a&amp;b"));
        assert!(email.text.contains("https://x/approve?token=a&b"));
    }
}
