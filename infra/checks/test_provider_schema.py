#!/usr/bin/env python3
"""provider_schema.py catches what it claims to: broken copies of infra/ must fail.

Each test copies infra/*.tf to a temporary directory, breaks one thing (a misspelled
argument, a missing required one, an unknown argument in a nested block and in a
dynamic block's content, a computed-only attribute set, a block written as an argument,
...) and asserts that the check names the file, the block address and the argument; the
unmodified copy must pass with every aws block checked. Plain unittest, run by the
infra venv's python (make infra-schema).

Usage: test_provider_schema.py [unittest options]   (PROVIDER_SCHEMA=FILE overrides the
derived schema's path)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import provider_schema  # noqa: E402  (same directory)

INFRA = Path(__file__).resolve().parent.parent
SCHEMA_PATH = Path(os.environ.get("PROVIDER_SCHEMA", provider_schema.DEFAULT_SCHEMA))


class BrokenCopies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.schema = provider_schema.load_schema(SCHEMA_PATH)

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="provider-schema-test-"))
        for path in INFRA.glob("*.tf"):
            shutil.copy(path, self.tmp / path.name)
        self.addCleanup(shutil.rmtree, self.tmp)

    def edit(self, file: str, old: str, new: str, count: int = 1) -> None:
        """Replace `old` (which must occur exactly `count` times) in the copy of `file`."""
        path = self.tmp / file
        text = path.read_text()
        self.assertEqual(text.count(old), count, f"{file}: expected {count} x {old!r}; infra/ changed?")
        path.write_text(text.replace(old, new))

    def run_check(self):
        provider_schema.failures.clear()
        checker = provider_schema.check(self.tmp, self.schema)
        found = list(provider_schema.failures)
        provider_schema.failures.clear()
        return found, checker

    def assertReported(self, expected: str, found: list[str]) -> None:
        self.assertTrue(any(expected in message for message in found),
                        f"not reported: {expected!r}\nreported: {found}")

    # --- the unmodified configuration ---------------------------------------------

    def test_unmodified_infra_passes_and_every_aws_block_is_checked(self):
        found, checker = self.run_check()
        self.assertEqual(found, [])
        sources = "".join(p.read_text() for p in self.tmp.glob("*.tf"))
        aws_blocks = len(re.findall(r'^(?:resource|data) "aws_\w+" "[\w-]+" \{', sources, re.M))
        aws_blocks += len(re.findall(r'^provider "aws" \{', sources, re.M))
        self.assertEqual(checker.blocks_checked, aws_blocks)
        self.assertGreater(checker.nested_checked, 0)
        print(f"\n  unmodified infra: {checker.blocks_checked} blocks and "
              f"{checker.nested_checked} nested blocks checked, no problems", file=sys.stderr)

    # --- the four breakages of issue 16 ---------------------------------------------

    def test_misspelled_argument(self):
        self.edit("lambda.tf", "  memory_size = lookup(", "  memory_sise = lookup(")
        found, _ = self.run_check()
        self.assertReported("lambda.tf: aws_lambda_function.function: memory_sise: unknown argument", found)
        self.assertEqual(len(found), 1, found)

    def test_missing_required_argument(self):
        self.edit("mailer.tf", "  function_name = local.mailer_name\n", "")
        found, _ = self.run_check()
        self.assertEqual(found, ["mailer.tf: aws_lambda_function.mailer: missing required argument function_name"])

    def test_unknown_argument_in_nested_block(self):
        # two levels down: data "aws_iam_policy_document" > statement > principals
        self.edit("iam.tf", '      type        = "Service"\n',
                  '      type        = "Service"\n      principal   = "lambda"\n')
        self.edit("lambda.tf", '    mode = "Active"\n', '    mode = "Active"\n    sampling = 1\n')
        found, _ = self.run_check()
        self.assertReported("iam.tf: data.aws_iam_policy_document.lambda_assume statement > principals: "
                            "principal: unknown argument", found)
        self.assertReported("lambda.tf: aws_lambda_function.function tracing_config: sampling: unknown argument",
                            found)
        self.assertEqual(len(found), 2, found)

    def test_unknown_argument_in_dynamic_block_content(self):
        self.edit("dynamodb.tf", "      name = attribute.value\n",
                  "      name = attribute.value\n      kind = \"S\"\n")
        self.edit("iam.tf", "      sid     = \"MembersTable\"\n", "      sids    = \"MembersTable\"\n")
        found, _ = self.run_check()
        self.assertReported("dynamodb.tf: aws_dynamodb_table.members dynamic attribute: kind: unknown argument",
                            found)
        self.assertReported("iam.tf: data.aws_iam_policy_document.function dynamic statement: sids: "
                            "unknown argument", found)
        self.assertEqual(len(found), 2, found)

    # --- more that the schema knows -------------------------------------------------

    def test_missing_required_argument_in_dynamic_block_content(self):
        self.edit("dynamodb.tf", '      type = "S"\n', "", count=1)  # only the dynamic one
        found, _ = self.run_check()
        self.assertEqual(found, ["dynamodb.tf: aws_dynamodb_table.members dynamic attribute: "
                                 "missing required argument type"])

    def test_missing_required_block(self):
        text = (self.tmp / "alarms.tf").read_text()
        start = text.index("  event_destination {\n")
        end = text.index("\n  }\n", start) + len("\n  }\n")
        (self.tmp / "alarms.tf").write_text(text[:start] + text[end:])
        found, _ = self.run_check()
        self.assertEqual(found, ["alarms.tf: aws_sesv2_configuration_set_event_destination.cloudwatch: "
                                 "missing required block event_destination"])

    def test_computed_only_attribute_is_unknown(self):
        self.edit("lambda.tf", '  handler       = "bootstrap"\n',
                  '  handler       = "bootstrap"\n  invoke_arn    = "arn:aws:apigateway:x"\n')
        found, _ = self.run_check()
        self.assertEqual(len(found), 1, found)
        self.assertReported("lambda.tf: aws_lambda_function.function: invoke_arn: unknown argument", found)

    def test_block_written_as_argument_and_vice_versa(self):
        self.edit("lambda.tf", '  tracing_config {\n    mode = "Active"\n  }\n',
                  '  tracing_config = { mode = "Active" }\n')
        self.edit("mailer.tf", "  memory_size = var.mailer_memory_mb\n",
                  "  memory_size {\n    size = var.mailer_memory_mb\n  }\n")
        found, _ = self.run_check()
        self.assertReported("lambda.tf: aws_lambda_function.function: tracing_config is a block", found)
        self.assertReported("mailer.tf: aws_lambda_function.mailer: memory_size is an argument, not a block",
                            found)

    def test_single_block_given_twice(self):
        self.edit("mailer.tf", '  tracing_config {\n    mode = "Active"\n  }\n',
                  '  tracing_config {\n    mode = "Active"\n  }\n\n  tracing_config {\n    mode = "PassThrough"\n  }\n')
        found, _ = self.run_check()
        self.assertEqual(found, ["mailer.tf: aws_lambda_function.mailer: tracing_config: at most one "
                                 "tracing_config block (2 given)"])

    def test_unknown_dynamic_block_and_resource_type(self):
        self.edit("dynamodb.tf", 'dynamic "attribute" {', 'dynamic "attributes" {')
        self.edit("ses.tf", 'resource "aws_sesv2_email_identity" "sender"', 'resource "aws_ses2_email_identity" "sender"')
        found, _ = self.run_check()
        self.assertReported('dynamodb.tf: aws_dynamodb_table.members: dynamic "attributes": no block attributes',
                            found)
        self.assertReported("ses.tf: aws_ses2_email_identity.sender: resource type aws_ses2_email_identity "
                            "does not exist", found)

    def test_meta_arguments_are_accepted_where_terraform_takes_them(self):
        # timeouts comes from the schema: aws_dynamodb_table has it, aws_iam_role_policy has not
        self.edit("dynamodb.tf", "  point_in_time_recovery {",
                  '  timeouts {\n    create = "30m"\n  }\n\n  point_in_time_recovery {')
        self.edit("iam.tf", '  name   = "${local.function_names[each.key]}-access"\n',
                  '  name   = "${local.function_names[each.key]}-access"\n  timeouts {\n    create = "1m"\n  }\n')
        self.edit("iam.tf", "resource \"aws_iam_role\" \"function\" {\n",
                  "resource \"aws_iam_role\" \"function\" {\n  provider = aws\n  lifecycle {\n"
                  "    create_before_destroy = true\n  }\n")
        self.edit("iam.tf", 'data "aws_iam_policy_document" "lambda_assume" {\n',
                  'data "aws_iam_policy_document" "lambda_assume" {\n  count = 1\n  connection {\n  }\n')
        found, _ = self.run_check()
        self.assertEqual(sorted(found), [
            "iam.tf: aws_iam_role_policy.function: timeouts: unknown block (not in aws_iam_role_policy "
            "of provider 6.25.0)",
            "iam.tf: data.aws_iam_policy_document.lambda_assume: connection: unknown block "
            "(not in aws_iam_policy_document of provider 6.25.0)",
        ])

    def test_allow_list_admits_newer_arguments_and_must_stay_used(self):
        self.edit("lambda.tf", '    mode = "Active"\n', '    mode = "Active"\n    sampling = 1\n')
        key = ("resource", "aws_lambda_function", "tracing_config.sampling")
        unused = ("data", "aws_iam_policy_document", "statement.no_such_argument")
        saved = dict(provider_schema.NEWER_THAN_SCHEMA)
        self.addCleanup(lambda: (provider_schema.NEWER_THAN_SCHEMA.clear(),
                                 provider_schema.NEWER_THAN_SCHEMA.update(saved)))
        provider_schema.NEWER_THAN_SCHEMA[key] = "test: pretend 6.99 added it"
        found, _ = self.run_check()
        self.assertEqual(found, [])
        # a whole type newer than the schema: admitted, unchecked, and listed as such
        self.edit("ses.tf", 'resource "aws_sesv2_email_identity" "sender"', 'resource "aws_sesv3_identity" "sender"')
        provider_schema.NEWER_THAN_SCHEMA[("resource", "aws_sesv3_identity", "*")] = "test: pretend 6.99"
        found, checker = self.run_check()
        self.assertEqual(found, [])
        self.assertIn("aws_sesv3_identity.sender (NEWER_THAN_SCHEMA)", checker.skipped)
        provider_schema.NEWER_THAN_SCHEMA[unused] = "test: never used"
        found, _ = self.run_check()
        self.assertEqual(len(found), 1, found)
        self.assertReported("NEWER_THAN_SCHEMA: data aws_iam_policy_document statement.no_such_argument "
                            "is not needed", found)

    # --- the command line -------------------------------------------------------------

    def test_command_line_exit_codes(self):
        cli = [sys.executable, str(Path(provider_schema.__file__)), "--infra", str(self.tmp),
               "--schema", str(SCHEMA_PATH)]
        ok = subprocess.run(cli, capture_output=True, text=True)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("provider schema OK", ok.stdout)
        self.edit("lambda.tf", "  memory_size = lookup(", "  memory_sise = lookup(")
        broken = subprocess.run(cli, capture_output=True, text=True)
        self.assertEqual(broken.returncode, 1)
        self.assertIn("lambda.tf: aws_lambda_function.function: memory_sise: unknown argument", broken.stderr)


if __name__ == "__main__":
    unittest.main()
