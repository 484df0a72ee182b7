resource "aws_apigatewayv2_api" "this" {
  name          = var.name_prefix
  protocol_type = "HTTP"
  description   = "Members authentication (Velo backend methods, Wix Headless IAM and OAuth routes)."

  dynamic "cors_configuration" {
    for_each = length(local.cors_allowed_origins) > 0 ? [local.cors_allowed_origins] : []

    # API Gateway answers the preflight OPTIONS itself (no route needed) and replaces any
    # CORS headers the functions return.
    content {
      allow_origins = cors_configuration.value
      # The routes' methods (GET, PATCH, POST) plus the preflight's OPTIONS.
      allow_methods = sort(distinct(concat(["OPTIONS"], [for route in values(local.routes) : route.method if route.path != ""])))
      # authorization carries the access token (headless) or raw token; the x-amz-* headers are SigV4's.
      allow_headers = ["authorization", "content-type", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"]
      max_age       = 3600
    }
  }
}

resource "aws_cloudwatch_log_group" "api_access" {
  #checkov:skip=CKV_AWS_158:Encrypted by CloudWatch Logs' own service key; a customer-managed key needs a key policy for the logs service and buys nothing here.
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (default 30): operational logs, not an audit trail; raise it where a year is required.
  name              = "/aws/apigateway/${var.name_prefix}"
  retention_in_days = var.log_retention_days
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      sourceIp           = "$context.identity.sourceIp"
      userAgent          = "$context.identity.userAgent"
      callerArn          = "$context.identity.userArn"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      latencyMs          = "$context.responseLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
      authorizerError    = "$context.authorizer.error"
    })
  }
}

resource "aws_apigatewayv2_integration" "function" {
  for_each = local.functions

  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.function[each.key].invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "route" {
  #checkov:skip=CKV_AWS_309:The member-facing routes (login, register, approve-by-token, headless IAM, recovery, OAuth, the 404 catch-all) are public by contract: they carry their own proof (password, code, token, PKCE, bearer access token); the key_routes carry the site API key, which the function checks. Every other privileged route is AWS_IAM, which structure.py enforces.
  for_each = local.routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.function[each.value.function].id}"
  authorization_type = each.value.privileged ? "AWS_IAM" : "NONE"
}

# One permission per route: API Gateway may invoke a function only through its own routes.
resource "aws_lambda_permission" "route" {
  for_each = local.routes

  statement_id  = "apigw-${replace(each.key, "/[^A-Za-z0-9_-]+/", "-")}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.function[each.value.function].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/${each.value.arn_route}"
}
