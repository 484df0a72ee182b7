#!/usr/bin/env python3
"""Deploy preflight: what `make deploy` needs, checked before terraform touches anything.

  * tools: terraform on PATH, >= 1.6 and < 2;
  * variables: the tfvars file parses, sets every variable that has no default in
    variables.tf, names only declared variables, and leaves no placeholder of
    terraform.tfvars.example (example.com addresses, <...> texts, the example client id);
    mail_from's address belongs to sender_identity; function_memory_mb (if set) names
    every function;
  * packages: <package dir>/<function>/bootstrap.zip for every entry of local.functions
    and the mailer, no other zip, one architecture (package_arch.py), not older than
    the sources;
  * AWS: credentials answer STS GetCallerIdentity (account, caller, region);
  * SES (SES v2, in aws_region): the sender identity exists and is verified (or will be
    created by the apply and must then be verified), exists outside terraform's state
    (the apply would fail: import it), the sandbox recipients, and the account's
    sandbox status, sending quota and enforcement status (GetAccount).

Each finding is a line: ✓ fine, ! a warning (deploy goes on; --strict makes it fatal),
✗ a problem, with what to do on the lines below it. Exit 0: ready; 1: a ✗ (or a ! under
--strict); 2: usage.

The AWS calls go through boto3's standard chain: AWS_PROFILE, AWS_ACCESS_KEY_ID...,
AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_STS / _SESV2, so the local stand-ins can answer
(infra/checks/test_preflight.py). The region is terraform's: aws_region from the tfvars
(else its default in variables.tf), not AWS_REGION.

Usage: preflight.py [--tfvars FILE] [--package-dir DIR] [--state FILE] [--terraform BIN]
                    [--infra DIR] [--strict]
"""

from __future__ import annotations

import argparse
import difflib
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import hcl2
from hcl2.utils import SerializationOptions

REPO = Path(__file__).resolve().parents[2]
CHECKS = Path(__file__).resolve().parent
SANDBOX_DOC = ("\"Request production access (Moving out of the Amazon SES sandbox)\", "
               "https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html")
# RFC 2606 / 6761 names: never a real site's.
RESERVED_DOMAIN = re.compile(
    r"(^|[@./])(example\.(com|net|org)|[a-z0-9-]+\.(example|invalid|test))(?=$|[/:>?#\s])",
    re.IGNORECASE)
# "<reCAPTCHA secret key>", "k2:<base64url 32 bytes>": a text to replace (an address in
# angle brackets, as in mail_from, is not one).
ANGLE_PLACEHOLDER = re.compile(r"<[^<>@]+>")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


# --- output ---------------------------------------------------------------------

class Report:
    def __init__(self) -> None:
        self.failures = 0
        self.warnings = 0

    @staticmethod
    def section(title: str) -> None:
        print(f"\n{title}")

    @staticmethod
    def _line(mark: str, text: str, fix: str | list[str] | None) -> None:
        print(f"  {mark} {text}")
        for line in [fix] if isinstance(fix, str) else (fix or []):
            print(f"      → {line}")

    def ok(self, text: str) -> None:
        self._line("✓", text, None)

    def info(self, text: str, fix=None) -> None:
        self._line("·", text, fix)

    def warn(self, text: str, fix=None) -> None:
        self.warnings += 1
        self._line("!", text, fix)

    def fail(self, text: str, fix=None) -> None:
        self.failures += 1
        self._line("✗", text, fix)


# --- HCL --------------------------------------------------------------------------

OPTIONS = SerializationOptions(with_comments=False)


