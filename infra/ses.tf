resource "aws_sesv2_configuration_set" "this" {
  configuration_set_name = var.name_prefix

  delivery_options {
    tls_policy = "REQUIRE"
  }

  reputation_options {
    reputation_metrics_enabled = true
  }

  sending_options {
    sending_enabled = true
  }

  # Stop sending to addresses that bounced or complained: protects the account's reputation.
  suppression_options {
    suppressed_reasons = ["BOUNCE", "COMPLAINT"]
  }
}

# A domain is verified by the three DKIM CNAMEs in output ses_dkim_records; an address by
# the link SES mails to it.
resource "aws_sesv2_email_identity" "sender" {
  email_identity         = var.sender_identity
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name

  lifecycle {
    precondition {
      condition = (
        local.mail_from_address == lower(var.sender_identity) ||
        endswith(local.mail_from_address, "@${lower(var.sender_identity)}")
      )
      error_message = "mail_from's address must be sender_identity itself or an address at that domain."
    }
  }
}

# In the sandbox SES only delivers to verified addresses, and checks the sender's
# permission on each recipient's identity too (see local.mail_identity_arns).
resource "aws_sesv2_email_identity" "sandbox_recipient" {
  for_each = toset(var.ses_sandbox_recipients)

  email_identity = each.value
}
