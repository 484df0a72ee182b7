"""Our login beside its peers: the same login written for Node.js 20 (AWS SDK v3,
@node-rs/argon2, an esbuild bundle; bench/peers/node) and Python 3.11 (boto3, argon2-cffi,
awslambdaric; bench/peers/python), each as that runtime's practice has it, all driven
through the bench's runtime API against the same table, member and request.

Measured for each (ours included, for the ratios):

- *ready*: spawn → first `GET /next`; *first response*: spawn → `POST .../response` of
  the first login (argon2 and the DynamoDB calls included), over `runs` cold starts,
  rounds interleaved in shuffled order; VmHWM after that first response.
- *warm login*: one instance of each kept warm; `warm` logins fed to them in turn
  (one at a time, shuffled each round), each timed by the runtime API from handing out
  the event to its response; *CPU per login*: the process's user+system time over those
  logins ÷ their number; *peak RSS*: VmHWM after them (the instance's peak over its life).
- *argon2*: one verify (argon2id, m=19456 KiB, t=2, p=1) with the same library and runtime
  in a process of its own beside the instance (bench/peers/node/argon2-verify.mjs,
  bench/peers/python/argon2_verify.py, bench/argon2-verify for ours), half the runs before
  the warm logins and half after: wall time and CPU time per verify.
- *beyond argon2* = median warm login − median argon2 verify (wall); *CPU beyond argon2* =
  CPU per login − median argon2 verify CPU: what the runtime, its SDK and its HTTP cost.
- *package*: the zip as it ships (ours: bootstrap.zip; Node: the bundle and the argon2
  binding; Python: the handler and argon2-cffi with its dependencies, boto3 being in
  Lambda's runtime; with boto3 packaged too as a second figure).
- *DynamoDB calls*: on a warm instance of each, behind a counting proxy in front of moto,
  a login, a wrong password and an unknown email: every request's operation and key
  prefix, and how many round trips they made (a request that starts before every earlier
  one has been answered shares their round trip; the proxy holds each answer 50 ms so that
  a client's jitter cannot split a round trip).
- *tokens*: each answer's session and device tokens checked against SIGNING_KEYS (HS256
  signature, header, claim names) and its response shape against ours.

An instance alive but silent for STUCK_AFTER_S (a request the local DynamoDB never
answered) is replaced and its sample taken again; each such sample is listed in "stuck".

The result of `runtime_peers`: "runs", "warm", "argon2_runs", "ours_binary",
"ours_is_packaged", "labels" and "versions" (per subject), "stuck", "stuck_after_s",
"subjects" ({"ours", "node", "python"} → the samples "ready_ms", "first_response_ms",
"status", "cold_hwm", "warm_ms", "warm_status", "argon2_ms", "argon2_cpu_ms"; the figures
"ready_p50_ms", "ready_p90_ms", "first_response_p50_ms", "first_response_p90_ms",
"warm_p50_ms", "warm_p90_ms", "argon2_p50_ms", "argon2_cpu_p50_ms", "beyond_argon2_ms",
"cpu_ms_per_login", "cpu_user_ms_per_login", "cpu_system_ms_per_login",
"cpu_beyond_argon2_ms", "peak_rss", "rss_after_warm", "package_zip"; "package" {"zip",
"files", "unzipped", "counts", python also "zip_with_boto3"}; "dynamodb" and
"dynamodb_paths" {"success", "wrong_password", "unknown_email"} → {"calls", "count",
"round_trips", "status"}; "answer" {"status", "shape", "tokens", "ok"}) and "ratios"
({"node", "python"} → {"ready", "first_response", "warm_login", "beyond_argon2",
"cpu_per_login", "cpu_beyond_argon2", "peak_rss", "package"}: the peer's ÷ ours, None
where either is missing or ours is not above zero).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from runtime_api import Invocation, RuntimeAPI

from .binaries import packaged_binary
from .config import BENCH, PASSWORD, RESULTS, ROOT
from .events import Events
from .procfs import proc_cpu_split, vm_status
from .runner import Runner, timed_cold_start
from .util import log, med, pct

PEERS = BENCH / "peers"
NODE_DIR = PEERS / "node"
PYTHON_DIR = PEERS / "python"
PEERS_VENV = ROOT / ".tools" / "peers-venv"
RUST_ARGON2 = BENCH / "target" / "release" / "argon2-verify"
OURS, NODE, PYTHON = "ours", "node", "python"
# What Lambda's Python runtime brings that a package may also carry (the second figure).
BOTO3_PACKAGES = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"]


@dataclass
class Subject:
    """One login implementation: how to start it as Lambda would, and what it ships."""

    key: str
    label: str
    cmd: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    argon2_cmd: list[str] | None = None
    argon2_env: dict[str, str] = field(default_factory=dict)


def ours_binary() -> tuple[Path, bool]:
    """The packaged login (target/lambda/login/bootstrap), else the debug build (for trying
    this module only: its figures are not the shipped binary's)."""
    packaged = packaged_binary("login")
    if packaged.exists():
        return packaged, True
    return ROOT / "target" / "debug" / "login", False


def subjects(rust_binary: Path, argon2_verify: Path | None) -> dict[str, Subject]:
    node = subprocess.run(["sh", "-c", "command -v node"], capture_output=True, text=True).stdout.strip()
    python = PEERS_VENV / "bin" / "python"
    missing = [str(p) for p in (rust_binary, NODE_DIR / "dist" / "index.mjs",
                                PYTHON_DIR / "dist" / "login.py", python) if not Path(p).exists()]
    if not node:
        missing.append("node")
    if missing:
        raise SystemExit("missing (make bench-peers-tools; make package): " + ", ".join(missing))
    node_dist, py_dist = NODE_DIR / "dist", PYTHON_DIR / "dist"
    return {
        OURS: Subject(
            OURS, "ours (Rust)", [str(rust_binary)], rust_binary.parent,
            argon2_cmd=[str(argon2_verify), "--runs", "{runs}"] if argon2_verify else None),
        NODE: Subject(
            NODE, "Node.js 20", [node, str(NODE_DIR / "runtime.mjs")], node_dist,
            env={"_HANDLER": "index.handler", "LAMBDA_TASK_ROOT": str(node_dist),
                 "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x", "NODE_PATH": str(node_dist / "node_modules")},
            argon2_cmd=[node, str(NODE_DIR / "argon2-verify.mjs"), "{runs}"]),
        PYTHON: Subject(
            PYTHON, "Python 3.11", [str(python), "-m", "awslambdaric", "login.handler"], py_dist,
            env={"_HANDLER": "login.handler", "LAMBDA_TASK_ROOT": str(py_dist),
                 "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11", "PYTHONPATH": str(py_dist),
                 "PYTHONDONTWRITEBYTECODE": "1", "PYTHONFAULTHANDLER": "1"},
            argon2_cmd=[str(python), str(PYTHON_DIR / "argon2_verify.py"), "{runs}"],
            argon2_env={"PYTHONPATH": str(py_dist)}),
    }


# A login answers in well under a second here; an instance silent this long is waiting for
# a request that the local DynamoDB never answered (seen with moto served by waitress:
# about one cold start in fifty). That sample is taken again and the event is counted.
STUCK_AFTER_S = 20.0
RETRIES = 3


class Stuck(RuntimeError):
    """An instance alive but without an answer after STUCK_AFTER_S."""


class Instance:
    """One warm instance of a subject: spawned, warmed up with 3 logins, its CPU time
    counted over the logins it answers."""

    def __init__(self, spawner: "Spawner", s: Subject, events: Events):
        self.spawner, self.s, self.events = spawner, s, events
        self.cpu = [0.0, 0.0]
        self.hwm = 0
        self.rss = 0
        self.start()

    def start(self) -> None:
        self.api = RuntimeAPI(f"login-{self.s.key}").start()
        self.proc = self.spawner.spawn(self.s, self.api)
        try:
            for _ in range(3):  # warm-up: first connections, lazy initialisation
                self._answer()
        except Stuck:
            self.stop(count=False)
            raise
        self.cpu0 = self.last = proc_cpu_split(self.proc.pid)

    def _answer(self) -> Invocation:
        self.api.session.submit(self.events.login(self.events.login_email, PASSWORD))
        return self.spawner.wait(self.s, self.api, self.proc)

    def login(self) -> Invocation:
        inv = self._answer()
        self.last = proc_cpu_split(self.proc.pid)
        return inv

    def stop(self, count: bool = True) -> None:
        """Stops the instance; its CPU time up to its last answer counts."""
        if count:
            self.cpu = [self.cpu[i] + self.last[i] - self.cpu0[i] for i in (0, 1)]
            mem = vm_status(self.proc.pid)
            self.hwm = max(self.hwm, mem.get("VmHWM", 0))
            self.rss = mem.get("VmRSS", 0)
        Runner.stop(self.proc)
        self.api.stop()

    def restart(self) -> None:
        self.stop()
        for _ in range(RETRIES):
            try:
                return self.start()
            except Stuck:
                continue
        raise SystemExit(f"peers: {self.s.label} stuck {RETRIES} times while warming up")


class Spawner:
    """Starts a subject against a RuntimeAPI with the environment our functions get under
    the bench (Runner.env), its own settings on top; output to bench/results/logs/."""

    def __init__(self, base_env: dict[str, str], rust_binary: Path):
        self.runner = Runner({"login": rust_binary}, base_env)
        self.logs: dict[str, object] = {}

    def env(self, s: Subject, api: RuntimeAPI, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = self.runner.env("login", api)
        env.update({"LAMBDA_TASK_ROOT": str(s.cwd), "LAMBDA_RUNTIME_DIR": str(s.cwd),
                    "AWS_LAMBDA_FUNCTION_NAME": f"login-{s.key}"})
        env.update(s.env)
        env.update(extra or {})
        return env

    def spawn(self, s: Subject, api: RuntimeAPI, extra: dict[str, str] | None = None) -> subprocess.Popen:
        if s.key not in self.logs:
            self.logs[s.key] = open(RESULTS / "logs" / f"peer-{s.key}.log", "ab")
        return subprocess.Popen(s.cmd, env=self.env(s, api, extra), cwd=s.cwd,
                                stdin=subprocess.DEVNULL, stdout=self.logs[s.key],
                                stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, s: Subject, api: RuntimeAPI, proc: subprocess.Popen,
             timeout: float = STUCK_AFTER_S) -> Invocation:
        """The next answer; `Stuck` when the instance is alive but silent that long (a
        request the local DynamoDB never answered), SystemExit when it failed."""
        try:
            return self.runner.wait_done(api.session, f"peer-{s.key}", [proc], timeout)
        except SystemExit as err:
            if proc.poll() is None and api.session.init_error is None:
                # Python's faulthandler (PYTHONFAULTHANDLER) writes every thread's stack
                # to the log on SIGABRT: where the instance waits.
                os.kill(proc.pid, signal.SIGABRT)
                time.sleep(0.5)
                raise Stuck(f"{s.label}: no answer in {timeout:g} s") from None
            raise SystemExit(f"{s.label}: {err}") from None

    def cold_start(self, s: Subject, event: bytes) -> dict:
        api = RuntimeAPI(f"login-{s.key}").start()
        return timed_cold_start(api, event, lambda: self.spawn(s, api),
                                lambda proc: self.wait(s, api, proc))


# ---- argon2 alone ----------------------------------------------------------------------

def argon2_alone(s: Subject, runs: int) -> dict | None:
    if not s.argon2_cmd or runs <= 0:
        return None
    cmd = [part.replace("{runs}", str(runs)) for part in s.argon2_cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=s.cwd,
                         env={**os.environ, **s.argon2_env}).stdout
    data = json.loads(out)
    return {"verify_ms": data["verify_ms"], "verify_cpu_ms": data["verify_cpu_ms"]}


# ---- DynamoDB calls, counted by a proxy in front of moto -----------------------------

class CountingProxy:
    """An HTTP/1.1 keep-alive proxy to the DynamoDB endpoint that records each request's
    operation (X-Amz-Target), key prefixes and the time it was in flight."""

    def __init__(self, upstream: str, hold_s: float = 0.05):
        self.hold_s = hold_s
        host_port = upstream.split("//", 1)[-1].strip("/")
        self.upstream_host, _, port = host_port.partition(":")
        self.upstream_port = int(port or 80)
        self.calls: list[dict] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                start = time.perf_counter()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                conn = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request("POST", self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                # Each answer is held back a while: requests a client sends together are
                # in flight together here whatever their jitter, while one that waits for
                # an earlier answer cannot start before it.
                time.sleep(max(0.0, start + proxy.hold_s - time.perf_counter()))
                end = time.perf_counter()
                proxy.record(self.headers.get("X-Amz-Target", ""), body, start, end, resp.status)
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def record(self, target: str, body: bytes, start: float, end: float, status: int) -> None:
        op = target.rsplit(".", 1)[-1]
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = {}
        pks = []
        if "Key" in payload:
            pks.append(payload["Key"].get("pk", {}).get("S", ""))
        for table in (payload.get("RequestItems") or {}).values():
            pks += [k.get("pk", {}).get("S", "") for k in table.get("Keys", [])]
        # Key prefixes only: an EMAIL# key would carry the address.
        keys = [pk.split("#", 1)[0] + "#…" for pk in pks]
        with self.lock:
            self.calls.append({"op": op, "keys": keys, "start": start, "end": end, "status": status})

    def take(self) -> dict:
        with self.lock:
            calls, self.calls = sorted(self.calls, key=lambda c: c["start"]), []
        trips, horizon = 0, float("-inf")
        for c in calls:
            if c["start"] >= horizon:  # starts after everything before it ended
                trips += 1
                horizon = c["end"]
            else:
                horizon = max(horizon, c["end"])
        return {"calls": [f"{c['op']} {','.join(c['keys'])}" for c in calls],
                "count": len(calls), "round_trips": trips}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---- checks of the answers --------------------------------------------------------------

def _b64json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def check_answer(inv: Invocation, signing_keys: str) -> dict:
    """The response's shape, and its tokens' signature, header and claims."""
    out: dict = {"status": inv.status_code()}
    try:
        resp = json.loads(inv.body)
        body = json.loads(resp["body"])
    except (ValueError, KeyError, TypeError):
        return {**out, "ok": False, "problem": "not an API Gateway v2 JSON answer"}
    out["shape"] = {"keys": sorted(resp), "headers": sorted(resp.get("headers", {})),
                    "body": list(body)}
    keys = {}
    for entry in signing_keys.split(","):
        if ":" in entry:
            kid, enc = entry.strip().split(":", 1)
            enc = enc.strip().rstrip("=")
            keys[kid.strip()] = base64.urlsafe_b64decode(enc + "=" * (-len(enc) % 4))
    tokens = {}
    for name, prefix in (("sessionToken", "JWS."), ("deviceToken", "DEV.")):
        token = body.get(name, "")
        if not token.startswith(prefix) or token.count(".") != 3:
            tokens[name] = {"ok": False, "problem": "no such token"}
            continue
        header, claims, mac = token[len(prefix):].split(".")
        h = _b64json(header)
        key = keys.get(h.get("kid", ""))
        good = key is not None and hmac.compare_digest(
            base64.urlsafe_b64encode(hmac.new(key, f"{header}.{claims}".encode(),
                                              hashlib.sha256).digest()).rstrip(b"=").decode(), mac)
        c = _b64json(claims)
        tokens[name] = {"ok": good, "header": list(h), "alg": h.get("alg"), "claims": list(c),
                        "typ": c.get("typ"), "ttl_s": c.get("exp", 0) - c.get("iat", 0),
                        "bytes": len(token)}
    out["tokens"] = tokens
    out["ok"] = out["status"] == 200 and all(t["ok"] for t in tokens.values())
    return out


# ---- package sizes ---------------------------------------------------------------------

def zip_size(paths: list[tuple[Path, str]]) -> tuple[int, int, int]:
    """(zip bytes, files, unzipped bytes) of the files under each (path, name in zip),
    deflated as `zip -r` does, bytecode caches left out."""
    buf = io.BytesIO()
    files = raw = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, arc in paths:
            items = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for p in items:
                if "__pycache__" in p.parts or p.suffix == ".pyc":
                    continue
                name = arc if p == path else f"{arc}/{p.relative_to(path)}".lstrip("/")
                z.write(p, name)
                files += 1
                raw += p.stat().st_size
    return len(buf.getvalue()), files, raw


def package_sizes(rust_binary: Path) -> dict[str, dict]:
    ours_zip = ROOT / "target" / "lambda" / "login" / "bootstrap.zip"
    if ours_zip.exists() and rust_binary.name == "bootstrap":
        ours = {"zip": ours_zip.stat().st_size, "files": 1, "unzipped": rust_binary.stat().st_size,
                "counts": "target/lambda/login/bootstrap.zip (make package)"}
    else:
        z, files, raw = zip_size([(rust_binary, "bootstrap")])
        ours = {"zip": z, "files": files, "unzipped": raw,
                "counts": f"{rust_binary.relative_to(ROOT)} zipped here (not the packaged build)"}
    z, files, raw = zip_size([(NODE_DIR / "dist", "")])
    node = {"zip": z, "files": files, "unzipped": raw,
            "counts": "index.mjs (esbuild bundle, AWS SDK v3 inside) + node_modules/@node-rs/argon2 "
                      "(loader) + the platform binding (.node)"}
    z, files, raw = zip_size([(PYTHON_DIR / "dist", "")])
    site = next((PEERS_VENV / "lib").glob("python3*/site-packages"), None)
    extra = [(site / p, p) for p in BOTO3_PACKAGES if site and (site / p).exists()]
    zb, files_b, raw_b = zip_size([(PYTHON_DIR / "dist", ""), *extra])
    python = {"zip": z, "files": files, "unzipped": raw,
              "counts": "login.py + argon2-cffi, argon2-cffi-bindings, cffi, pycparser (boto3 not "
                        "packaged: Lambda's Python runtime has it)",
              "zip_with_boto3": zb, "unzipped_with_boto3": raw_b}
    return {OURS: ours, NODE: node, PYTHON: python}


# ---- the measurement ---------------------------------------------------------------------

def _versions(subj: dict[str, Subject]) -> dict[str, str]:
    def run(cmd: list[str], env: dict[str, str] | None = None) -> str:
        return subprocess.run(cmd, capture_output=True, text=True,
                              env={**os.environ, **(env or {})}).stdout.strip()
    node_pkg = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]
    py = ("import sys, importlib.metadata as m; print('Python', sys.version.split()[0] + ',', "
          "', '.join(f'{d} {m.version(d)}' for d in ('boto3', 'awslambdaric', 'argon2-cffi')))")
    return {
        NODE: f"Node.js {run([subj[NODE].cmd[0], '--version'])}, @aws-sdk/client-dynamodb "
              f"{node_pkg['@aws-sdk/client-dynamodb']}, @node-rs/argon2 {node_pkg['@node-rs/argon2']}, "
              "esbuild " + json.loads((NODE_DIR / "package.json").read_text())["devDependencies"]["esbuild"],
        PYTHON: run([subj[PYTHON].cmd[0], "-c", py], subj[PYTHON].argon2_env),
    }


def runtime_peers(base_env: dict[str, str], events: Events, table: str, runs: int,
                  warm: int = 20, argon2_runs: int = 20, rust_binary: Path | None = None,
                  argon2_verify: Path | None = None, rng: random.Random | None = None) -> dict:
    """Our login and its Node.js and Python peers, measured alike (module docstring).

    base_env: the functions' environment (.tools/dev.env as read by util.read_env_file:
    SIGNING_KEYS, AWS_ENDPOINT_URL, ...); `table` is set as MEMBERS_TABLE. `events.login_email`
    must be registered in `table`, approved and verified (stack.register_members), with the
    bench password. rust_binary: ours (default: the packaged login, else the debug build);
    argon2_verify: bench/argon2-verify's binary (default bench/target/release/argon2-verify
    if built; without it ours has no argon2-alone figure and no *beyond argon2*)."""
    rng = rng or random.Random(1)
    is_release = True
    if rust_binary is None:
        rust_binary, is_release = ours_binary()
    if argon2_verify is None and RUST_ARGON2.exists():
        argon2_verify = RUST_ARGON2
    env = {**base_env, "MEMBERS_TABLE": table}
    subj = subjects(rust_binary, argon2_verify)
    spawner = Spawner(env, rust_binary)
    (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
    order = list(subj)
    res: dict = {"runs": runs, "warm": warm, "argon2_runs": argon2_runs,
                 "ours_binary": str(rust_binary.relative_to(ROOT) if rust_binary.is_relative_to(ROOT) else rust_binary),
                 "ours_is_packaged": is_release, "labels": {k: s.label for k, s in subj.items()},
                 "versions": _versions(subj), "subjects": {}, "stuck": [],
                 "stuck_after_s": STUCK_AFTER_S}
    out = {k: {"ready_ms": [], "first_response_ms": [], "status": [], "cold_hwm": []} for k in subj}

    # The requests each makes, through the counting proxy: a login, a wrong password and
    # an unknown email on a warm instance, each from a source of its own.
    log("peers: DynamoDB calls of a login, a wrong password and an unknown email each, "
        "through a counting proxy")
    proxy = CountingProxy(env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))
    paths = {"success": (events.login_email, PASSWORD),
             "wrong_password": (events.login_email, PASSWORD + "-wrong"),
             "unknown_email": (f"nobody-{events.run_id}@example.com", PASSWORD)}

    def count_requests(s: Subject) -> dict:
        api = RuntimeAPI(f"login-{s.key}").start()
        proc = spawner.spawn(s, api, {"AWS_ENDPOINT_URL": proxy.endpoint})
        found: dict = {"dynamodb_paths": {}}
        try:
            # A first login opens the instance's connections (not counted: a round
            # trip's requests wait there for their connections one by one).
            api.session.submit(events.login(events.login_email, PASSWORD))
            spawner.wait(s, api, proc)
            time.sleep(0.2)
            proxy.take()
            for path, (email, password) in paths.items():
                api.session.submit(events.login(email, password))
                inv = spawner.wait(s, api, proc)
                time.sleep(0.2)  # any request still in flight after the answer shows too
                found["dynamodb_paths"][path] = {**proxy.take(), "status": inv.status_code()}
                if path == "success":
                    found["answer"] = check_answer(inv, env.get("SIGNING_KEYS", ""))
        finally:
            Runner.stop(proc)
            api.stop()
            proxy.take()
        found["dynamodb"] = found["dynamodb_paths"]["success"]
        return found

    try:
        for key, s in subj.items():
            out[key].update(retried(res, f"counted login of {s.label}", lambda: count_requests(s)))
    finally:
        proxy.stop()

    log(f"peers: cold starts, {runs} × {len(subj)}")
    for _ in range(runs):
        rng.shuffle(order)
        for key in order:
            c = retried(res, f"cold start of {subj[key].label}", lambda: spawner.cold_start(
                subj[key], events.login(events.login_email, PASSWORD)))
            for name, value in (("ready_ms", c["ready_ms"]), ("first_response_ms", c["first_response_ms"]),
                                ("status", c["status"]), ("cold_hwm", c["hwm"])):
                out[key][name].append(value)

    log(f"peers: argon2 alone, {argon2_runs} verifies each, half before and half after the warm logins")
    first_half = {k: argon2_alone(s, argon2_runs // 2) for k, s in subj.items()}

    log(f"peers: {warm} warm logins each, in turn")
    instances: dict[str, Instance] = {}
    durations: dict[str, list[float]] = {k: [] for k in subj}
    statuses: dict[str, list] = {k: [] for k in subj}
    try:
        for key, s in subj.items():
            instances[key] = retried(res, f"warm instance of {s.label}",
                                     lambda: Instance(spawner, s, events))
        for _ in range(warm):
            rng.shuffle(order)
            for key in order:
                inst = instances[key]

                def once() -> Invocation:
                    try:
                        return inst.login()
                    except Stuck:
                        inst.restart()  # a new instance, warmed up; this login again
                        raise
                inv = retried(res, f"warm login of {subj[key].label}", once)
                durations[key].append(inv.duration_ms)
                statuses[key].append(inv.status_code())
    finally:
        for inst in instances.values():
            inst.stop()
    cpu1 = {k: i.cpu for k, i in instances.items()}
    cpu0 = {k: (0.0, 0.0) for k in instances}
    mem = {k: {"VmHWM": i.hwm, "VmRSS": i.rss} for k, i in instances.items()}

    second_half = {k: argon2_alone(s, argon2_runs - argon2_runs // 2) for k, s in subj.items()}
    sizes = package_sizes(rust_binary)

    for key in subj:
        o = out[key]
        user = cpu1[key][0] - cpu0[key][0]
        system = cpu1[key][1] - cpu0[key][1]
        o.update({"warm_ms": durations[key], "warm_status": statuses[key],
                  "cpu_ms_per_login": (user + system) / warm * 1000,
                  "cpu_user_ms_per_login": user / warm * 1000,
                  "cpu_system_ms_per_login": system / warm * 1000,
                  "peak_rss": mem[key].get("VmHWM", 0), "rss_after_warm": mem[key].get("VmRSS", 0),
                  "package": sizes[key]})
        a, b = first_half[key], second_half[key]
        if a and b:
            o["argon2_ms"] = a["verify_ms"] + b["verify_ms"]
            o["argon2_cpu_ms"] = a["verify_cpu_ms"] + b["verify_cpu_ms"]
        o.update(figures(o))
        res["subjects"][key] = o
    res["ratios"] = ratios(res["subjects"])
    return res


def retried(res: dict, what: str, attempt):
    """attempt(), taken again (up to RETRIES times) when an instance got stuck; each
    stuck sample is listed in res["stuck"]."""
    for n in range(RETRIES):
        try:
            return attempt()
        except Stuck as err:
            res.setdefault("stuck", []).append(f"{what}: {err}")
            log(f"peers: {what} stuck ({err}); taken again")
    raise SystemExit(f"peers: {what} stuck {RETRIES} times")


def figures(o: dict) -> dict:
    """The headline figures of one subject (medians; None where not measured)."""
    f = {
        "ready_p50_ms": med(o["ready_ms"]),
        "ready_p90_ms": pct(o["ready_ms"], 0.9),
        "first_response_p50_ms": med(o["first_response_ms"]),
        "first_response_p90_ms": pct(o["first_response_ms"], 0.9),
        "warm_p50_ms": med(o["warm_ms"]),
        "warm_p90_ms": pct(o["warm_ms"], 0.9),
        "argon2_p50_ms": med(o["argon2_ms"]) if o.get("argon2_ms") else None,
        "argon2_cpu_p50_ms": med(o["argon2_cpu_ms"]) if o.get("argon2_cpu_ms") else None,
        "package_zip": o["package"]["zip"],
    }
    f["beyond_argon2_ms"] = (f["warm_p50_ms"] - f["argon2_p50_ms"]
                             if f["argon2_p50_ms"] is not None else None)
    f["cpu_beyond_argon2_ms"] = (o["cpu_ms_per_login"] - f["argon2_cpu_p50_ms"]
                                 if f["argon2_cpu_p50_ms"] is not None else None)
    return f


RATIO_FIGURES = {
    "ready": "ready_p50_ms",
    "first_response": "first_response_p50_ms",
    "warm_login": "warm_p50_ms",
    "beyond_argon2": "beyond_argon2_ms",
    "cpu_per_login": "cpu_ms_per_login",
    "cpu_beyond_argon2": "cpu_beyond_argon2_ms",
    "peak_rss": "peak_rss",
    "package": "package_zip",
}


def ratios(subjects_out: dict[str, dict]) -> dict[str, dict[str, float | None]]:
    """Each peer's figure ÷ ours (None where either is missing or ours is not positive)."""
    ours = subjects_out[OURS]
    out = {}
    for key, o in subjects_out.items():
        if key == OURS:
            continue
        out[key] = {}
        for name, fig in RATIO_FIGURES.items():
            a, b = o.get(fig), ours.get(fig)
            out[key][name] = a / b if a is not None and b not in (None, 0) and b > 0 else None
    return out


def main_env(env_file: Path | None = None) -> dict[str, str]:
    """The functions' environment for a standalone run: .tools/bench.env when a bench
    wrote one, else .tools/dev.env; approval automatic and verification off whatever
    an earlier `make dev` left there, so that the registered member may sign in."""
    from .util import read_env_file
    tools = ROOT / ".tools"
    path = env_file or next((p for p in (tools / "bench.env", tools / "dev.env") if p.exists()), None)
    if path is None:
        raise SystemExit("no .tools/dev.env (scripts/dev-env.sh)")
    env = read_env_file(path)
    env.update({"APPROVAL_MODE": "automatic", "EMAIL_VERIFICATION": "off"})
    return env


if __name__ == "__main__":  # pragma: no cover - bench/peers.py is the entry
    sys.exit("run bench/peers.py")
