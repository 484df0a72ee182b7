output "api_url" {
  description = "Base URL of the HTTP API, no trailing slash (the $default stage serves at the root)."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "public_base_url" {
  description = "The base URL in email links and OAuth redirects (public_base_url, else api_url)."
  value       = local.public_base_url
}

output "table_name" {
  description = "The members table."
  value       = aws_dynamodb_table.members.name
}

output "function_names" {
  description = "Function (crate) name => Lambda function name."
  value       = { for name, fn in aws_lambda_function.function : name => fn.function_name }
}

output "secret_arn" {
  description = "Secrets Manager secret with signingKeys, adminKey and (if set) captchaSecret and apiKeys."
  value       = aws_secretsmanager_secret.app.arn
}

output "ses_dkim_records" {
  description = "CNAME records that verify a domain sender_identity (empty for an address)."
  value = [
    for token in try(aws_sesv2_email_identity.sender.dkim_signing_attributes[0].tokens, []) : {
      name  = "${token}._domainkey.${var.sender_identity}"
      type  = "CNAME"
      value = "${token}.dkim.amazonses.com"
    }
  ]
}
