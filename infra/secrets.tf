# Generated once and kept in state; supply var.signing_keys / var.admin_key to set or rotate them.
# The secret is JSON {"signingKeys", "adminKey", "captchaSecret"?, "apiKeys"?}, read by each function at cold start.
resource "random_id" "signing_kid" {
  byte_length = 4
}

resource "random_id" "signing_key" {
  byte_length = 32
}

resource "random_password" "admin_key" {
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV_AWS_149:Encrypted with the AWS managed key aws/secretsmanager; only this account's function roles read it, so a customer-managed key adds cost without a consumer.
  #checkov:skip=CKV2_AWS_57:Keys are rotated by deploying a new signingKeys list (old kid kept until its tokens expire); a rotation Lambda could not keep the old key for verification.
  name                    = "${var.name_prefix}/app"
  description             = "Session-token signing keys, the admin key and the optional captcha secret of ${var.name_prefix}."
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  # captchaSecret only when set: an absent key and an empty one mean the same to the functions.
  secret_string = jsonencode(merge(
    {
      signingKeys = coalesce(var.signing_keys, "${random_id.signing_kid.hex}:${random_id.signing_key.b64_url}")
      adminKey    = coalesce(var.admin_key, random_password.admin_key.result)
    },
    var.captcha_secret == "" ? {} : { captchaSecret = var.captcha_secret },
    length(var.api_keys) == 0 ? {} : { apiKeys = var.api_keys },
  ))
}
