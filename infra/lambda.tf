resource "aws_cloudwatch_log_group" "function" {
  #checkov:skip=CKV_AWS_158:Encrypted by CloudWatch Logs' own service key; a customer-managed key needs a key policy for the logs service and buys nothing here.
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (default 30): operational logs, not an audit trail; raise it where a year is required.
  for_each = local.functions

  # Lambda's default group name, created here so retention applies from the first invocation.
  name              = "/aws/lambda/${local.function_names[each.key]}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_layer_version" "templates" {
  count = var.templates_zip == "" ? 0 : 1

  layer_name          = "${var.name_prefix}-templates"
  description         = "Template overrides of ${var.name_prefix} (templates/...)"
  filename            = var.templates_zip
  source_code_hash    = filebase64sha256(var.templates_zip)
  compatible_runtimes = ["provided.al2023"]
}

resource "aws_lambda_function" "function" {
  #checkov:skip=CKV_AWS_115:Load is capped by the stage's route throttling; reserved concurrency carves up the account pool, and Lambda must keep 100 unreserved, so on low-quota (new) accounts it fails to apply.
  #checkov:skip=CKV_AWS_116:Invoked synchronously by API Gateway only; a dead-letter queue applies to asynchronous invocations and would never receive anything.
  #checkov:skip=CKV_AWS_117:Calls only public AWS endpoints (DynamoDB, SES, Secrets Manager); a VPC would need NAT or endpoints and lengthen cold starts for no isolation gain.
  #checkov:skip=CKV_AWS_173:The environment holds settings only (signing keys, admin key and captcha secret live in Secrets Manager); Lambda encrypts it at rest with its AWS managed key.
  #checkov:skip=CKV_AWS_272:Code is built from source by `make package` and uploaded by Terraform; there is no AWS Signer signing profile in this deployment.
  for_each = local.functions

  function_name = local.function_names[each.key]
  description   = "${var.name_prefix}: ${join(", ", each.value.routes)}"
  role          = aws_iam_role.function[each.key].arn

  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = [var.architecture]
  filename      = local.packages[each.key]
  # Guarded so that `terraform destroy` works without the zips.
  source_code_hash = fileexists(local.packages[each.key]) ? filebase64sha256(local.packages[each.key]) : null

  memory_size = lookup(var.function_memory_mb, each.key, null)
  timeout     = var.function_timeout_seconds
  # The owner's template overrides, if any, at /opt/templates (TEMPLATE_DIR).
  layers = aws_lambda_layer_version.templates[*].arn

  tracing_config {
    mode = "Active"
  }

  environment {
    variables = local.function_environment
  }

  lifecycle {
    precondition {
      condition     = fileexists(local.packages[each.key])
      error_message = "${local.packages[each.key]} not found: run `make package` (or set package_dir)."
    }
    precondition {
      condition     = contains(keys(var.function_memory_mb), each.key)
      error_message = "function_memory_mb has no entry for \"${each.key}\": list every function in local.functions."
    }
    precondition {
      condition     = var.captcha_mode == "off" || var.captcha_secret != ""
      error_message = "captcha_mode = \"${var.captcha_mode}\" needs captcha_secret (the functions refuse to start without it)."
    }
  }

  # The log group must exist first (else Lambda creates one without retention), and
  # Active tracing is refused while the role cannot yet put X-Ray segments.
  depends_on = [aws_cloudwatch_log_group.function, aws_iam_role_policy.function]
}
