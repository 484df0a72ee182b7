#!/usr/bin/env python3
"""`make bench`: cold start, size, memory, argon2, login throughput and enumeration timing
of the release Lambda binaries, in one run, against the local stack. Prints a markdown
report and writes it to BENCHMARKS.md (raw figures in bench/results/).

Needs: target/lambda/<function>/bootstrap(.zip) (`make package`), the bench crates built
(bench/target/release/{hello-lambda,argon2-verify}), moto on :5000 and SES on :8005
(`make stack-up`), strace, and .tools/dev.env (scripts/dev-env.sh).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import math
import os
import queue
import random
import re
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runtime_api import Invocation, RuntimeAPI, Session  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
FIXTURES = ROOT / "tests" / "fixtures"
FUNCTIONS = sorted(p.name for p in (ROOT / "functions").iterdir() if (p / "Cargo.toml").exists())
HELLO = "hello-world"
PASSWORD = "bench-Quartz-7-lantern"  # not on the common-password list
ARGON2_DEFAULTS = "m=19456 KiB, t=2, p=1"
# Functions that run argon2 on their request path.
ARGON2_FUNCTIONS = ["login", "register", "reset-password"]

# Goals of the brief.
GOAL_READY_RATIO = 1.3
GOAL_BINARY_MB = 8.0
GOAL_RSS_MB = 48.0
GOAL_THROUGHPUT = 0.85
GOAL_ENUMERATION = 0.10

# Diagnostic cold starts: not-found with less (or no) CA roots for the AWS SDK to load.
# token builds its app (AWS clients, CA roots) on its first request; this diagnostic start
# loads only the CA bundle file, as on Lambda's images, to show the roots' share.
NO_DIR = "/nonexistent-bench-dir"
DIAGNOSTIC_STARTS = {
    "token, CA bundle file only": ("token", {"SSL_CERT_DIR": NO_DIR}),
}

# login once more, its signing keys in Secrets Manager (SECRETS_ARN) instead of the
# environment: the secret must be read by the first request, not during init.
SECRET_START = "login, keys in Secrets Manager"

# Handler overhead: criterion benches over an in-memory DynamoDB/SES (bench/handlers), built
# like the shipped functions (profile, target, flags). argon2's share is measured alone at
# the same (minimum) parameters and subtracted.
# (flow, its bench, argon2's bench to subtract, DynamoDB calls it makes: the budgets the
# integration tests assert)
HANDLER_BENCHES = [
    ("login", "handler/login", "argon2/verify", 2),
    ("register", "handler/register", "argon2/hash", 2),
    ("token (refresh_token grant)", "handler/token_refresh", None, 2),
    ("current member", "handler/current_member", None, 1),
]
SDK_CALL_BENCH = "sdk/get_item"
GOAL_HANDLER_US = 50.0

# Lambda prices assumed (us-east-1, on-demand, first pricing tier).
PRICE_GB_S = {"x86_64": 0.0000166667, "arm64": 0.0000133334}
PRICE_PER_MILLION_REQUESTS = 0.20
MEMORY_SIZES = [128, 256, 512, 768, 1024, 1536, 1769, 2048]
FULL_VCPU_MB = 1769
ASSUMED_DYNAMODB_MS = 10.0  # two in-region DynamoDB calls per login, ~5 ms each

MB = 1_000_000


# ---------------------------------------------------------------- small helpers

def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def med(values: list[float]) -> float:
    return statistics.median(values)


def sh(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    dirty = bool(sh("git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"))
    return {
        "nproc": int(sh("nproc") or os.cpu_count() or 1),
        "cpu": cpu,
        "kernel": sh("uname", "-r"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "rustc": sh("rustc", "-V"),
        "commit": sh("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD")
        + (" (with uncommitted changes)" if dirty else ""),
        "loadavg_start": os.getloadavg(),
    }


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        words = shlex.split(value)
        env[key] = words[0] if words else ""
    return env


def vm_status(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS of a process, in bytes."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                name, value = line.split(":", 1)
                out[name] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


def proc_cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process, all its threads."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick
    except (OSError, IndexError):
        return 0.0, 0.0


def proc_cpu_s(pid: int) -> float:
    return sum(proc_cpu_split(pid))


def machine_cpu_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    tick = os.sysconf("SC_CLK_TCK")
    return busy / tick, (busy + idle + iowait) / tick


def listening_pid(port: int) -> int | None:
    """The process listening on 127.0.0.1:<port> (TCP), from /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(parts[9])
        except OSError:
            pass
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(pid)
        except OSError:
            continue
    return None


def elf_stripped(path: Path) -> bool:
    """True when the ELF file has no .symtab section."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return False
    shoff = int.from_bytes(data[0x28:0x30], "little")
    shentsize = int.from_bytes(data[0x3A:0x3C], "little")
    shnum = int.from_bytes(data[0x3C:0x3E], "little")
    shstrndx = int.from_bytes(data[0x3E:0x40], "little")
    sections = [data[shoff + i * shentsize : shoff + (i + 1) * shentsize] for i in range(shnum)]
    strtab = sections[shstrndx]
    str_off = int.from_bytes(strtab[0x18:0x20], "little")
    names = set()
    for sec in sections:
        start = str_off + int.from_bytes(sec[0:4], "little")
        names.add(data[start : data.index(b"\0", start)].decode(errors="replace"))
    return ".symtab" not in names


def packaged_binary(function: str) -> Path:
    """The `bootstrap` Lambda runs: target/lambda/<function>/bootstrap, or, where
    `make package` left only the zip, the copy extracted from it into bench/target."""
    packaged = ROOT / "target" / "lambda" / function
    archive = packaged / "bootstrap.zip"
    raw = packaged / "bootstrap"
    # A raw bootstrap left by an earlier non-zip build must not shadow a newer zip.
    if raw.exists() and (not archive.exists() or raw.stat().st_mtime >= archive.stat().st_mtime):
        return raw
    out = BENCH / "target" / "lambda" / function / "bootstrap"
    if archive.exists() and (not out.exists() or out.stat().st_mtime < archive.stat().st_mtime):
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(archive) as z, open(out, "wb") as dst:
            dst.write(z.read("bootstrap"))
        out.chmod(0o755)
    return out


# ---------------------------------------------------------------- the local stack

class Dynamo:
    """Just enough DynamoDB (JSON protocol) to make and drop the bench's own table."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint.rstrip("/") + "/"

    def call(self, target: str, payload: dict, service: str = "dynamodb") -> dict:
        prefix, version = {"dynamodb": ("DynamoDB_20120810", "1.0"),
                           "secretsmanager": ("secretsmanager", "1.1")}[service]
        req = urllib.request.Request(
            self.endpoint,
            data=json.dumps(payload).encode(),
            headers={
                "Content-Type": f"application/x-amz-json-{version}",
                "X-Amz-Target": f"{prefix}.{target}",
                "Authorization": f"AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/{service}/"
                "aws4_request, SignedHeaders=host, Signature=0",
            },
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)

    def create_table(self, name: str) -> None:
        self.call(
            "CreateTable",
            {
                "TableName": name,
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
            },
        )

    def delete_table(self, name: str) -> None:
        self.call("DeleteTable", {"TableName": name})


# ---------------------------------------------------------------- events

