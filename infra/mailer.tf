# The email outbox's sender (shared/src/mail/delivery.rs). Request paths never call
# SES: they write each email sealed into a MAIL# item and answer. The table's stream
# brings every new MAIL# key here (the mapping's filter drops every other write); the
# mailer claims the item, opens it and sends it, at most once. SES trouble is retried
# in the function (0.5 → 4 s) and then by the mapping, for up to an hour; what is never
# sent lands in the dead-letter queue or the mailer's log, and both raise an alarm.

resource "aws_cloudwatch_log_group" "mailer" {
  #checkov:skip=CKV_AWS_158:Encrypted by CloudWatch Logs' own service key, as the other functions' groups.
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days, as for the other functions.
  name              = "/aws/lambda/${local.mailer_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_iam_role" "mailer" {
  name               = local.mailer_name
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "mailer" {
  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.mailer.arn}:*"]
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    resources = ["*"]
  }

  # Claims and settles queued emails, and nothing else in the table.
  statement {
    sid       = "OutboxItems"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.members.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["MAIL#*"]
    }
  }

  # What the event source mapping reads the stream with, on the function's role.
  statement {
    sid       = "TableStream"
    actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
    resources = [aws_dynamodb_table.members.stream_arn]
  }

  # ListStreams has no resource-level permissions: it only accepts "*".
  statement {
    sid       = "ListStreams"
    actions   = ["dynamodb:ListStreams"]
    resources = ["*"]
  }

  statement {
    sid       = "AppSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.app.arn]
  }

  statement {
    sid       = "SendMail"
    actions   = ["ses:SendEmail"]
    resources = local.mail_identity_arns
  }

  # The mapping's on-failure destination, written with the function's role.
  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.mail_dead_letters.arn]
  }
}

resource "aws_iam_role_policy" "mailer" {
  name   = "${local.mailer_name}-access"
  role   = aws_iam_role.mailer.id
  policy = data.aws_iam_policy_document.mailer.json
}

# What the mapping gave up on: the stream position of each batch (shard and sequence
# numbers), kept two weeks. The emails stay in the table, sealed, until their TTL (a
# day). A redrive must write each again (delete and put, with mailState "queued"): only
# an INSERT passes the mapping's filter.
resource "aws_sqs_queue" "mail_dead_letters" {
  name                      = "${local.mailer_name}-dead-letters"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_lambda_function" "mailer" {
  #checkov:skip=CKV_AWS_115:Its concurrency is the stream's shard count; reserved concurrency would only carve up the account pool.
  #checkov:skip=CKV_AWS_116:Invoked by an event source mapping, whose on-failure destination is the dead-letter queue above; a function DLQ applies to asynchronous invocations only.
  #checkov:skip=CKV_AWS_117:Calls only public AWS endpoints (DynamoDB, SES, Secrets Manager), as the other functions.
  #checkov:skip=CKV_AWS_173:The environment holds settings only, as the other functions'.
  #checkov:skip=CKV_AWS_272:Code is built from source by `make package`, as the other functions'.
  function_name = local.mailer_name
  description   = "${var.name_prefix}: sends the queued emails from the table's stream"
  role          = aws_iam_role.mailer.arn

  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]
  filename         = local.mailer_package
  source_code_hash = fileexists(local.mailer_package) ? filebase64sha256(local.mailer_package) : null

  memory_size = var.mailer_memory_mb
  # Per email up to five tries (an SES attempt is at most 2 s) with waits of 0.5 + 1 + 2 +
  # 4 s; no try starts with less than 8 s left, and what is left over is handed back.
  timeout = 60

  tracing_config {
    mode = "Active"
  }

  environment {
    variables = local.function_environment
  }

  lifecycle {
    precondition {
      condition     = fileexists(local.mailer_package)
      error_message = "${local.mailer_package} not found: run `make package` (or set package_dir)."
    }
  }

  depends_on = [aws_cloudwatch_log_group.mailer, aws_iam_role_policy.mailer]
}

resource "aws_lambda_event_source_mapping" "mailer" {
  event_source_arn  = aws_dynamodb_table.members.stream_arn
  function_name     = aws_lambda_function.mailer.arn
  starting_position = "TRIM_HORIZON"
  batch_size        = 10

  function_response_types        = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = var.mailer_retry_attempts
  maximum_record_age_in_seconds  = 3600

  filter_criteria {
    filter {
      pattern = jsonencode({
        eventName = ["INSERT"]
        dynamodb  = { Keys = { pk = { S = [{ prefix = "MAIL#" }] } } }
      })
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.mail_dead_letters.arn
    }
  }
}

# Emails the mailer will never send (refused by SES, unconfirmed, expired): one log
# event each (`fields.mail_dead_letter`).
resource "aws_cloudwatch_log_metric_filter" "mail_dead_letters" {
  name           = "${local.mailer_name}-dead-letters"
  log_group_name = aws_cloudwatch_log_group.mailer.name
  pattern        = "{ $.fields.mail_dead_letter = \"*\" }"

  metric_transformation {
    name      = "MailDeadLetters"
    namespace = local.metrics_namespace
    value     = "1"
    unit      = "Count"
  }
}

resource "aws_cloudwatch_metric_alarm" "mail_dead_letters" {
  alarm_name          = "${local.mailer_name}-dead-letters"
  alarm_description   = "An email will not be sent: the mailer gave up on it, or the stream mapping did."
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "lost"
    expression  = "FILL(logged, 0) + FILL(queued, 0)"
    label       = "emails given up on"
    return_data = true
  }

  metric_query {
    id = "logged"
    metric {
      namespace   = local.metrics_namespace
      metric_name = "MailDeadLetters"
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "queued"
    metric {
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = aws_sqs_queue.mail_dead_letters.name }
      stat        = "Maximum"
      period      = 300
    }
  }
}

# A mapping that stalls (disabled, throttled, or stuck on a batch) leaves every email
# waiting: the age of the oldest record it has not handed over yet.
resource "aws_cloudwatch_metric_alarm" "mail_stream_age" {
  alarm_name          = "${local.mailer_name}-stream-age"
  alarm_description   = "Queued emails have waited more than ${var.mail_age_alarm_seconds} s for the mailer."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = aws_lambda_function.mailer.function_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.mail_age_alarm_seconds * 1000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}
