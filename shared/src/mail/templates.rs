//! Every email exists as HTML and as plain text. Anything a member typed is escaped
//! before it reaches HTML.

pub struct Email {
    pub subject: String,
    pub html: String,
    pub text: String,
}

pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