class Events:
    """API Gateway v2 events from tests/fixtures, each from its own source address (the
    brute-force counters key on it) and, where they name the fixture member, naming the
    bench's members instead."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.counter = 0
        self.fixtures = {f: json.loads((FIXTURES / f"{f}.json").read_text()) for f in FUNCTIONS}
        self.login_email = f"bench-login-{run_id}@example.com"
        self.admin_email = f"bench-admin-{run_id}@example.com"

    def _next_ip(self) -> str:
        self.counter += 1
        n = self.counter
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def build(self, function: str, body: dict | None = None) -> bytes:
        event = json.loads(json.dumps(self.fixtures[function]))
        ctx = event["requestContext"]
        ctx["http"]["sourceIp"] = self._next_ip()
        ctx["requestId"] = f"bench-{self.run_id}-{self.counter}"
        ctx["timeEpoch"] = int(time.time() * 1000)
        if body is not None:
            event["body"] = json.dumps(body)
        elif event.get("body"):
            text = event["body"]
            if function == "register":
                unique = f"bench-reg-{self.run_id}-{self.counter}@example.com"
                text = text.replace("fixture@example.com", unique)
            elif function == "login":
                text = text.replace("fixture@example.com", self.login_email)
            else:
                text = text.replace("fixture@example.com", self.admin_email)
            event["body"] = text.replace("correct-horse-battery", PASSWORD)
        return json.dumps(event).encode()

    def login(self, email: str, password: str) -> bytes:
        return self.build("login", {"email": email, "password": password})

    def register(self, email: str) -> bytes:
        return self.build(
            "register",
            {"email": email, "password": PASSWORD,
             "options": {"contactInfo": {"firstName": "Bench"}, "privacyStatus": "PUBLIC"}},
        )


# ---------------------------------------------------------------- processes

class Runner:
    def __init__(self, binaries: dict[str, Path], base_env: dict[str, str]):
        self.binaries = binaries
        self.base_env = base_env
        (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
        self.logs = {}

    @staticmethod
    def runtime(function: str, hold_first_next_s: float = 0.0) -> RuntimeAPI:
        return RuntimeAPI(function, hold_first_next_s).start()

    def env(self, function: str, api: RuntimeAPI) -> dict[str, str]:
        binary = self.binaries[function]
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(binary.parent),
            "LAMBDA_RUNTIME_DIR": str(binary.parent),
            "_HANDLER": "bootstrap",
            "AWS_LAMBDA_FUNCTION_NAME": function,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
        }
        env.update(self.base_env)
        env["AWS_LAMBDA_RUNTIME_API"] = api.address
        return env

    def spawn(self, function: str, api: RuntimeAPI, strace_out: Path | None = None,
              extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        binary = self.binaries[function]
        cmd = [str(binary)]
        if strace_out is not None:
            cmd = ["strace", "-f", "-ttt", "-e", "trace=connect", "-o", str(strace_out), *cmd]
        if function not in self.logs:
            self.logs[function] = open(RESULTS / "logs" / f"{function}.log", "ab")
        return subprocess.Popen(
            cmd, env={**self.env(function, api), **(extra_env or {})}, cwd=binary.parent, stdin=subprocess.DEVNULL,
            stdout=self.logs[function], stderr=subprocess.STDOUT, start_new_session=True,
        )

    @staticmethod
    def stop(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()

    def wait_done(self, session: Session, function: str, procs: list | None = None,
                  timeout: float = 60) -> Invocation:
        """The next finished invocation; fails fast when the function reports an init
        error or every process has exited."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return session.done.get(timeout=0.2)
            except queue.Empty:
                pass
            dead = procs is not None and all(p.poll() is not None for p in procs)
            if session.init_error is not None or dead or time.monotonic() > deadline:
                break
        tail = (RESULTS / "logs" / f"{function}.log").read_text(errors="replace")[-2000:]
        init = session.init_error.decode(errors="replace") if session.init_error else "none"
        raise SystemExit(f"{function}: no response (init error: {init}; exited: {dead})\n{tail}")

    def cold_start(self, function: str, event: bytes,
                   extra_env: dict[str, str] | None = None) -> dict:
        api = self.runtime(function)
        session = api.session
        pid = {}
        spawned = threading.Event()

        def on_done(inv: Invocation) -> None:
            # A fast function can answer before Popen has returned its pid.
            spawned.wait(10)
            inv.extra.update(vm_status(pid["pid"]))

        session.on_done = on_done
        session.submit(event)
        t0 = time.perf_counter_ns()
        proc = self.spawn(function, api, extra_env=extra_env)
        pid["pid"] = proc.pid
        spawned.set()
        try:
            inv = self.wait_done(session, function, [proc])
        finally:
            self.stop(proc)
            api.stop()
        return {
            "ready_ms": (session.first_next_ns - t0) / 1e6,
            "first_response_ms": (inv.done_ns - t0) / 1e6,
            "status": inv.status_code(),
            "hwm": inv.extra.get("VmHWM", 0),
        }

    def strace_run(self, function: str, event: bytes, port_names: dict[int, str],
                   extra_env: dict[str, str] | None = None, label: str | None = None) -> dict:
        """One start under strace; the first GET /next is held 300 ms, so a background
        connect during init would show before the first event is handed out."""
        out = RESULTS / "strace" / f"{label or function}.txt".replace(" ", "-").replace(",", "")
        out.parent.mkdir(parents=True, exist_ok=True)
        api = self.runtime(function, hold_first_next_s=0.3)
        session = api.session
        port_names = {**port_names, api.port: "runtime API"}
        inv = session.submit(event)
        proc = self.spawn(function, api, strace_out=out, extra_env=extra_env)
        try:
            status = self.wait_done(session, function, [proc]).status_code()
            time.sleep(0.05)
        finally:
            # Kill the traced binary (not strace) so strace flushes its output and exits.
            children = []
            for task in Path(f"/proc/{proc.pid}/task").glob("*/children"):
                children += [int(c) for c in task.read_text().split()]
            for child in children:
                try:
                    os.kill(child, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.stop(proc)
            api.stop()
        before, during = [], []
        for ts, target in parse_connects(out.read_text()):
            name = target
            port = re.search(r":(\d+)$", target)
            if port and int(port.group(1)) in port_names:
                name = f"{target} ({port_names[int(port.group(1))]})"
            (before if ts < inv.dispatched_wall else during).append(name)
        return {"init": list(dict.fromkeys(before)), "invocation": during,
                "expected": [f"127.0.0.1:{api.port} (runtime API)"], "status": status}


CONNECT = re.compile(r"^\d+\s+(\d+\.\d+)\s+connect\(\d+,\s*\{(.*?)\}")


def parse_connects(text: str) -> list[tuple[float, str]]:
    found = []
    for line in text.splitlines():
        m = CONNECT.match(line)
        if not m:
            continue
        ts, addr = float(m.group(1)), m.group(2)
        if m4 := re.search(r'sin_port=htons\((\d+)\).*sin_addr=inet_addr\("([^"]+)"\)', addr):
            target = f"{m4.group(2)}:{m4.group(1)}"
        elif m6 := re.search(r'sin6_port=htons\((\d+)\).*inet_pton\(AF_INET6, "([^"]+)"', addr):
            target = f"[{m6.group(2)}]:{m6.group(1)}"
        elif mu := re.search(r'sun_path=("[^"]*")', addr):
            target = f"unix:{mu.group(1)}"
        else:
            target = addr
        found.append((ts, target))
    return found


# ---------------------------------------------------------------- experiments

def argon2_bench(binary: Path, threads: int, runs: int) -> dict:
    out = subprocess.run([str(binary), "--runs", str(runs), "--threads", str(threads)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def handler_overhead(profile: str, target: str, rustflags: str) -> dict:
    """Runs the criterion benches and reads each one's median (ns per iteration)."""
    cmd = ["cargo", "bench", "--locked", "--profile", profile, "--target", target,
           "-p", "handler-bench", "--bench", "handlers", "--", "--noplot"]
    log(" ".join(cmd))
    env = {**os.environ, "RUSTFLAGS": rustflags}
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=sys.stderr)
    out = {"command": " ".join(cmd), "profile": profile, "rustflags": rustflags, "benches": {}}
    for _, bench, argon2, _ in HANDLER_BENCHES:
        for name in filter(None, (bench, argon2, SDK_CALL_BENCH)):
            est = json.loads((ROOT / "target" / "criterion" / name / "new" / "estimates.json").read_text())
            out["benches"][name] = {
                "median_us": est["median"]["point_estimate"] / 1000,
                "median_ci_us": [est["median"]["confidence_interval"]["lower_bound"] / 1000,
                                 est["median"]["confidence_interval"]["upper_bound"] / 1000],
                "mean_us": est["mean"]["point_estimate"] / 1000,
            }
    sdk_call = out["benches"][SDK_CALL_BENCH]["median_us"]
    for label, bench, argon2, calls in HANDLER_BENCHES:
        total = out["benches"][bench]["median_us"]
        share = out["benches"][argon2]["median_us"] if argon2 else 0.0
        out.setdefault("overhead_us", {})[label] = total - share
        out.setdefault("own_us", {})[label] = total - share - calls * sdk_call
    return out


def register_members(runner: Runner, events: Events) -> None:
    api = runner.runtime("register")
    session = api.session
    for email in (events.login_email, events.admin_email):
        session.submit(events.register(email), tag=email)
    proc = runner.spawn("register", api)
    try:
        for _ in range(2):
            inv = runner.wait_done(session, "register", [proc])
            body = inv.response_body()
            if inv.status_code() != 200 or '"ACTIVE"' not in body:
                raise SystemExit(f"registering {inv.tag} failed: {inv.body[:500]!r}")
    finally:
        runner.stop(proc)
        api.stop()


def login_throughput(runner: Runner, events: Events, concurrency: int, seconds: float,
                     expected_rate: float, moto_pid: int | None) -> dict:
    api = runner.runtime("login")
    session = api.session
    procs = [runner.spawn("login", api) for _ in range(concurrency)]
    try:
        for _ in range(2 * concurrency):  # cold starts, first connections to moto
            session.submit(events.login(events.login_email, PASSWORD))
        for _ in range(2 * concurrency):
            runner.wait_done(session, "login", procs)
        fill = int(expected_rate * seconds * 1.5) + 4 * concurrency
        batch = [events.login(events.login_email, PASSWORD) for _ in range(fill)]
        procs_cpu0 = [proc_cpu_split(p.pid) for p in procs]
        moto0 = proc_cpu_s(moto_pid) if moto_pid else 0.0
        self0 = sum(os.times()[:2])
        busy0, total0 = machine_cpu_s()
        start = time.perf_counter_ns()
        for event in batch:
            session.submit(event)
        time.sleep(seconds)
        measured = fill - session.drain()
        done = [runner.wait_done(session, "login", procs) for _ in range(measured)]
        end = max(inv.done_ns for inv in done)
        busy1, total1 = machine_cpu_s()
        self1 = sum(os.times()[:2])
        moto1 = proc_cpu_s(moto_pid) if moto_pid else 0.0
        procs_cpu1 = [proc_cpu_split(p.pid) for p in procs]
    finally:
        for proc in procs:
            runner.stop(proc)
        api.stop()
    wall = (end - start) / 1e9
    durations = [inv.duration_ms for inv in done]
    statuses = [inv.status_code() for inv in done]
    n = len(done)
    login_user = sum(b[0] - a[0] for a, b in zip(procs_cpu0, procs_cpu1))
    login_sys = sum(b[1] - a[1] for a, b in zip(procs_cpu0, procs_cpu1))
    return {
        "concurrency": concurrency,
        "logins": n,
        "seconds": wall,
        "per_second": n / wall,
        "p50_ms": med(durations),
        "p99_ms": pct(durations, 0.99),
        "non_200": sum(1 for s in statuses if s != 200),
        "cpu_ms_per_login": {
            "login processes": (login_user + login_sys) / n * 1000,
            "login user": login_user / n * 1000,
            "login system": login_sys / n * 1000,
            "moto": (moto1 - moto0) / n * 1000,
            "runtime API + driver": (self1 - self0) / n * 1000,
            "machine busy (all)": (busy1 - busy0) / n * 1000,
        },
        # /proc/stat and per-process ticks are sampled apart: clamp the remainder at 0.
        "other_cpu_s": max(0.0, (busy1 - busy0) - (login_user + login_sys) - (moto1 - moto0)
                           - (self1 - self0)),
        "machine_busy_fraction": (busy1 - busy0) / (total1 - total0),
    }


def enumeration(runner: Runner, events: Events, pairs: int, seed: int) -> dict:
    rng = random.Random(seed)
    counter = iter(range(10**9))

    def known() -> bytes:
        return events.login(events.login_email, f"wrong-{rng.getrandbits(48):x}")

    def unknown() -> bytes:
        return events.login(f"nobody-{events.run_id}-{next(counter)}@example.com", PASSWORD + "x")

    api = runner.runtime("login")
    session = api.session
    proc = runner.spawn("login", api)
    try:
        for _ in range(5):  # cold start, moto connection, the dummy hash
            session.submit(known(), tag="warm")
            session.submit(unknown(), tag="warm")
        for _ in range(10):
            runner.wait_done(session, "login", [proc])
        order = []
        for _ in range(pairs):
            pair = ["known", "unknown"]
            rng.shuffle(pair)
            order += pair
        for kind in order:
            session.submit(known() if kind == "known" else unknown(), tag=kind)
        done = [runner.wait_done(session, "login", [proc]) for _ in order]
    finally:
        runner.stop(proc)
        api.stop()
    by = {"known": [], "unknown": []}
    answers = {"known": collections.Counter(), "unknown": collections.Counter()}
    pair_diffs, pair, excluded, raw = [], {}, 0, []
    # `done` is in completion order: one instance, so in `order`, pair by pair.
    for i, inv in enumerate(done):
        body = json.loads(inv.response_body() or "{}")
        code = body.get("details", {}).get("applicationError", {}).get("code")
        answers[inv.tag][f"{inv.status_code()} {code}"] += 1
        raw.append((inv.tag, round(inv.duration_ms, 3), inv.status_code()))
        if i % 2 == 0:
            pair = {}
        # Only the wrong-credentials answer is the path under test; a 503 is the stand-in
        # DynamoDB timing out, not the login's timing.
        if inv.status_code() == 401:
            by[inv.tag].append(inv.duration_ms)
            pair[inv.tag] = inv.duration_ms
        else:
            excluded += 1
        if i % 2 == 1 and len(pair) == 2:
            pair_diffs.append(pair["known"] - pair["unknown"])
    k, u = med(by["known"]), med(by["unknown"])
    return {
        "pairs": pairs,
        "known_p50_ms": k, "known_p90_ms": pct(by["known"], 0.9),
        "unknown_p50_ms": u, "unknown_p90_ms": pct(by["unknown"], 0.9),
        "ratio": k / u,
        "pair_diff_p50_ms": med(pair_diffs),
        "answers": {kind: dict(a) for kind, a in answers.items()},
        "excluded": excluded,
        "raw": raw,
    }


# ---------------------------------------------------------------- report

def fmt_ms(v: float) -> str:
    return f"{v:.1f}"


def fmt_mb(v: float) -> str:
    return f"{v / MB:.2f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def sizing_rows(verify_ms: float) -> list[dict]:
    rows = []
    for mem in MEMORY_SIZES:
        share = min(1.0, mem / FULL_VCPU_MB)
        verify = verify_ms / share
        duration = verify + ASSUMED_DYNAMODB_MS
        billed_s = math.ceil(duration) / 1000  # 1 ms billing granularity
        cost = {arch: (PRICE_PER_MILLION_REQUESTS + mem / 1024 * billed_s * price * 1e6)
                for arch, price in PRICE_GB_S.items()}
        rows.append({"mem": mem, "share": share, "verify": verify, "duration": duration,
                     "cost": cost})
    return rows


def report(r: dict, command: str) -> str:
    m = r["machine"]
    cold = r["cold"]
    hello_ready = med(cold[HELLO]["ready_ms"])
    lines = []
    add = lines.append
    add("# Benchmarks\n")
    add(f"Produced by `{command}` (bench/bench.py, which rewrites this file). Every figure "
        "below comes from that one run, except those marked one-off (the *Tuning* table, from `make bench-tuning`, and a binary-size breakdown)."
        + (" `-o package` took the binaries `make package` had built as they were."
           if "-o package" in command else "") + "\n")
    add(f"- machine: {m['nproc']} cores (`nproc`), {m['cpu']}, kernel {m['kernel']}, "
        f"shared with other work (load average {m['loadavg_start'][0]:.2f} at start, "
        f"{m['loadavg_end'][0]:.2f} at end)")
    add(f"- date: {m['date']}; commit {m['commit']}; {m['rustc']}; "
        f"binaries from `make package` ({r['arch']}, zips written {r['built']})")
    add(f"- local stack: moto `{r['moto']}` on :5000, aws-ses-v2-local on :8005")
    add(f"- run took {r['elapsed_s']:.0f} s\n")

    # -------- summary
    worst_ratio_fn = max(FUNCTIONS, key=lambda f: med(cold[f]["ready_ms"]))
    worst_ratio = med(cold[worst_ratio_fn]["ready_ms"]) / hello_ready
    biggest = max(FUNCTIONS, key=lambda f: r["sizes"][f]["binary"])
    hungriest = max(FUNCTIONS, key=lambda f: max(cold[f]["hwm"]))
    best_tp = max(r["throughput"], key=lambda t: t["per_second"])
    tp_frac = best_tp["per_second"] / r["ceiling"]
    en = r["enumeration"]
    started = [f for f in [HELLO, *FUNCTIONS, SECRET_START] if f in r["network"]]
    quiet = [f for f in started if r["network"][f]["init"] != r["network"][f]["expected"]]
    add("## Summary\n")
    add("| measure | result | goal | |")
    add("|---|---|---|---|")
    add(f"| cold start, ready (spawn → first `GET /next`), median, worst function | "
        f"{fmt_ms(med(cold[worst_ratio_fn]['ready_ms']))} ms ({worst_ratio_fn}) = "
        f"{worst_ratio:.2f}× hello-world ({fmt_ms(hello_ready)} ms) | ≤ {GOAL_READY_RATIO}× | "
        f"{verdict(worst_ratio <= GOAL_READY_RATIO)} |")
    add(f"| network calls during init | "
        f"{'none but the Runtime API, every function' if not quiet else 'other connects in: ' + ', '.join(quiet)} "
        f"| none | {verdict(not quiet)} |")
    add(f"| stripped binary, largest | {fmt_mb(r['sizes'][biggest]['binary'])} MB ({biggest}) | "
        f"≤ {GOAL_BINARY_MB:g} MB | {verdict(r['sizes'][biggest]['binary'] <= GOAL_BINARY_MB * MB)} |")
    add(f"| peak RSS (VmHWM after the first response), largest | "
        f"{fmt_mb(max(cold[hungriest]['hwm']))} MB ({hungriest}) | ≤ {GOAL_RSS_MB:g} MB | "
        f"{verdict(max(cold[hungriest]['hwm']) <= GOAL_RSS_MB * MB)} |")
    add(f"| argon2id verify, {ARGON2_DEFAULTS}, in-process, median | "
        f"{fmt_ms(r['argon2']['median_ms'])} ms | (ceiling {r['ceiling']:.1f} logins/s = "
        f"{m['nproc']} cores ÷ verify) | |")
    add(f"| login throughput, best of {', '.join(str(t['concurrency']) for t in r['throughput'])} "
        f"instances | {best_tp['per_second']:.1f} logins/s = {tp_frac * 100:.0f} % of ceiling "
        f"(p50 {fmt_ms(best_tp['p50_ms'])} ms, p99 {fmt_ms(best_tp['p99_ms'])} ms) | ≥ "
        f"{GOAL_THROUGHPUT * 100:.0f} % | {verdict(tp_frac >= GOAL_THROUGHPUT)} |")
    h = r.get("handlers")
    if h:
        worst_handler = max(h["overhead_us"], key=h["overhead_us"].get)
        worst_us = h["overhead_us"][worst_handler]
        add(f"| handler overhead beyond argon2 and I/O (criterion median, in-memory store), "
            f"worst of {len(h['overhead_us'])} | {worst_us:.1f} µs ({worst_handler}) | ≤ "
            f"{GOAL_HANDLER_US:g} µs | {verdict(worst_us <= GOAL_HANDLER_US)} |")
    add(f"| enumeration: known email + wrong password ÷ unknown email, medians | "
        f"{fmt_ms(en['known_p50_ms'])} / {fmt_ms(en['unknown_p50_ms'])} ms = {en['ratio']:.3f} | "
        f"within {GOAL_ENUMERATION * 100:.0f} % | "
        f"{verdict(abs(en['ratio'] - 1) <= GOAL_ENUMERATION)} |")
    add("")

    # -------- handler overhead
    if h:
        add("## Handler overhead\n")
        add("criterion (`bench/handlers/benches/handlers.rs`), run by this command as "
            f"`{h['command']}`{' with RUSTFLAGS=' + repr(h['rustflags']) if h['rustflags'] else ''}: "
            "each iteration hands one API Gateway event (JSON text, a new source address each "
            "time) to the function's handler and takes its response, through the real "
            "handlers, flows, store and AWS SDK (requests built, signed, serialised, parsed), "
            "with DynamoDB and SES answered in process by `bench/handlers/src/memory_aws.rs` "
            "instead of over a socket. argon2 runs at its minimum cost (m=8 KiB, t=1, p=1) and "
            "is measured alone at that cost (verify for login, hash for register, each through "
            "`spawn_blocking` as the handlers call it); the overhead is the difference of the "
            "medians. Setup (not timed): a member registered, a redirect session, an "
            "authorize and a code exchange, all through the handlers.\n")
        sdk_call = h["benches"][SDK_CALL_BENCH]["median_us"]
        add(f"*SDK* is one DynamoDB `GetItem` of the member's email item through the same client "
            f"and stand-in (`{SDK_CALL_BENCH}`, median {sdk_call:.1f} µs): the AWS SDK's own "
            "work per call (request and endpoint building, SigV4 signing, JSON both ways, "
            "its interceptors) plus the stand-in's. *Beyond the SDK* subtracts that per call, "
            "leaving the project's code: routing, parsing, validation, tokens, responses.\n")
        add("| flow | median µs | 95 % CI of the median | argon2 alone µs | overhead µs | "
            "DynamoDB calls | beyond the SDK µs | goal ≤ "
            f"{GOAL_HANDLER_US:g} µs (overhead) |")
        add("|---|---:|---:|---:|---:|---:|---:|---|")
        for label, bench, argon2, calls in HANDLER_BENCHES:
            b = h["benches"][bench]
            a2 = h["benches"][argon2]["median_us"] if argon2 else None
            over = h["overhead_us"][label]
            add(f"| {label} | {b['median_us']:.1f} | {b['median_ci_us'][0]:.1f}–"
                f"{b['median_ci_us'][1]:.1f} | {f'{a2:.1f}' if a2 is not None else '–'} | "
                f"{over:.1f} | {calls} | {h['own_us'][label]:.1f} | "
                f"{verdict(over <= GOAL_HANDLER_US)} |")
        add("")

    # -------- per function
    add("## Per function\n")
    add(f"Cold start: {r['runs']} starts of each binary, rounds interleaved in shuffled order. "
        "*ready* = process spawn → its first `GET /2018-06-01/runtime/invocation/next`; "
        "*first response* = spawn → `POST .../response` for its fixture event "
        "(`tests/fixtures/<function>.json`, against moto/SES; login and register run argon2 on a "
        "real member, so theirs include a hash). Ratio = median ready ÷ hello-world's. Size: "
        "the `bootstrap` inside `target/lambda/<function>/bootstrap.zip` (what Lambda runs; "
        "all stripped: no `.symtab`) and the zip. hello-world runs the `not-found` fixture. "
        "Peak RSS: VmHWM read from `/proc/<pid>/status` when the first response arrives, "
        f"largest of the {r['runs']} starts. MB = 10⁶ bytes.\n")
    add("| function | ready p50 ms | ready p90 ms | ready min ms | ratio | first response p50 ms | "
        "p90 ms | status | binary MB | zip MB | peak RSS MB |")
    add("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for f in [HELLO, *FUNCTIONS]:
        c = cold[f]
        s = r["sizes"][f]
        ratio = med(c["ready_ms"]) / hello_ready
        statuses = ",".join(str(x) for x in sorted(set(c["status"]), key=str))
        mark = lambda ok, text: text if ok else f"**{text}**"  # noqa: E731
        add(f"| {f} | {fmt_ms(med(c['ready_ms']))} | {fmt_ms(pct(c['ready_ms'], 0.9))} | "
            f"{fmt_ms(min(c['ready_ms']))} | {mark(ratio <= GOAL_READY_RATIO, f'{ratio:.2f}×')} | "
            f"{fmt_ms(med(c['first_response_ms']))} | {fmt_ms(pct(c['first_response_ms'], 0.9))} | "
            f"{statuses} | {mark(s['binary'] <= GOAL_BINARY_MB * MB, fmt_mb(s['binary']))}"
            f"{'' if s['stripped'] else ' (not stripped)'} | {fmt_mb(s['zip']) if s['zip'] else '–'} | "
            f"{mark(max(c['hwm']) <= GOAL_RSS_MB * MB, fmt_mb(max(c['hwm'])))} |")
    add("")

    # -------- where the first request's time goes
    add("### What init does, and what the first request does\n")
    add("Init reads only the settings (`LazyApp::from_env`) and sets up logging. The first "
        "request that gets past routing builds the app: the AWS SDK's configuration and "
        "clients, the CA roots (`shared/src/https.rs`, loaded once per process: here "
        "`/etc/ssl/certs/ca-certificates.crt` and every file of `/etc/ssl/certs`), and the "
        "Secrets Manager read when `SECRETS_ARN` is set. `token` answers its fixture with two "
        "DynamoDB calls, so its first response carries that build; the diagnostic start loads "
        "the CA bundle file only (`SSL_CERT_DIR` pointed at nothing), like the single "
        "`/etc/pki/tls/certs/ca-bundle.crt` of Lambda's images.\n")
    add("| start | ready p50 ms | ratio to hello-world | first response p50 ms | p90 ms |")
    add("|---|---:|---:|---:|---:|")
    for f in [HELLO, "not-found", "token", *DIAGNOSTIC_STARTS]:
        c = cold[f]
        add(f"| {f} | {fmt_ms(med(c['ready_ms']))} | {med(c['ready_ms']) / hello_ready:.2f}× | "
            f"{fmt_ms(med(c['first_response_ms']))} | {fmt_ms(pct(c['first_response_ms'], 0.9))} |")
    add("")

    # -------- network
    add("## No network call during init\n")
    add("Each binary is started once under `strace -f -ttt -e trace=connect`; the runtime API "
        "holds the first `GET /next` for 300 ms before handing out the event, and every "
        "`connect()` stamped before the event was handed out is listed as *init*. strace was "
        "chosen over pointing the AWS endpoints at a recording port because it sees every "
        "`connect()` of the process whatever the address (a DNS lookup over UDP, the instance "
        "metadata service at 169.254.169.254 for credentials or region, a Unix socket), while a "
        "recording port sees only calls aimed at the endpoints we configured. The *first "
        "invocation* column shows the same trace after the event: the functions reach DynamoDB "
        "(moto) and SES only when a request needs them.\n")
    add("Each start gets its own runtime API port; moto is 127.0.0.1:5000, SES 127.0.0.1:8005.\n")
    add(f"The last row, *{SECRET_START}*, is login started with `SECRETS_ARN` naming a secret in "
        "moto that holds the signing keys (and `SIGNING_KEYS` empty in its environment): "
        "the secret is read by the first request (moto in the *first invocation* column, "
        "status 200 proving the keys arrived), never during init.\n")
    add("| function | connects during init | connects in the first invocation | status |")
    add("|---|---|---|---|")
    for f in started:
        n = r["network"][f]
        add(f"| {f} | {', '.join(n['init']) or 'none'} | "
            f"{', '.join(dict.fromkeys(n['invocation'])) or 'none'} | {n.get('status', '')} |")
    add("")

    # -------- argon2 and throughput
    a = r["argon2"]
    add("## argon2 and login throughput\n")
    add(f"argon2id verify at the defaults ({ARGON2_DEFAULTS}), measured in-process by "
        f"`bench/argon2-verify` (argon2 0.6.0 as in Cargo.lock, the release profile of the "
        f"functions), {len(a['samples'])} verifies on one thread: median "
        f"{fmt_ms(a['median_ms'])} ms, p90 {fmt_ms(a['p90_ms'])} ms, min {fmt_ms(a['min_ms'])} ms "
        f"(wall time); the thread's CPU time per verify (`getrusage(RUSAGE_THREAD)`, which does not "
        f"count waiting for a core held by other work): median {fmt_ms(a['cpu_median_ms'])} ms. "
        f"With {m['nproc']} threads verifying at once the same binary reached "
        f"{a['parallel_per_s']:.1f} verifies/s. "
        f"**Ceiling = {m['nproc']} cores ÷ {fmt_ms(a['median_ms'])} ms = {r['ceiling']:.1f} logins/s** "
        f"(on CPU time it would be {m['nproc'] / a['cpu_median_ms'] * 1000:.1f}).\n")
    add("Login throughput drives the packaged `login` binary through the bench's runtime API "
        "with N concurrent runtime loops (N processes polling `GET /next`, each one invocation "
        "at a time, as N warm Lambda instances), every login a real success against moto "
        "(`BatchGetItem` + `UpdateItem`). `make dev --release` (cargo-lambda watch) was not used: "
        "it would build all 17 functions a second time in release into another target "
        "directory (tens of minutes on 2 cores) and put cargo-lambda's emulator and router in "
        "front of one instance per function. Latency is the function's duration (event handed "
        "out → response posted), after 2 warm-up logins per instance. CPU per login is read from "
        "`/proc` over the measured window.\n")
    add("CPU columns: CPU ms per login over the measured window, by process (from "
        "`/proc/<pid>/stat`); *other work* is the rest of the machine's busy time (`/proc/stat`): "
        "programs outside this benchmark.\n")
    add("| instances | logins | logins/s | % of ceiling | p50 ms | p99 ms | non-200 | CPU: login (user + sys) | moto | runtime API + driver | other work | machine busy |")
    add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in r["throughput"]:
        c = t["cpu_ms_per_login"]
        add(f"| {t['concurrency']} | {t['logins']} | {t['per_second']:.1f} | "
            f"{t['per_second'] / r['ceiling'] * 100:.0f} % | {fmt_ms(t['p50_ms'])} | "
            f"{fmt_ms(t['p99_ms'])} | {t['non_200']} | {c['login processes']:.1f} "
            f"({c['login user']:.1f} + {c['login system']:.1f}) | "
            f"{c['moto']:.1f} | {c['runtime API + driver']:.1f} | "
            f"{t['other_cpu_s'] / t['logins'] * 1000:.1f} | "
            f"{t['machine_busy_fraction'] * 100:.0f} % |")
    add("")
    c = best_tp["cpu_ms_per_login"]
    moto, own, driver = c["moto"], c["login processes"], c["runtime API + driver"]
    ours = own + moto + driver
    other_share = best_tp["other_cpu_s"] / (best_tp["seconds"] * m["nproc"])
    add(f"Reading (best setting): a login cost {ours:.1f} ms of CPU in this benchmark's processes: "
        f"{own:.1f} ms in the login process (argon2 ≈ {fmt_ms(a['cpu_median_ms'])} ms CPU of "
        f"it), {moto:.1f} ms in moto, {driver:.1f} ms in the runtime API and driver. The ceiling "
        f"counts argon2 alone; with everything a login needs on the same {m['nproc']} cores the "
        f"stack cannot exceed {m['nproc']} ÷ {ours:.1f} ms = {m['nproc'] / ours * 1000:.1f} "
        f"logins/s = {m['nproc'] / ours * 1000 / r['ceiling'] * 100:.0f} % of the ceiling, and "
        f"other work took {other_share * 100:.0f} % of the machine during the window. moto is "
        f"one Python process, in effect one core at a time (the GIL; scripts/moto_server.py "
        f"also serialises requests with a lock), so alone it caps the stack at about "
        f"{(1000 / moto) if moto > 0 else float('inf'):.0f} logins/s (1 ÷ its CPU per login).\n")

    # -------- enumeration
    add("## Enumeration timing\n")
    add(f"{en['pairs']} logins with a registered email and a wrong password and {en['pairs']} "
        "with unknown emails, interleaved in random order within each pair, one warm `login` "
        "instance, each from its own source address so that no lockout or per-source cap "
        "answers instead (those are keyed on the source). Duration = event handed out → response.\n")
    def answers(kind: str) -> str:
        return "; ".join(f"{n} × {a}" for a, n in sorted(en["answers"][kind].items()))

    add("| | p50 ms | p90 ms | answers (count × status code) |")
    add("|---|---:|---:|---|")
    add(f"| known email, wrong password | {fmt_ms(en['known_p50_ms'])} | {fmt_ms(en['known_p90_ms'])} | {answers('known')} |")
    add(f"| unknown email | {fmt_ms(en['unknown_p50_ms'])} | {fmt_ms(en['unknown_p90_ms'])} | {answers('unknown')} |")
    if en["excluded"]:
        slow = [f"{x[1] / 1000:.1f} s" for x in en["raw"] if x[2] != 401]
        add(f"\n{en['excluded']} answer(s) other than 401 were left out of the timings (taking "
            f"{', '.join(slow)}; a 503 is the function's answer when a DynamoDB call times out "
            "after 2 s on both attempts: moto stalled, see bench/results/logs/login.log).")
    quarter = max(1, en["pairs"] // 3)
    drift = {kind: (med([x[1] for x in en["raw"] if x[0] == kind and x[2] == 401][:quarter]),
                    med([x[1] for x in en["raw"] if x[0] == kind and x[2] == 401][-quarter:]))
             for kind in ("known", "unknown")}
    add(f"\nBoth kinds slow down together over the run (median of the first / last {quarter}: "
        f"known {fmt_ms(drift['known'][0])} / {fmt_ms(drift['known'][1])} ms, unknown "
        f"{fmt_ms(drift['unknown'][0])} / {fmt_ms(drift['unknown'][1])} ms): every failed login "
        "adds two counter items, and moto deep-copies the table on each TransactWriteItems (see "
        "scripts/moto_server.py). Interleaving keeps that drift out of the comparison.")
    add(f"\nRatio of medians: {en['ratio']:.3f} (difference "
        f"{en['known_p50_ms'] - en['unknown_p50_ms']:+.1f} ms; median of the paired differences, "
        f"known − unknown within each pair: {en['pair_diff_p50_ms']:+.1f} ms); goal within "
        f"{GOAL_ENUMERATION * 100:.0f} %: {verdict(abs(en['ratio'] - 1) <= GOAL_ENUMERATION)}.\n")

    # -------- sizing
    t1 = a["cpu_median_ms"]
    rows = sizing_rows(t1)
    add("## Sizing guidance\n")
    add(f"Lambda gives a function CPU in proportion to its memory, one full vCPU at "
        f"{FULL_VCPU_MB} MB; argon2 with p=1 uses one thread, so it stops getting faster there. "
        f"Verify time below = {fmt_ms(t1)} ms (this run's median CPU time per verify on one core "
        f"of this machine, taken as one Lambda vCPU) × {FULL_VCPU_MB} ÷ memory. A login's duration adds "
        f"{ASSUMED_DYNAMODB_MS:g} ms for its two DynamoDB calls (an assumption for calls "
        f"in-region, not measured here). Cost per million logins = requests "
        f"(${PRICE_PER_MILLION_REQUESTS:.2f}/M) + duration (1 ms granularity) × memory × "
        f"${PRICE_GB_S['x86_64']:.10f} per GB-s (x86_64) or ${PRICE_GB_S['arm64']:.10f} (arm64), "
        "us-east-1 on-demand prices assumed; it **excludes DynamoDB, API Gateway, data transfer "
        "and CloudWatch Logs**. arm64 assumes the same per-vCPU argon2 speed as this "
        f"{r['arch']} core; Graviton's may differ, measure it there before relying on it.\n")
    add("| memory MB | vCPU share | argon2 verify ms | login duration ms | $ / 1M logins x86_64 | $ / 1M logins arm64 |")
    add("|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        add(f"| {row['mem']} | {row['share']:.3f} | {fmt_ms(row['verify'])} | "
            f"{fmt_ms(row['duration'])} | {row['cost']['x86_64']:.2f} | {row['cost']['arm64']:.2f} |")
    add("")
    rec = next(row for row in rows if row["mem"] == 1024)
    cheapest = min(rows, key=lambda row: row["cost"]["arm64"])
    rest_ready = max(med(cold[f]["ready_ms"]) for f in FUNCTIONS if f not in ARGON2_FUNCTIONS)
    rest_rss = max(max(cold[f]["hwm"]) for f in FUNCTIONS if f not in ARGON2_FUNCTIONS)
    argon_rss = max(max(cold[f]["hwm"]) for f in ARGON2_FUNCTIONS)
    proj = {mm: rest_ready * FULL_VCPU_MB / mm for mm in (128, 256, 512)}
    add("- **login, register, reset-password: 1024 MB.** Below one vCPU the argon2 CPU-seconds "
        "cost the same at any memory (half the memory, twice the time), so memory buys latency "
        f"almost for free: at 1024 MB a verify takes ≈ {fmt_ms(rec['verify'])} ms and a login "
        f"≈ {fmt_ms(rec['duration'])} ms for ${rec['cost']['x86_64']:.2f} (x86_64) / "
        f"${rec['cost']['arm64']:.2f} (arm64) per million logins, against "
        f"${cheapest['cost']['arm64']:.2f} (arm64) at the cheapest size ({cheapest['mem']} MB, "
        f"{fmt_ms(cheapest['duration'])} ms). 1769 MB gives the fastest login for a little more "
        f"(the DynamoDB wait is billed at more memory). Peak RSS of these functions was "
        f"{fmt_mb(argon_rss)} MB, inside even 128 MB. Register and reset-password hash once per "
        "request at the same cost as a verify, so the same setting fits them.")
    add(f"- **every other function: 256 MB.** They do no hashing (JSON, HS256 tokens, one or two "
        f"DynamoDB calls, SES) and peak at {fmt_mb(rest_rss)} MB RSS, so memory only buys CPU "
        f"for init and request handling. Their slowest median init here was "
        f"{fmt_ms(rest_ready)} ms on a full core; if init is CPU-bound it stretches by "
        f"{FULL_VCPU_MB}/memory: ≈ {fmt_ms(proj[128])} ms at 128 MB, {fmt_ms(proj[256])} ms at "
        f"256 MB, {fmt_ms(proj[512])} ms at 512 MB (an upper bound; part of init is waiting on "
        "the page cache, not CPU). 256 MB keeps a cold start near 0.1 s at twice the 128 MB "
        "price per ms; their warm requests take a few ms of CPU.")
    add(f"- Lower `ARGON2_MEMORY_KIB`/`ARGON2_ITERATIONS` cut cost and latency proportionally, "
        "but only down to OWASP's minimums for argon2id (m=19456 KiB, t=2, p=1 is one of "
        "them); the defaults are already there.\n")

    # -------- findings
    nf = med(cold["not-found"]["ready_ms"])
    token_first = med(cold["token"]["first_response_ms"])
    token_bundle = med(cold["token, CA bundle file only"]["first_response_ms"])
    smallest = min(FUNCTIONS, key=lambda f: r["sizes"][f]["binary"])
    add("## Findings\n")
    add(f"- **Cold start.** The worst function was ready in "
        f"{fmt_ms(med(cold[worst_ratio_fn]['ready_ms']))} ms ({worst_ratio_fn}), not-found in "
        f"{fmt_ms(nf)} ms, against hello-world's {fmt_ms(hello_ready)} ms: init now reads the "
        "settings and nothing else. Until 2026-11-23 it also built the AWS clients, whose "
        "default HTTPS client loads the CA roots as it is built; that made every function "
        "3.2–3.7× hello-world (8.7–10.2 ms, same machine). The build now happens on the first "
        "request that needs it (`LazyApp`), which also keeps the `SECRETS_ARN` read off init "
        f"(network table). Its cost shows in token's first response, {fmt_ms(token_first)} ms "
        f"with the Debian certificate directory and {fmt_ms(token_bundle)} ms with the bundle "
        "file alone (Lambda's case), two DynamoDB calls to moto included.")
    add(f"- **Binary size.** Largest {fmt_mb(r['sizes'][biggest]['binary'])} MB ({biggest}), "
        f"smallest {fmt_mb(r['sizes'][smallest]['binary'])} MB ({smallest}). Two changes "
        "since the 11.4–13.1 MB of the first run: the SDK's HTTP client is our own HTTP/1.1 "
        "one (no h2, −1.5 MB on login), and the `deploy` profile chosen in *Tuning* above. A "
        "one-off breakdown of the earlier 13.1 MB login (`bench/size_breakdown.py`, unstripped "
        "relink): aws-lc's C code 2.6 MB, AWS SDK + smithy + aws-config 2.1 MB, std/core "
        "generics 1.5 MB, h2 0.87 MB (now gone), hyper/http/tower 0.7 MB, rustls 0.5 MB, "
        "tracing + regex 0.4 MB, the project's own code 0.2 MB. aws-lc stays: it gives rustls "
        "the post-quantum hybrid key exchange (X25519MLKEM768) AWS endpoints accept, which "
        "ring does not.")
    add(f"- **Login throughput** {best_tp['per_second']:.1f} logins/s = {tp_frac * 100:.0f} % of "
        "the ceiling. What stands between them, from this run: (1) the cores do not scale: "
        f"argon2 alone, {m['nproc']} threads in one process, reached {a['parallel_per_s']:.1f} "
        f"verifies/s = {a['parallel_per_s'] / r['ceiling'] * 100:.0f} % of the ceiling (two 19 MiB "
        "working sets against the 32 MiB L3 this VM reports, or a host sharing the cores; not "
        "determined), so 85 % is out of reach of this machine before anything else; (2) moto, "
        f"the Python stand-in for DynamoDB, runs on the same cores and spends {c['moto']:.1f} ms "
        f"of CPU per login ({c['moto'] / ours * 100:.0f} % of the benchmark's CPU per login), "
        f"and with it a login costs {ours:.1f} ms of CPU, which bounds {m['nproc']} cores at "
        f"{m['nproc'] / ours * 1000:.1f} logins/s = "
        f"{m['nproc'] / ours * 1000 / r['ceiling'] * 100:.0f} %; (3) the function's own "
        f"{own - a['cpu_median_ms']:.1f} ms of CPU per login besides argon2: SDK calls, logging, "
        f"and a new TCP connection per DynamoDB call because moto answers `Connection: "
        f"{r['moto_connection']}` (DynamoDB keeps connections alive). Other work held "
        f"{other_share * 100:.0f} % of the machine during the window. Against real DynamoDB "
        "on Lambda, where every instance has its own vCPU share, (1) and (2) do not apply.")
    if h:
        sdk_call = h["benches"][SDK_CALL_BENCH]["median_us"]
        add(f"- **Handler overhead** {worst_us:.0f} µs at worst ({worst_handler}), against a "
            f"{GOAL_HANDLER_US:g} µs goal: missed, and not reachable through the AWS SDK. One "
            f"DynamoDB call through it costs {sdk_call:.0f} µs in process (operation set-up, "
            "endpoint rules, SigV4 signing, JSON both ways, interceptors, plus the stand-in's "
            "own JSON work), more than the whole budget, and these flows make one or two. What "
            "is left beyond that per-call figure is "
            + ", ".join(f"{label} {h['own_us'][label]:.0f} µs" for label, *_ in HANDLER_BENCHES)
            + " (the calls that read or write whole member items cost more than the `GetItem` "
            "of the small email item, so part of this is still the SDK's). A one-off `perf` "
            "profile of current member (release build, 2026-11-23) spread the time thinly: "
            "~25 % in malloc/free, ~20 % in the SDK's runtime, serialisation and signing, ~8 % "
            "in serde_json (the event, the stand-in, responses), ~2 % in this project's own "
            "functions. Candidates, not tried: a faster allocator, fewer SDK interceptors "
            "(stalled-stream protection is redundant with the operation timeouts), the "
            "stand-in answering from pre-serialised items.")
    enum_ok = abs(en["ratio"] - 1) <= GOAL_ENUMERATION
    add(f"- **Enumeration timing** ratio {en['ratio']:.3f} "
        f"({'within' if enum_ok else 'outside'} {GOAL_ENUMERATION * 100:.0f} %; paired difference "
        f"{en['pair_diff_p50_ms']:+.1f} ms). The two paths do the same work: one BatchGetItem "
        "(the member's email key is asked for either way), one argon2 verify against the "
        "member's hash or a dummy hash of the same parameters, one TransactWriteItems for the "
        "failure counters, and the same 401 answer.\n")

    # -------- tuning
    tuning_file = BENCH / "tuning.json"
    if tuning_file.exists():
        t = json.loads(tuning_file.read_text())
        tm = t["machine"]
        add("## Tuning\n")
        add(f"Release profiles side by side, from `{t['command']}` (bench/tuning.py; "
            f"{tm['date']}, commit {tm['commit']}, {t['target']}"
            f"{', RUSTFLAGS=' + repr(t['rustflags']) if t['rustflags'] else ''}): a one-off run "
            "kept in `bench/tuning.json`, not repeated by `make bench`. login and not-found are "
            f"built with each profile and started {t['runs']} times each, interleaved, against "
            "the same stack; login's first response includes an argon2 verify at the defaults, "
            "so a slower argon2 would show there. Profiles are in the workspace `Cargo.toml`."
            + (f" {t['note']}" if t.get("note") else "") + "\n")
        base_name = next(iter(t["profiles"]))
        base = t["profiles"][base_name]
        add(f"| profile | function | binary MB | vs {base_name} | ready p50 ms | ratio to "
            f"hello-world | first response p50 ms | vs {base_name} | peak RSS MB |")
        add("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for profile, functions in t["profiles"].items():
            for function, v in functions.items():
                b = base[function]
                add(f"| {profile} | {function} | {fmt_mb(v['binary'])} | "
                    f"{(v['binary'] / b['binary'] - 1) * 100:+.0f} % | {fmt_ms(v['ready_ms'])} | "
                    f"{v['ready_ms'] / t['hello_ready_ms']:.2f}× | "
                    f"{fmt_ms(v['first_response_ms'])} | "
                    f"{v['first_response_ms'] - b['first_response_ms']:+.1f} ms | "
                    f"{fmt_mb(v['peak_rss'])} |")
        add(f"\nhello-world in that run: ready {fmt_ms(t['hello_ready_ms'])} ms.\n")
        p = t["profiles"]

        def delta(profile: str) -> str:
            return f"{p[profile]['login']['first_response_ms'] - base['login']['first_response_ms']:+.1f} ms"

        if {"deploy", "deploy-thin", "deploy-fat", "release-fat"} <= set(p):
            add("- **Chosen: `deploy`** (opt-level \"s\", no LTO, argon2 and blake2 at opt-level 3): "
                f"login {fmt_mb(p['deploy']['login']['binary'])} MB, "
                f"{(p['deploy']['login']['binary'] / base['login']['binary'] - 1) * 100:+.0f} % "
                f"against {base_name}, first response {delta('deploy')} (argon2 as fast as in "
                f"{base_name}); ready times are within the noise of one another for every profile.")
            add("- **LTO undoes argon2's opt-level override.** With thin or fat LTO every crate is "
                "re-optimised at the binary's opt-level, so argon2 ran at \"s\": login's first "
                f"response {delta('deploy-thin')} (thin) and {delta('deploy-fat')} (fat), a slower "
                "login for every member, to save "
                f"{fmt_mb(p['deploy']['login']['binary'] - p['deploy-thin']['login']['binary'])} MB "
                f"(thin) or {fmt_mb(p['deploy']['login']['binary'] - p['deploy-fat']['login']['binary'])} MB "
                "(fat). Fat LTO at opt-level 3 (`release-fat`) saves only "
                f"{(1 - p['release-fat']['login']['binary'] / base['login']['binary']) * 100:.0f} %.")
        add("- Measured in the same session outside this table, one change at a time: the SDK's "
            "default HTTPS client replaced by `shared/src/https.rs` (HTTP/1.1 only, so no h2): "
            "login 13.11 → 11.57 MB at `release`; `EnvFilter` replaced by `Targets` for "
            "`RUST_LOG` (no regex engine): login 7.92 → 7.50 MB at `deploy`. `make package` "
            "(17 functions) took 3 min 53 s with `deploy`, every crate compiled afresh for the "
            "profile; the last package with `release` (thin LTO, one codegen unit) took 31 min "
            "45 s, not re-timed under equal conditions.")
        add("- **Allocator: glibc's kept.** mimalloc as the global allocator was measured by "
            "`make bench` at commit b2b205c: one SDK call 76 → 59 µs (criterion, same build otherwise) and the handler medians "
            "8–13 % lower, but every function's ready time +0.6–0.8 ms (1.17–1.33× hello-world, "
            "over the goal for three functions) and peak RSS +6–13 MB (register 29 → 42 MB). "
            "Cold starts weigh more than ~30 µs of a warm request, so it was taken out again.")
        add("- **Crypto/TLS backend: aws-lc-rs kept**, not measured against ring in a build: "
            "rustls with aws-lc-rs offers the post-quantum hybrid key exchange X25519MLKEM768, "
            "which AWS endpoints accept and ring cannot do; the budget is met with it.")
        add("- **Runtime: single-threaded tokio** (`flavor = \"current_thread\"` in every "
            "`main.rs`): a Lambda instance runs one event at a time, so worker threads only add "
            "start-up and wake-ups; argon2 still runs on the blocking pool.")
        add("")

    # -------- DynamoDB
    add("## DynamoDB calls per operation\n")
    add("Asserted by the integration tests (`make test`) against moto with a counting client; "
        "not re-measured here.\n")
    add("| operation | DynamoDB calls | test |")
    add("|---|---:|---|")
    add("| login | ≤ 2 (`BatchGetItem` of member, lockout and source counters; `UpdateItem` stamping the login) | `tests/api/login.rs`: `a_login_costs_at_most_two_dynamodb_calls` |")
    add("| register | ≤ 2 | `tests/api/register.rs`: `a_registration_costs_at_most_two_dynamodb_calls` |")
    add("| refresh (token, `grant_type=refresh_token`) | ≤ 2 | `tests/api/oauth.rs`: `token_and_member_reads_stay_within_their_dynamodb_budgets` |")
    add("| current member | ≤ 1 | `tests/api/oauth.rs`: `token_and_member_reads_stay_within_their_dynamodb_budgets` |")
    add("")
    add("A failed login adds one write (the lockout and per-source counters, one transaction) "
        "to its read, so a wrong password and an unknown email cost the same two calls.\n")
    return "\n".join(lines)


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description="members-auth benchmarks")
    parser.add_argument("--runs", type=int, default=20, help="cold starts per binary")
    parser.add_argument("--pairs", type=int, default=300, help="enumeration logins of each kind")
    parser.add_argument("--seconds", type=float, default=15, help="throughput window per setting")
    parser.add_argument("--concurrency", default="", help="instances, e.g. 2,4 (default: nproc, 2×nproc)")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--command", default=os.environ.get("BENCH_COMMAND", "make bench"),
                        help="the command line to name in the report")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--from-json", help="only rewrite the report from a results file "
                        "of an earlier run (bench/results/latest.json)")
    parser.add_argument("--bin-dir", help="take <dir>/<function> instead of the packaged "
                        "target/lambda/<function>/bootstrap (to try the bench on other builds)")
    parser.add_argument("--profile", default=os.environ.get("BENCH_PROFILE", "deploy"),
                        help="the cargo profile the handler benches are built with (make "
                        "package's)")
    parser.add_argument("--target", default=os.environ.get("BENCH_TARGET", f"{os.uname().machine}-unknown-linux-gnu"),
                        help="the target triple the handler benches are built for")
    args = parser.parse_args()
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
        text = report(results, results.get("command", args.command))
        Path(args.out).write_text(text)
        print(text)
        return
    started = time.time()
    rng = random.Random(args.seed)
    m = machine()
    results: dict = {"machine": m, "runs": args.runs}

    binaries = {HELLO: BENCH / "target" / "release" / "hello-lambda"}
    for f in FUNCTIONS:
        binaries[f] = (Path(args.bin_dir).resolve() / f if args.bin_dir
                       else packaged_binary(f))
    missing = [str(p) for p in binaries.values() if not p.exists()]
    if missing:
        raise SystemExit("missing binaries (make package): " + ", ".join(missing))
    arch = sh("file", "-b", str(binaries["login"]))
    results["arch"] = "arm64" if "aarch64" in arch else "x86_64" if "x86-64" in arch else arch
    host = {"x86_64": "x86_64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
    if results["arch"] != host:
        raise SystemExit(f"the packaged binaries are {results['arch']}; this machine runs {host}")

    # ---- handler overhead (first: its build must not overlap the timings below)
    log("handler overhead: criterion benches over the in-memory store")
    results["handlers"] = handler_overhead(args.profile, args.target,
                                           os.environ.get("RUSTFLAGS", ""))

    # ---- sizes
    results["sizes"] = {}
    for name, path in binaries.items():
        zip_path = ROOT / "target" / "lambda" / name / "bootstrap.zip"
        results["sizes"][name] = {
            "binary": path.stat().st_size,
            "zip": zip_path.stat().st_size if name != HELLO and zip_path.exists() else 0,
            "stripped": elf_stripped(path),
        }

    # ---- environment and stack
    dev_env = read_env_file(ROOT / ".tools" / "dev.env")
    endpoint = dev_env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    dynamo = Dynamo(endpoint)
    run_id = f"{int(time.time())}-{os.getpid()}"
    table = f"bench-{run_id}"
    dev_env["MEMBERS_TABLE"] = table
    moto_port = int(endpoint.rsplit(":", 1)[1].strip("/"))
    moto_pid = listening_pid(moto_port)
    try:
        with urllib.request.urlopen(endpoint, timeout=5) as resp:
            results["moto_connection"] = resp.headers.get("Connection") or "keep-alive"
    except Exception:  # noqa: BLE001 - informational only
        results["moto_connection"] = "unknown"
    results["moto"] = (Path(f"/proc/{moto_pid}/cmdline").read_bytes().replace(b"\0", b" ")
                       .decode().strip() if moto_pid else "not found")
    built = max(Path(ROOT / "target" / "lambda" / f / "bootstrap.zip").stat().st_mtime
                for f in FUNCTIONS if (ROOT / "target" / "lambda" / f / "bootstrap.zip").exists())
    results["built"] = datetime.datetime.fromtimestamp(built, datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC")
    runner = Runner(binaries, dev_env)
    events = Events(run_id)
    log(f"table {table}, moto pid {moto_pid}")
    dynamo.create_table(table)
    try:
        register_members(runner, events)

        # ---- network during init
        log("strace: connects during init")
        port_names = {moto_port: "moto (DynamoDB, Secrets Manager)", 8005: "SES"}
        results["network"] = {}
        for name in [HELLO, *FUNCTIONS]:
            event = events.build(name if name != HELLO else "not-found")
            res = runner.strace_run(name, event, port_names)
            results["network"][name] = res
        secret = f"bench-{run_id}"
        dynamo.call("CreateSecret", {"Name": secret, "SecretString": json.dumps({
            "signingKeys": dev_env["SIGNING_KEYS"], "adminKey": dev_env.get("ADMIN_KEY", "")})},
            service="secretsmanager")
        results["network"][SECRET_START] = runner.strace_run(
            "login", events.login(events.login_email, PASSWORD), port_names,
            extra_env={"SECRETS_ARN": secret, "SIGNING_KEYS": "", "ADMIN_KEY": ""},
            label=SECRET_START)

        # ---- cold starts, rounds interleaved
        # Besides every binary, two diagnostic starts of not-found: with only the CA bundle
        # file to load (as on Lambda's images), and with no CA roots to load at all.
        starts = {name: (name, None) for name in binaries}
        starts.update(DIAGNOSTIC_STARTS)
        log(f"cold starts: {args.runs} × {len(starts)}")
        cold = {name: {"ready_ms": [], "first_response_ms": [], "status": [], "hwm": []}
                for name in starts}
        order = list(starts)
        for i in range(args.runs):
            rng.shuffle(order)
            for name in order:
                function, extra_env = starts[name]
                event = events.build(function if function != HELLO else "not-found")
                res = runner.cold_start(function, event, extra_env)
                for key in ("ready_ms", "first_response_ms", "status", "hwm"):
                    cold[name][key].append(res[key])
        results["cold"] = cold

        # ---- argon2 in-process
        log("argon2 verify in-process")
        a = argon2_bench(BENCH / "target" / "release" / "argon2-verify", m["nproc"], 40)
        samples = a["verify_ms"]
        results["argon2"] = {
            "samples": samples, "median_ms": med(samples), "p90_ms": pct(samples, 0.9),
            "min_ms": min(samples), "parallel_per_s": a["parallel"]["per_second"],
            "cpu_samples": a["verify_cpu_ms"], "cpu_median_ms": med(a["verify_cpu_ms"]),
        }
        results["ceiling"] = m["nproc"] / (med(samples) / 1000)

        # ---- throughput
        levels = [int(x) for x in args.concurrency.split(",") if x] or [m["nproc"], 2 * m["nproc"]]
        results["throughput"] = []
        for level in levels:
            log(f"login throughput, {level} instances, {args.seconds:g} s")
            results["throughput"].append(login_throughput(
                runner, events, level, args.seconds, results["ceiling"], moto_pid))

        # ---- enumeration
        log(f"enumeration timing, {args.pairs} pairs")
        results["enumeration"] = enumeration(runner, events, args.pairs, args.seed)
    finally:
        try:
            dynamo.delete_table(table)
        except Exception as err:  # noqa: BLE001 - cleanup only
            log(f"could not delete table {table}: {err}")

    m["loadavg_end"] = os.getloadavg()
    results["elapsed_s"] = time.time() - started
    results["command"] = args.command
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1, default=str))
    text = report(results, args.command)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