def parse(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return hcl2.load(handle, serialization_options=OPTIONS)


def unquote(value):
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def plain(node):
    """python-hcl2's tree as values: strings unquoted, block markers dropped."""
    if isinstance(node, dict):
        return {unquote(k): plain(v) for k, v in node.items() if k != "__is_block__"}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return unquote(node)


def variables(infra: Path) -> dict[str, dict]:
    """name => {"description", "has_default", "default"} for every variable in infra/*.tf."""
    found = {}
    for path in sorted(infra.glob("*.tf")):
        for entry in parse(path).get("variable", []):
            for name, body in entry.items():
                body = plain(body)
                found[unquote(name)] = {
                    "description": body.get("description", ""),
                    "has_default": "default" in body,
                    "default": body.get("default"),
                }
    return found


def locals_map(infra: Path) -> dict:
    merged = {}
    for entry in parse(infra / "locals.tf").get("locals", []):
        merged.update({k: v for k, v in entry.items() if k != "__is_block__"})
    return merged


def packaged_functions(infra: Path) -> tuple[list[str], list[str]]:
    """(the keys of local.functions, other functions with a zip: the mailer)."""
    local = locals_map(infra)
    functions = local.get("functions")
    if not isinstance(functions, dict):
        raise ValueError("infra/locals.tf: no literal `functions` map")
    names = [unquote(k) for k in functions if k != "__is_block__"]
    others = []
    for value in local.values():
        if isinstance(value, str):
            match = re.fullmatch(r'"\$\{var\.package_dir\}/([\w.-]+)/bootstrap\.zip"', value)
            if match and match.group(1) not in names:
                others.append(match.group(1))
    return names, sorted(set(others))


def leaves(value, path: str):
    """(path, string) for every string inside a tfvars value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def show(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 70 else text[:67] + "..."


# --- checks -----------------------------------------------------------------------

def check_terraform(report: Report, terraform: str) -> None:
    report.section("Tools")
    binary = shutil.which(terraform)
    if not binary:
        report.fail(f"terraform not found on PATH (as {terraform!r})",
                    "install Terraform >= 1.6, < 2 (https://developer.hashicorp.com/terraform/install), "
                    "or name it with TERRAFORM=/path/to/terraform")
        return
    env = dict(os.environ, CHECKPOINT_DISABLE="1")
    try:
        out = subprocess.run([binary, "version", "-json"], capture_output=True, text=True,
                             timeout=60, env=env, check=True).stdout
        version = json.loads(out)["terraform_version"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as err:
        report.fail(f"{binary}: `terraform version -json` failed: {err}",
                    "install Terraform >= 1.6, < 2 (https://developer.hashicorp.com/terraform/install)")
        return
    parts = tuple(int(p) for p in re.findall(r"\d+", version)[:2])
    if parts < (1, 6) or parts >= (2, 0):
        report.fail(f"terraform {version} at {binary}: infra/versions.tf needs >= 1.6.0, < 2.0.0",
                    "install a Terraform 1.x >= 1.6 (https://developer.hashicorp.com/terraform/install)")
    else:
        report.ok(f"terraform {version} ({binary})")


def check_variables(report: Report, tfvars: Path, example: Path, declared: dict,
                    functions: list[str]) -> dict | None:
    report.section(f"Variables ({display(tfvars)})")
    if not tfvars.is_file():
        report.fail(f"{display(tfvars)} not found",
                    f"cp {display(example)} {display(tfvars)} and edit it (see infra/README.md, Variables)")
        return None
    try:
        values = plain(parse(tfvars))
    except Exception as err:  # noqa: BLE001 - any parse error is the finding
        report.fail(f"{display(tfvars)} does not parse: {err}",
                    "fix the HCL syntax (name = \"value\" lines, as in terraform.tfvars.example)")
        return None
    try:
        example_values = plain(parse(example)) if example.is_file() else {}
    except Exception:  # noqa: BLE001 - the example is checked by infra-check
        example_values = {}

    required = sorted(name for name, spec in declared.items() if not spec["has_default"])
    missing = [name for name in required if values.get(name) is None]
    for name in missing:
        report.fail(f"{name} is not set (required: it has no default)",
                    f"add `{name} = ...` to {display(tfvars)}: {declared[name]['description']}")
    if not missing:
        report.ok(f"every variable without a default is set: {', '.join(required)}")

    for name in sorted(set(values) - set(declared)):
        close = difflib.get_close_matches(name, declared, n=1)
        report.warn(f"{name} is not a variable of infra/variables.tf (terraform ignores it)",
                    f"did you mean {close[0]}?" if close else "remove it, or check its spelling")

    placeholders = []
    for name, value in values.items():
        if name not in declared:
            continue
        if not declared[name]["has_default"] and name in example_values and value == example_values[name]:
            placeholders.append((name, value, "the value of terraform.tfvars.example"))
            continue
        for path, text in leaves(value, name):
            if RESERVED_DOMAIN.search(text):
                placeholders.append((path, text, "an example domain (example.com, *.example, *.test, *.invalid)"))
            elif ANGLE_PLACEHOLDER.search(text):
                placeholders.append((path, text, "a <placeholder> to replace"))
    example_clients = {c.get("client_id") for c in example_values.get("oauth_clients") or []
                       if isinstance(c, dict)}
    for index, client in enumerate(values.get("oauth_clients") or []):
        if isinstance(client, dict) and client.get("client_id") in example_clients:
            placeholders.append((f"oauth_clients[{index}].client_id", client["client_id"],
                                 "the example's client id"))
    for index, (path, value, why) in enumerate(placeholders, 1):
        report.fail(f"{path} = {show(value)}: {why}",
                    f"put your own values in {display(tfvars)}" if index == len(placeholders) else None)
    if not placeholders:
        report.ok("no value left from terraform.tfvars.example's placeholders")

    sender, mail_from = values.get("sender_identity"), values.get("mail_from")
    if isinstance(sender, str) and isinstance(mail_from, str):
        match = re.search(r"<([^>]+)>", mail_from)
        address = (match.group(1) if match else mail_from).strip().lower()
        if address != sender.lower() and not address.endswith("@" + sender.lower()):
            report.fail(f"mail_from's address {address} is neither sender_identity ({sender}) "
                        f"nor an address at that domain (the plan would stop on it)",
                        "send from the verified identity: mail_from = \"Site <noreply@<sender_identity>>\"")
        else:
            report.ok(f"mail_from's address {address} belongs to sender_identity {sender}")

    memory = values.get("function_memory_mb")
    if isinstance(memory, dict):
        absent, extra = sorted(set(functions) - set(memory)), sorted(set(memory) - set(functions))
        if absent or extra:
            report.fail(f"function_memory_mb must name every function of local.functions, and only those: "
                        f"missing {absent}, unknown {extra}",
                        "list them all (the default in infra/variables.tf has every name), or remove it")
    return values


def check_packages(report: Report, package_dir: Path, terraform_dir: Path, functions: list[str],
                   others: list[str], values: dict | None) -> None:
    report.section(f"Packages ({display(package_dir)})")
    if package_dir.resolve() != terraform_dir.resolve():
        report.fail(f"make deploy checks {display(package_dir)} (INFRA_PACKAGE_DIR) but terraform uploads "
                    f"{display(terraform_dir)} (package_dir in the tfvars, relative to infra/)",
                    "make them the same: package_dir in the tfvars, or INFRA_PACKAGE_DIR for make")
    expected = sorted(functions + others)
    if not package_dir.is_dir():
        report.fail(f"{display(package_dir)} does not exist: no function is built",
                    "make package (cargo lambda: target/lambda/<function>/bootstrap.zip)")
        return
    present = sorted(p.parent.name for p in package_dir.glob("*/bootstrap.zip"))
    missing = [name for name in expected if name not in present]
    extra = [name for name in present if name not in expected]
    for name in missing:
        report.fail(f"missing: {display(package_dir / name / 'bootstrap.zip')}",
                    "make package")
    if extra:
        report.fail(f"zips of functions infra does not declare: {', '.join(extra)} "
                    f"(not in local.functions, so not deployed)",
                    ["a crate added under functions/: add it to local.functions in infra/locals.tf",
                     f"a function removed: rm -r {' '.join(display(package_dir / n) for n in extra)}"])
    if missing:
        return
    if not extra:
        report.ok(f"{len(expected)} zips: one per function of local.functions ({len(functions)})"
                  + (f" and {', '.join(others)}" if others else ""))
    arch = subprocess.run([sys.executable, str(CHECKS / "package_arch.py"), str(package_dir), *expected],
                          capture_output=True, text=True)
    if arch.returncode != 0:
        message = arch.stderr.strip().removeprefix("package_arch: ") or "package_arch.py failed"
        if len(message) > 300:  # the zips disagree: one line per architecture, not per zip
            message = "the zips disagree: " + "; ".join(
                f"{machine}: {', '.join(names) if len(names) <= 5 else f'{len(names)} zips'}"
                for machine, names in sorted(architectures(package_dir, expected).items()))
        report.fail(message, "rebuild them all with make package")
    else:
        name = arch.stdout.strip()
        report.ok(f"architecture {name}, every bootstrap (make deploy declares the functions {name})")
        declared_arch = (values or {}).get("architecture")
        if declared_arch and declared_arch != name:
            report.info(f"architecture = {declared_arch!r} in the tfvars is overridden by make deploy ({name})")
    zips = [package_dir / n / "bootstrap.zip" for n in expected]
    oldest = min(z.stat().st_mtime for z in zips)
    sources = [p for top in ("functions", "shared") for p in (REPO / top).rglob("*")
               if p.is_file() and "target" not in p.parts]
    sources += [p for p in (REPO / "Cargo.lock", REPO / "Cargo.toml") if p.is_file()]
    newer = [p for p in sources if p.stat().st_mtime > oldest]
    if newer:
        newest = max(newer, key=lambda p: p.stat().st_mtime)
        report.warn(f"{len(newer)} source file(s) changed since the oldest zip was built "
                    f"(e.g. {newest.relative_to(REPO)})", "make package, so the deploy runs this code")


def architectures(package_dir: Path, names: list[str]) -> dict[str, list[str]]:
    """architecture => functions, read as package_arch.py reads them."""
    sys.path.insert(0, str(CHECKS))
    from package_arch import MACHINES

    found: dict[str, list[str]] = {}
    for name in names:
        try:
            with zipfile.ZipFile(package_dir / name / "bootstrap.zip") as archive:
                header = archive.open("bootstrap").read(20)
            machine = (MACHINES.get(int.from_bytes(header[18:20], "little"), "unknown")
                       if header[:4] == b"\x7fELF" else "not ELF")
        except (OSError, KeyError, zipfile.BadZipFile):
            machine = "unreadable"
        found.setdefault(machine, []).append(name)
    return found


def loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_aws(report: Report, values: dict | None, declared: dict):
    """Returns (boto3 session, region) when the credentials answer, else None."""
    report.section("AWS")
    try:
        import boto3
        import botocore.exceptions as boto_errors
    except ImportError:
        report.fail("boto3 is not installed in this Python",
                    "make infra-tools (installs infra/checks/requirements.txt into .tools/infra-venv)")
        return None

    env_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    region, source = None, None
    if values and values.get("aws_region"):
        region, source = values["aws_region"], "aws_region in the tfvars"
    elif declared.get("aws_region", {}).get("default"):
        region, source = declared["aws_region"]["default"], "aws_region's default in infra/variables.tf"
    try:
        session = boto3.Session(region_name=region)
    except boto_errors.ProfileNotFound as err:
        report.fail(f"{err}", "aws configure --profile NAME (or aws configure sso), or unset AWS_PROFILE")
        return None
    region = region or env_region or session.region_name
    if not region:
        report.fail("no region: terraform needs aws_region",
                    'set aws_region = "eu-west-1" (your region) in the tfvars; '
                    "SES identities and the sandbox are per region")
        return None
    if not REGION.match(region):
        report.fail(f"aws_region = {region!r} is not a region name", 'e.g. aws_region = "eu-west-1"')
        return None

    for name in sorted(k for k in os.environ if k.startswith("AWS_ENDPOINT_URL") and os.environ[k]):
        url = os.environ[name]
        where = "a local stand-in, not AWS" if loopback(url) else "not AWS's default endpoint"
        report.warn(f"{name}={url} is set: these calls (and terraform's) go to {where}",
                    f"unset {name} to deploy to AWS")

    try:
        credentials = session.get_credentials()
    except boto_errors.BotoCoreError as err:
        report.fail(f"the AWS credentials cannot be loaded: {err}",
                    "check the profile (aws configure list; aws sso login --profile NAME when it is SSO)")
        return None
    if credentials is None:
        report.fail("no AWS credentials found (environment, AWS_PROFILE, ~/.aws, SSO, instance role)",
                    ["keys: aws configure (or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
                     "SSO: aws configure sso, then aws sso login --profile NAME and export AWS_PROFILE=NAME",
                     "terraform's AWS provider reads the same credentials"])
        return None
    try:
        caller = session.client("sts").get_caller_identity()
    except boto_errors.ClientError as err:
        code = err.response.get("Error", {}).get("Code", "error")
        report.fail(f"STS GetCallerIdentity refused the credentials ({credentials.method}): {code}: "
                    f"{err.response.get('Error', {}).get('Message', '')}",
                    "renew them (aws sso login --profile NAME; new keys with aws configure) and retry")
        return None
    except boto_errors.BotoCoreError as err:
        report.fail(f"STS GetCallerIdentity failed: {err}",
                    "check the network, the profile (aws sso login --profile NAME when it is SSO), "
                    "and any AWS_ENDPOINT_URL setting")
        return None
    profile = f", profile {session.profile_name}" if os.environ.get("AWS_PROFILE") else ""
    report.ok(f"account {caller['Account']} as {caller['Arn']} (credentials: {credentials.method}{profile})")
    report.ok(f"region {region} ({source or 'the environment'})")
    if source != "aws_region in the tfvars" and env_region and env_region != region:
        report.warn(f"the environment says {env_region}, but terraform deploys to {region} ({source})",
                    f'set aws_region = "{env_region}" in the tfvars to deploy there')
    return session, region


def managed_identities(state: Path) -> dict[str, str] | None:
    """email_identity => terraform address, from a local state file (None: unreadable)."""
    if not state.is_file():
        return {}
    try:
        doc = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = {}
    for resource in doc.get("resources", []):
        if resource.get("mode") == "managed" and resource.get("type") == "aws_sesv2_email_identity":
            for instance in resource.get("instances", []):
                key = instance.get("index_key")
                address = f"aws_sesv2_email_identity.{resource.get('name')}"
                if key is not None:
                    address += f"[{json.dumps(key)}]"
                identity = (instance.get("attributes") or {}).get("email_identity")
                if identity:
                    found[identity.lower()] = address
    return found


def get_identity(client, errors, identity: str):
    """GetEmailIdentity's answer, None when there is no such identity; raises otherwise."""
    try:
        return client.get_email_identity(EmailIdentity=identity)
    except errors.ClientError as err:
        if err.response.get("Error", {}).get("Code") == "NotFoundException":
            return None
        raise


def check_ses(report: Report, session, region: str, values: dict | None, tfvars: Path,
              state: Path) -> None:
    import botocore.exceptions as errors

    report.section(f"SES ({region})")
    client = session.client("sesv2")
    values = values or {}
    managed = managed_identities(state)
    if managed is None:
        report.warn(f"{display(state)} is not readable JSON: cannot tell which identities terraform manages")
        managed = {}
    import_hint = (f"terraform -chdir=infra init, then terraform -chdir=infra import "
                   f"-var-file={tfvars.resolve()} '{{address}}' {{identity}}")

    def not_in_state(identity: str, address: str) -> None:
        report.fail(f"{identity} already exists in SES but not in terraform's state ({display(state)}): "
                    f"the apply would fail with AlreadyExistsException",
                    ["let terraform manage it: " + import_hint.format(address=address, identity=identity),
                     "(or delete it in SES first, and verify it again after the apply)"])

    sender = values.get("sender_identity")
    if not isinstance(sender, str) or not sender:
        report.info("no sender_identity in the tfvars: sender checks skipped")
    else:
        kind = "address" if "@" in sender else "domain"
        how = ("publish the three CNAMEs of `terraform -chdir=infra output ses_dkim_records` in its DNS zone"
               if kind == "domain" else "click the link SES mails to it")
        try:
            found = get_identity(client, errors, sender)
        except (errors.ClientError, errors.BotoCoreError) as err:
            report.fail(f"SES GetEmailIdentity {sender}: {err}",
                        "the deployer needs ses:GetEmailIdentity (infra/README.md, Permissions)")
            found = False
        if found is None:
            report.warn(f"sender identity {sender} ({kind}) does not exist in SES {region} yet",
                        [f"make deploy creates it; then verify it: {how}",
                         "until it is verified, SES sends no email at all"])
        elif found:
            if sender.lower() not in managed:
                not_in_state(sender, "aws_sesv2_email_identity.sender")
            dkim = (found.get("DkimAttributes") or {}).get("Status")
            detail = f"VerificationStatus {found.get('VerificationStatus', '?')}" + (f", DKIM {dkim}" if dkim else "")
            if found.get("VerifiedForSendingStatus"):
                report.ok(f"sender identity {sender} ({kind}) is verified for sending ({detail})")
            else:
                report.warn(f"sender identity {sender} ({kind}) exists but is not verified ({detail})",
                            [f"verify it: {how}",
                             "until it is verified, SES sends no email at all (members and owner alike)"])

    recipients = [r for r in values.get("ses_sandbox_recipients") or [] if isinstance(r, str)]
    pending = []
    for recipient in recipients:
        try:
            found = get_identity(client, errors, recipient)
        except (errors.ClientError, errors.BotoCoreError) as err:
            report.warn(f"SES GetEmailIdentity {recipient}: {err}")
            continue
        if found and recipient.lower() not in managed:
            not_in_state(recipient, f'aws_sesv2_email_identity.sandbox_recipient["{recipient}"]')
        if not (found and found.get("VerifiedForSendingStatus")):
            pending.append(f"{recipient} ({'not verified' if found else 'created by make deploy'})")

    try:
        account = client.get_account()
    except (errors.ClientError, errors.BotoCoreError) as err:
        report.warn(f"SES GetAccount failed, so the sandbox status is unknown: {err}",
                    "the deployer needs ses:GetAccount; or see the SES console's Account dashboard")
        return
    quota = account.get("SendQuota") or {}
    quota_text = (f"quota {quota.get('Max24HourSend', 0):g} emails a day, {quota.get('MaxSendRate', 0):g} a second, "
                  f"{quota.get('SentLast24Hours', 0):g} sent in the last 24 h")
    if not account.get("SendingEnabled", True):
        report.fail(f"SES sending is disabled for this account in {region} "
                    f"(enforcement status {account.get('EnforcementStatus', '?')})",
                    "see the SES console's Account dashboard (Reputation) before deploying")
    elif account.get("EnforcementStatus") not in (None, "HEALTHY"):
        report.warn(f"SES enforcement status {account['EnforcementStatus']} in {region}",
                    "see the SES console's Account dashboard: bounces and complaints put sending at risk")
    if account.get("ProductionAccessEnabled"):
        report.ok(f"SES production access in {region}: any address can receive mail ({quota_text})")
        return
    review = (account.get("Details") or {}).get("ReviewDetails") or {}
    requested = f"; production access requested: {review['Status']}" if review.get("Status") else ""
    report.warn(f"the account is in the SES sandbox in {region} ({quota_text}{requested})",
                ["in the sandbox SES delivers only to verified addresses: members' emails (codes, "
                 "recovery, approvals) will not arrive until production access is granted",
                 f"request it (once per region): {SANDBOX_DOC}",
                 "meanwhile list the owner and testers in ses_sandbox_recipients; each gets a verification link"])
    owner = values.get("owner_email")
    if isinstance(owner, str) and owner.lower() not in {r.lower() for r in recipients}:
        report.warn(f"owner_email {owner} is not in ses_sandbox_recipients: in the sandbox the owner's "
                    f"approval requests will not arrive", "add it to ses_sandbox_recipients")
    if pending:
        report.info(f"sandbox recipients not yet verified: {', '.join(pending)}",
                    "each must click the link SES mails to it after make deploy")
    elif recipients:
        report.ok(f"sandbox recipients verified: {', '.join(recipients)}")


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description="Check what make deploy needs, before terraform runs.")
    parser.add_argument("--infra", type=Path, default=REPO / "infra")
    parser.add_argument("--tfvars", type=Path,
                        default=Path(os.environ.get("INFRA_TFVARS", REPO / "infra/terraform.tfvars")))
    parser.add_argument("--package-dir", type=Path, default=None,
                        help="where make looks for the zips (INFRA_PACKAGE_DIR); default: the tfvars' "
                             "package_dir (relative to infra/), as terraform reads it")
    parser.add_argument("--state", type=Path, default=None,
                        help="terraform's local state (default: infra/terraform.tfstate)")
    parser.add_argument("--terraform", default=os.environ.get("TERRAFORM", "terraform"))
    parser.add_argument("--strict", action="store_true", help="fail on warnings (!) too")
    args = parser.parse_args()
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")
    infra = args.infra
    state = args.state or infra / "terraform.tfstate"
    report = Report()
    print("preflight: what make deploy needs, checked before terraform touches anything")

    try:
        declared = variables(infra)
        functions, others = packaged_functions(infra)
    except Exception as err:  # noqa: BLE001 - a broken infra/ is for make infra-check
        print(f"preflight: cannot read {infra}: {err}; run make infra-check", file=sys.stderr)
        return 1

    check_terraform(report, args.terraform)
    values = check_variables(report, args.tfvars, infra / "terraform.tfvars.example", declared, functions)
    package_dir = (values or {}).get("package_dir") or declared.get("package_dir", {}).get("default") \
        or "../target/lambda"
    terraform_dir = (infra / package_dir).resolve()
    check_packages(report, args.package_dir or terraform_dir, terraform_dir, functions, others, values)
    aws = check_aws(report, values, declared)
    if aws:
        check_ses(report, *aws, values, args.tfvars, state)
    else:
        report.section("SES")
        report.info("skipped: no AWS account to ask")

    failed = report.failures + (report.warnings if args.strict else 0)
    counts = f"{report.failures} problem(s) (✗), {report.warnings} warning(s) (!)"
    if failed:
        print(f"\npreflight: {counts}: fix the ✗ lines{' and the ! lines (--strict)' if args.strict else ''}, "
              f"then run it again")
        return 1
    print(f"\npreflight: ready to deploy; {counts}" + (": read the ! lines" if report.warnings else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
