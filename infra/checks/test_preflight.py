#!/usr/bin/env python3
"""Test of infra/checks/preflight.py against the local stand-ins.

The preflight runs (in the infra venv, as `make preflight` runs it) with a tfvars made
from terraform.tfvars.example, zips made here (one per function, a real zip holding the
start of an ELF of the wanted architecture) and a state file, all in a temp dir; target/
is never read. Its AWS calls go where the standard variables send them:

  * STS: the shared moto of `make stack-up` (127.0.0.1:5000), AWS_ENDPOINT_URL_STS;
  * SES v2, AWS_ENDPOINT_URL_SESV2: a router started here. Identities go to moto (the same
    moto package, run in this process, so that an identity can be marked verified: moto's
    CreateEmailIdentity always answers VerifiedForSendingStatus false, and nothing in its
    API verifies one). GetAccount, which moto does not serve, goes to aws-ses-v2-local
    (local/node_modules, as in the stack), started here once per account state, since it
    answers GetAccount from AWS_SES_ACCOUNT read at start (the stack's :8005 has none).

Each case asserts the exit code and the lines the preflight prints. Run with the moto venv:
  .tools/venv/bin/python infra/checks/test_preflight.py --python .tools/infra-venv/bin/python [-v]
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.ses.models import ses_backends
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[2]
PREFLIGHT = REPO / "infra/checks/preflight.py"
EXAMPLE = REPO / "infra/terraform.tfvars.example"
SES_LOCAL = REPO / "local/node_modules/aws-ses-v2-local/dist/cli.js"
MOTO_STS = "http://127.0.0.1:5000"
REGION = "us-east-1"
DOMAIN = "preflight-site.org"
OWNER = f"owner@{DOMAIN}"
ELF_MACHINE = {"arm64": 0xB7, "x86_64": 0x3E}

ACCOUNT = {
    "DedicatedIpAutoWarmupEnabled": False,
    "Details": {"AdditionalContactEmailAddresses": [], "ContactLanguage": "EN",
                "MailType": "TRANSACTIONAL", "ReviewDetails": {"CaseId": "", "Status": ""},
                "UseCaseDescription": "", "WebsiteURL": ""},
    "EnforcementStatus": "HEALTHY",
    "ProductionAccessEnabled": True,
    "SendingEnabled": True,
    "SendQuota": {"Max24HourSend": 50000, "MaxSendRate": 14, "SentLast24Hours": 12},
    "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
}
ACCOUNTS = {
    "production": ACCOUNT,
    "sandbox": {**ACCOUNT, "ProductionAccessEnabled": False,
                "SendQuota": {"Max24HourSend": 200, "MaxSendRate": 1, "SentLast24Hours": 3},
                "Details": {**ACCOUNT["Details"],
                            "ReviewDetails": {"CaseId": "1234567890", "Status": "PENDING"}}},
    "disabled": {**ACCOUNT, "SendingEnabled": False, "EnforcementStatus": "SHUTDOWN"},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stand_ins:
    """The SES v2 router (moto in process + aws-ses-v2-local per account state)."""

    def __init__(self) -> None:
        self.moto = DomainDispatcherApplication(create_backend_app)
        self.account = "production"
        self.ses_local: dict[str, tuple[subprocess.Popen, int]] = {}
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.client = boto3.client("sesv2", region_name=REGION, endpoint_url=self.url,
                                   aws_access_key_id="local", aws_secret_access_key="local")

    def app(self, environ, start_response):
        if environ.get("PATH_INFO") == "/v2/email/account":
            return self.forward(environ, start_response)
        return self.moto(environ, start_response)

    def forward(self, environ, start_response):
        _, port = self.ses_local_for(self.account)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_") and key != "HTTP_HOST"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        query = f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else ""
        conn.request(environ["REQUEST_METHOD"], environ["PATH_INFO"] + query, body=body, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        start_response(f"{answer.status} {answer.reason}",
                       [(k, v) for k, v in answer.getheaders()
                        if k.lower() not in ("transfer-encoding", "connection", "content-length")]
                       + [("Content-Length", str(len(data)))])
        conn.close()
        return [data]

    def ses_local_for(self, state: str) -> tuple[subprocess.Popen, int]:
        if state not in self.ses_local:
            port = free_port()
            env = dict(os.environ, AWS_SES_ACCOUNT=json.dumps(ACCOUNTS[state]))
            process = subprocess.Popen(["node", str(SES_LOCAL), "--host", "127.0.0.1", "--port", str(port)],
                                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.ses_local[state] = (process, port)
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/store", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit(f"aws-ses-v2-local did not start on :{port}")
        return self.ses_local[state]

    def identities(self, verified: dict[str, bool]) -> None:
        """SES holds exactly these identities (name => verified for sending)."""
        backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
        backend.email_identities.clear()
        for name, ok in verified.items():
            self.client.create_email_identity(EmailIdentity=name)
            identity = backend.email_identities[name]
            identity.verified_for_sending_status = ok
            identity.verification_status = "SUCCESS" if ok else "PENDING"
            identity.dkim_attributes["Status"] = "SUCCESS" if ok else "PENDING"

    def close(self) -> None:
        self.server.shutdown()
        for process, _ in self.ses_local.values():
            process.terminate()
            process.wait(timeout=10)


def zip_with(path: Path, arch: str) -> None:
    header = bytearray(64)
    header[0:8] = b"\x7fELF\x02\x01\x01\x00"
    header[16:18] = (2).to_bytes(2, "little")  # ET_EXEC
    header[18:20] = ELF_MACHINE[arch].to_bytes(2, "little")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("bootstrap"), bytes(header) + b"\0" * 192)


def not_elf(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("bootstrap", "#!/bin/sh\n")


def state_with(path: Path, identities: list[str]) -> None:
    instances = {"sender": [], "sandbox_recipient": []}
    for name in identities:
        if "@" in name and name != DOMAIN:
            instances["sandbox_recipient"].append({"index_key": name, "attributes": {"email_identity": name}})
        else:
            instances["sender"].append({"attributes": {"email_identity": name}})
    path.write_text(json.dumps({"version": 4, "resources": [
        {"mode": "managed", "type": "aws_sesv2_email_identity", "name": name, "instances": inst}
        for name, inst in instances.items() if inst]}))


def tfvars_text(package_dir: Path) -> str:
    """The example with the site's own values, and the temp package dir."""
    text = EXAMPLE.read_text()
    for old, new in (("example.com", DOMAIN), ("Example Site", "Preflight Site"),
                     ("3c1d4e5f-0a1b-4c2d-8e3f-405162738495", "0b7e3f1a-9c2d-4e5f-8a6b-1c2d3e4f5a6b")):
        assert old in text, f"terraform.tfvars.example no longer has {old!r}: update this test"
        text = text.replace(old, new)
    return text + f'\npackage_dir = "{package_dir}"\n'


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable, help="the Python with hcl2 and boto3")
    parser.add_argument("-v", action="store_true", help="print every case's output")
    args = parser.parse_args()
    args.python = os.path.abspath(args.python)  # not resolve(): a venv's python is a symlink
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    try:
        urllib.request.urlopen(MOTO_STS + "/", timeout=2)
    except OSError:
        print(f"test_preflight: moto is not answering at {MOTO_STS}: make stack-up", file=sys.stderr)
        return 1

    functions = sorted(p.parent.name for p in (REPO / "functions").glob("*/Cargo.toml"))
    stand_ins = Stand_ins()
    tmp = Path(tempfile.mkdtemp(prefix="preflight-test-"))
    failures: list[str] = []
    try:
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        for name, version in (("terraform", "1.9.8"), ("terraform-old", "1.5.7")):
            stub = bin_dir / name
            stub.write_text(f"#!/bin/sh\necho '{{\"terraform_version\": \"{version}\"}}'\n")
            stub.chmod(0o755)
        packages = tmp / "packages"
        for name in functions:
            zip_with(packages / name / "bootstrap.zip", "arm64")
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        base_env.update(AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local",
                        AWS_ENDPOINT_URL_STS=MOTO_STS, AWS_ENDPOINT_URL_SESV2=stand_ins.url,
                        AWS_CONFIG_FILE=str(tmp / "no-config"),
                        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-credentials"),
                        AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1")
        run_index = 0

        def case(title, *, expect_rc, present=(), absent=(), account="production",
                 identities=None, state=None, edit=None, packages_edit=None, env=None,
                 extra_args=(), tfvars=True, terraform="terraform"):
            nonlocal run_index
            run_index += 1
            work = tmp / f"case{run_index}"
            work.mkdir()
            pkg = work / "packages"
            shutil.copytree(packages, pkg)
            if packages_edit:
                packages_edit(pkg)
            tfvars_path = work / "terraform.tfvars"
            if tfvars:
                text = tfvars_text(pkg)
                tfvars_path.write_text(edit(text) if edit else text)
            state_path = work / "terraform.tfstate"
            if state is not None:
                state_with(state_path, state)
            stand_ins.account = account
            stand_ins.identities(identities or {})
            command = [args.python, str(PREFLIGHT), "--tfvars", str(tfvars_path), "--package-dir", str(pkg),
                       "--state", str(state_path), "--terraform", str(bin_dir / terraform), *extra_args]
            run_env = dict(base_env, **(env or {}))
            for key in [k for k, v in run_env.items() if v is None]:
                del run_env[key]
            result = subprocess.run(command, capture_output=True, text=True, env=run_env, cwd=work, timeout=120)
            output = result.stdout + result.stderr
            problems = []
            if result.returncode != expect_rc:
                problems.append(f"exit {result.returncode}, expected {expect_rc}")
            problems += [f"missing: {text!r}" for text in present if text not in output]
            problems += [f"unexpected: {text!r}" for text in absent if text in output]
            print(f"{'ok  ' if not problems else 'FAIL'} {title} (exit {result.returncode})")
            if problems or args.v:
                print("\n".join(f"     {p}" for p in problems))
                print("     | " + output.rstrip().replace("\n", "\n     | "))
            if problems:
                failures.append(title)

        everything = {DOMAIN: True, OWNER: True}
        case("ready: verified sender and recipient, managed by terraform, production access",
             expect_rc=0, identities=everything, state=list(everything),
             present=["✓ terraform 1.9.8",
                      "✓ every variable without a default is set: approval_link_url, mail_from, owner_email, "
                      "sender_identity, site_name",
                      "✓ no value left from terraform.tfvars.example's placeholders",
                      f"✓ {len(functions)} zips: one per function of local.functions ({len(functions) - 1}) and mailer",
                      "✓ architecture arm64, every bootstrap",
                      f"✓ account {DEFAULT_ACCOUNT_ID} as arn:aws:sts::{DEFAULT_ACCOUNT_ID}:user/moto",
                      f"✓ region {REGION} (aws_region in the tfvars)",
                      f"✓ sender identity {DOMAIN} (domain) is verified for sending (VerificationStatus SUCCESS",
                      f"✓ SES production access in {REGION}: any address can receive mail (quota 50000 emails a day, "
                      "14 a second, 12 sent in the last 24 h)",
                      "preflight: ready to deploy"],
             absent=["  ✗ ", "SES sandbox"])
        case("first deploy in a sandboxed account: nothing in SES yet, no state",
             expect_rc=0, account="sandbox",
             present=[f"! sender identity {DOMAIN} (domain) does not exist in SES {REGION} yet",
                      "make deploy creates it; then verify it: publish the three CNAMEs of "
                      "`terraform -chdir=infra output ses_dkim_records`",
                      f"! the account is in the SES sandbox in {REGION} (quota 200 emails a day, 1 a second, "
                      "3 sent in the last 24 h; production access requested: PENDING)",
                      "in the sandbox SES delivers only to verified addresses: members' emails",
                      "will not arrive until production access is granted",
                      "Request production access (Moving out of the Amazon SES sandbox)",
                      "https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html",
                      f"sandbox recipients not yet verified: {OWNER} (created by make deploy)",
                      "preflight: ready to deploy; 0 problem(s)"],
             absent=["  ✗ "])
        case("the same under --strict: warnings fail",
             expect_rc=1, account="sandbox", extra_args=["--strict"],
             present=["! the account is in the SES sandbox", "and the ! lines (--strict)"])
        case("sender identity exists but is not verified yet",
             expect_rc=0, account="sandbox", identities={DOMAIN: False, OWNER: False}, state=[DOMAIN, OWNER],
             present=[f"! sender identity {DOMAIN} (domain) exists but is not verified (VerificationStatus PENDING, "
                      "DKIM PENDING)",
                      "until it is verified, SES sends no email at all",
                      f"sandbox recipients not yet verified: {OWNER} (not verified)"])
        case("an address as sender identity, verified; the owner missing from the sandbox recipients",
             expect_rc=0, account="sandbox", identities={f"noreply@{DOMAIN}": True},
             state=[f"noreply@{DOMAIN}"],
             edit=lambda t: t.replace(f'sender_identity = "{DOMAIN}"', f'sender_identity = "noreply@{DOMAIN}"')
                             .replace(f'ses_sandbox_recipients = ["{OWNER}"]', "ses_sandbox_recipients = []"),
             present=[f"✓ sender identity noreply@{DOMAIN} (address) is verified for sending",
                      f"! owner_email {OWNER} is not in ses_sandbox_recipients"])
        case("identities made outside terraform: the apply would fail, import them",
             expect_rc=1, identities=everything,
             present=[f"✗ {DOMAIN} already exists in SES but not in terraform's state",
                      "the apply would fail with AlreadyExistsException",
                      "terraform -chdir=infra import -var-file=",
                      f"'aws_sesv2_email_identity.sender' {DOMAIN}",
                      f"'aws_sesv2_email_identity.sandbox_recipient[\"{OWNER}\"]' {OWNER}"])
        case("SES sending disabled for the account",
             expect_rc=1, account="disabled", identities=everything, state=list(everything),
             present=[f"✗ SES sending is disabled for this account in {REGION} (enforcement status SHUTDOWN)"])
        case("a missing zip",
             expect_rc=1, identities=everything, state=list(everything),
             packages_edit=lambda p: shutil.rmtree(p / "login"),
             present=["✗ missing: packages/login/bootstrap.zip", "→ make package"],
             absent=["✓ architecture"])
        case("an extra zip",
             expect_rc=1, identities=everything, state=list(everything),
             packages_edit=lambda p: zip_with(p / "old-function" / "bootstrap.zip", "arm64"),
             present=["✗ zips of functions infra does not declare: old-function",
                      "add it to local.functions in infra/locals.tf", "rm -r packages/old-function"])
        case("zips of two architectures",
             expect_rc=1, identities=everything, state=list(everything),
             packages_edit=lambda p: zip_with(p / "token" / "bootstrap.zip", "x86_64"),
             present=[f"✗ the zips disagree: arm64: {len(functions) - 1} zips; x86_64: token", "make package"])
        case("a bootstrap that is not an ELF",
             expect_rc=1, identities=everything, state=list(everything),
             packages_edit=lambda p: not_elf(p / "verify" / "bootstrap.zip"),
             present=["verify/bootstrap.zip: bootstrap is not an ELF binary"])
        case("make and terraform look at different package dirs",
             expect_rc=1, identities=everything, state=list(everything),
             edit=lambda t: t.replace("package_dir = ", 'package_dir = "../target/lambda"\n# '),
             present=["✗ make deploy checks packages (INFRA_PACKAGE_DIR) but terraform uploads "
                      f"{REPO / 'target/lambda'} (package_dir in the tfvars", "package_dir in the tfvars, or INFRA_PACKAGE_DIR"])
        case("a required variable missing",
             expect_rc=1, identities=everything, state=list(everything),
             edit=lambda t: "\n".join(l for l in t.splitlines() if not l.startswith("owner_email")),
             present=["✗ owner_email is not set (required: it has no default)",
                      "→ add `owner_email = ...` to terraform.tfvars: Site owner's address"],
             absent=["✓ every variable without a default is set"])
        case("the example copied unchanged",
             expect_rc=1, identities=everything, state=list(everything),
             edit=lambda t: EXAMPLE.read_text() + t[t.index("\npackage_dir"):],
             present=['✗ sender_identity = "example.com": the value of terraform.tfvars.example',
                      '✗ owner_email = "owner@example.com": the value of terraform.tfvars.example',
                      '✗ site_name = "Example Site": the value of terraform.tfvars.example',
                      '✗ oauth_clients[0].origins[0] = "https://www.example.com": an example domain',
                      '✗ oauth_clients[0].client_id = "3c1d4e5f-0a1b-4c2d-8e3f-405162738495": the example\'s client id',
                      "→ put your own values in terraform.tfvars"])
        case("a <placeholder>, a misspelt variable, an incomplete function_memory_mb",
             expect_rc=1, identities=everything, state=list(everything),
             edit=lambda t: t + 'captcha_secret = "<reCAPTCHA secret key>"\nowner_emial = "x@y.org"\n'
                                'function_memory_mb = { "login" = 1024 }\n',
             present=['✗ captcha_secret = "<reCAPTCHA secret key>": a <placeholder> to replace',
                      "! owner_emial is not a variable of infra/variables.tf", "did you mean owner_email?",
                      "✗ function_memory_mb must name every function of local.functions"])
        case("mail_from not at the sender identity",
             expect_rc=1, identities=everything, state=list(everything),
             edit=lambda t: t.replace(f"<noreply@{DOMAIN}>", "<noreply@elsewhere.org>"),
             present=[f"✗ mail_from's address noreply@elsewhere.org is neither sender_identity ({DOMAIN})"])
        case("no tfvars file",
             expect_rc=1, tfvars=False,
             present=["✗ terraform.tfvars not found", "→ cp ", "terraform.tfvars.example terraform.tfvars and edit it",
                      f"region {REGION} (aws_region's default in infra/variables.tf)",
                      "· no sender_identity in the tfvars: sender checks skipped"])
        case("no aws_region in the tfvars while the shell names another region",
             expect_rc=0, identities=everything, state=list(everything), env={"AWS_REGION": "eu-west-1"},
             edit=lambda t: t.replace('aws_region  = "us-east-1"', ""),
             present=[f"✓ region {REGION} (aws_region's default in infra/variables.tf)",
                      f"! the environment says eu-west-1, but terraform deploys to {REGION}",
                      'set aws_region = "eu-west-1" in the tfvars'])
        case("no AWS credentials",
             expect_rc=1, env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None},
             present=["✗ no AWS credentials found", "aws sso login --profile NAME", "· skipped: no AWS account to ask"])
        case("an AWS_PROFILE that does not exist",
             expect_rc=1, env={"AWS_PROFILE": "nowhere"},
             present=["✗ The config profile (nowhere) could not be found"])
        case("STS unreachable",
             expect_rc=1, env={"AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{free_port()}"},
             present=["✗ STS GetCallerIdentity failed: Could not connect to the endpoint URL"])
        case("a local endpoint is named as such",
             expect_rc=0, identities=everything, state=list(everything),
             present=[f"! AWS_ENDPOINT_URL_STS={MOTO_STS} is set: these calls (and terraform's) go to a local "
                      "stand-in, not AWS"])
        case("terraform too old", expect_rc=1, identities=everything, state=list(everything),
             terraform="terraform-old", present=["✗ terraform 1.5.7 at", "needs >= 1.6.0, < 2.0.0"])
        case("terraform missing", expect_rc=1, identities=everything, state=list(everything),
             terraform="no-such-terraform", present=["✗ terraform not found on PATH"])
    finally:
        stand_ins.close()
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"test_preflight: {len(failures)} case(s) failed: {', '.join(failures)}")
        return 1
    print(f"test_preflight: all {run_index} cases passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
