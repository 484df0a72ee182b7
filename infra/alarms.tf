# Security alarms. Every function logs one JSON event per security outcome
# (`fields.security_event`: login_failed, login_locked, member_blocked, api_key_refused,
# ...; shared/src/telemetry.rs); the metric filters below count them per event name.
# Alarms notify one SNS topic: subscribe var.alarm_email to it, or your own tooling.

resource "aws_sns_topic" "alarms" {
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count     = var.alarm_email == "" ? 0 : 1
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_log_metric_filter" "security_events" {
  for_each = local.functions

  name           = "${var.name_prefix}-${each.key}-security-events"
  log_group_name = aws_cloudwatch_log_group.function[each.key].name
  pattern        = "{ $.fields.security_event = \"*\" }"

  metric_transformation {
    name      = "SecurityEvents"
    namespace = local.metrics_namespace
    value     = "1"
    unit      = "Count"
    dimensions = {
      Event = "$.fields.security_event"
    }
  }
}

# A spike of wrong passwords over all functions: credential stuffing or a guessing run.
resource "aws_cloudwatch_metric_alarm" "failed_logins" {
  alarm_name          = "${var.name_prefix}-failed-logins"
  alarm_description   = "More than ${var.failed_login_alarm_threshold} failed logins in 5 minutes."
  namespace           = local.metrics_namespace
  metric_name         = "SecurityEvents"
  dimensions          = { Event = "login_failed" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.failed_login_alarm_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# Calls with a wrong or missing key on the owner's and the privileged routes.
resource "aws_cloudwatch_metric_alarm" "refused_keys" {
  alarm_name          = "${var.name_prefix}-refused-keys"
  alarm_description   = "More than ${var.refused_key_alarm_threshold} calls refused for want of a key in 5 minutes."
  namespace           = local.metrics_namespace
  metric_name         = "SecurityEvents"
  dimensions          = { Event = "api_key_refused" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.refused_key_alarm_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

# The share of requests answered 5xx (UNAVAILABLE or INTERNAL): DynamoDB, SES or a bug.
resource "aws_cloudwatch_metric_alarm" "server_errors" {
  alarm_name          = "${var.name_prefix}-server-errors"
  alarm_description   = "More than ${var.server_error_alarm_percent} % of requests answered 5xx over 5 minutes."
  evaluation_periods  = 1
  threshold           = var.server_error_alarm_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "rate"
    expression  = "100 * errors / MAX([errors, requests])"
    label       = "5xx %"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5xx"
      dimensions  = { ApiId = aws_apigatewayv2_api.this.id, Stage = "$default" }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiId = aws_apigatewayv2_api.this.id, Stage = "$default" }
      stat        = "Sum"
      period      = 300
    }
  }
}

# Bounces and complaints of the configuration set's mail, as CloudWatch metrics.
resource "aws_sesv2_configuration_set_event_destination" "cloudwatch" {
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name
  event_destination_name = "cloudwatch"

  event_destination {
    enabled              = true
    matching_event_types = ["BOUNCE", "COMPLAINT"]

    cloud_watch_destination {
      dimension_configuration {
        dimension_name          = "ConfigurationSet"
        dimension_value_source  = "MESSAGE_TAG"
        default_dimension_value = aws_sesv2_configuration_set.this.configuration_set_name
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "ses_feedback" {
  for_each = { Bounce = var.ses_bounce_alarm_threshold, Complaint = var.ses_complaint_alarm_threshold }

  alarm_name          = "${var.name_prefix}-ses-${lower(each.key)}s"
  alarm_description   = "More than ${each.value} SES ${lower(each.key)}s in an hour."
  namespace           = "AWS/SES"
  metric_name         = each.key
  dimensions          = { ConfigurationSet = aws_sesv2_configuration_set.this.configuration_set_name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = each.value
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}
