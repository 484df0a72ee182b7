data "aws_iam_policy_document" "lambda_assume" {
  statement {
    sid     = "LambdaAssume"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = local.function_names[each.key]
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  statement {
    sid     = "OwnLogGroup"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    # The streams of this function's own group (Lambda names them at run time);
    # the same ARN form Lambda's own basic execution policy uses.
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

  statement {
    sid = "Tracing"
    # X-Ray has no resource-level permissions: these two actions only accept "*".
    actions   = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = length(each.value.dynamodb_actions) > 0 ? [each.value.dynamodb_actions] : []

    content {
      sid     = "MembersTable"
      actions = [for action in statement.value : "dynamodb:${action}"]
      # The table and its indexes (member, contact and listing indexes).
      resources = concat(
        [aws_dynamodb_table.members.arn],
        [for index in local.table_indexes : "${aws_dynamodb_table.members.arn}/index/${index}"],
      )
    }
  }

  statement {
    sid       = "AppSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.app.arn]
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "${local.function_names[each.key]}-access"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}
