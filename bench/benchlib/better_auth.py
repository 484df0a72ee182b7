"""better-auth (npm), a self-hosted auth server developers pick today, doing the same job as
our login: email-and-password sign-in, on Node 20, with argon2id at our parameters
(@node-rs/argon2 as its password hash/verify) and its memory adapter. Driven from here;
the server is bench/peers/better-auth/server.mjs (`make bench-better-auth-tools` installs
its pinned packages).

What is measured, all on this machine, one process at a time:

- start → ready: spawn `node server.mjs` → its line `{"ready": true, ...}` on stdout, printed
  once it listens and its auth instance is built. The member is already in the memory
  tables by then: a setup step (outside every timed window) signs it up once through
  better-auth's own sign-up API and saves the rows, and each timed start loads them, as a
  database would already hold the member (ours: the member is in DynamoDB before the start).
- start → first sign-in: spawn → the answer (200, checked) to the first
  `POST /api/auth/sign-in/email`, sent on a new connection as soon as the ready line is read;
  VmHWM is read from /proc/<pid>/status right then (as ours is at the first response).
- bare node: `node -e` with an empty node:http server, started the same way, the floor that
  Node itself sets (as hello-world is ours).
- warm sign-ins: after WARMUP unmeasured ones, blocks of BLOCK sign-ins over one keep-alive
  connection, each block followed by BLOCK awaited @node-rs/argon2 verifies of the member's
  stored hash in the same server process (bench-only route), so that drift in the shared
  machine's load reaches both alike. Latency is timed twice: by the client (the round trip
  over loopback, Python's http.client included) and inside the server (request event →
  response finished: node's HTTP parsing, better-auth's routing, body parsing and
  validation, rate-limit bookkeeping, the adapter's lookups, argon2, the session row, the
  signed cookie, the JSON answer).
- beyond argon2 = median server-side sign-in − median argon2 verify.
- CPU per sign-in: the server process's CPU time (getrusage, every thread: argon2 runs on
  libuv's pool) over the sign-in blocks ÷ their sign-ins; argon2's CPU likewise over the
  verify blocks.
- peak RSS: VmHWM after the first sign-in, and after all the warm sign-ins of the run.
- throughput: one warm process answering sign-ins from nproc and 2×nproc client threads.
- our argon2 at the same moments: when bench/target/release/argon2-verify is built (make
  bench builds it), 2×BLOCK of its single-thread verifies after each start's run, so that
  the two argon2 implementations (@node-rs/argon2 wraps the argon2-rust crate, ours is RustCrypto's
  argon2) are compared under the same load; make bench's own figure is r["argon2"].
"""

from __future__ import annotations

import http.client
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from .config import ARGON2_DEFAULTS, BENCH, MB, PASSWORD
from .procfs import machine_cpu_s, vm_status
from .util import log, med, pct, sh

PEER = BENCH / "peers" / "better-auth"
SERVER = PEER / "server.mjs"
EMAIL = "bench@example.com"
BLOCK = 10  # sign-ins, then as many argon2 verifies, per block
# Unmeasured sign-ins before the warm ones of each process: V8 optimises the hot path only
# after it has run many times (medians of the first 50 sign-ins of a process were ~1.5×
# those after 250 in a trial), and ours are measured warm too (criterion warms up 3 s).
WARMUP = 50
READY_TIMEOUT_S = 30.0
# The floor Node itself sets: an empty node:http server, ready the same way.
NODE_HELLO = ("require('node:http').createServer((q, s) => s.end()).listen(0, '127.0.0.1', "
              "function () { process.stdout.write(JSON.stringify({ready: true, "
              "port: this.address().port}) + '\\n') })")


def _node() -> str:
    node = shutil.which("node")
    if not node:
        raise SystemExit("better-auth bench needs node (Node 20) on PATH")
    return node


def _env(seed_file: Path | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": "UTC",
        # Production mode, as deployed: better-auth then insists on a secret and turns its
        # rate limiter on by default (server.mjs keeps it on, with the sign-in rule raised).
        "NODE_ENV": "production",
        "BETTER_AUTH_TELEMETRY": "0",
        "BETTER_AUTH_SECRET": "bench-only-secret-0123456789abcdef0123456789",
        "BENCH_EMAIL": EMAIL,
        "BENCH_PASSWORD": PASSWORD,
        "PORT": "0",
    }
    if seed_file is not None:
        env["SEED_FILE"] = str(seed_file)
    return env


def versions() -> dict[str, str]:
    def pkg(name: str) -> str:
        try:
            return json.loads((PEER / "node_modules" / name / "package.json").read_text())["version"]
        except OSError:
            return "?"
    return {"node": sh(_node(), "--version"), "better-auth": pkg("better-auth"),
            "@node-rs/argon2": pkg("@node-rs/argon2")}


class Server:
    """One started process: its pid, port, and when it was spawned and got ready."""

    def __init__(self, cmd: list[str], env: dict[str, str], log_file):
        self.t0 = time.perf_counter_ns()
        self.proc = subprocess.Popen(cmd, env=env, cwd=PEER, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=log_file,
                                     start_new_session=True)
        ready = select.select([self.proc.stdout], [], [], READY_TIMEOUT_S)[0]
        line = self.proc.stdout.readline() if ready else b""
        self.ready_ns = time.perf_counter_ns()
        if not line:
            self.stop()
            raise SystemExit(f"{cmd[-1]}: no ready line within {READY_TIMEOUT_S:g} s "
                             f"(exit {self.proc.returncode}); see its log")
        self.port = json.loads(line)["port"]
        self.pid = self.proc.pid

    @property
    def ready_ms(self) -> float:
        return (self.ready_ns - self.t0) / 1e6

    def conn(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self.proc.stdout.close()


def _sign_in(conn: http.client.HTTPConnection, port: int) -> tuple[int, float, bytes]:
    body = json.dumps({"email": EMAIL, "password": PASSWORD})
    # Origin as a browser on the same site sends it (better-auth checks it when present);
    # x-forwarded-for as a proxy in front adds it (the rate limiter keys on it).
    headers = {"content-type": "application/json", "origin": f"http://127.0.0.1:{port}",
               "x-forwarded-for": "127.0.0.1"}
    t0 = time.perf_counter_ns()
    conn.request("POST", "/api/auth/sign-in/email", body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, (time.perf_counter_ns() - t0) / 1e6, data


def _get(conn: http.client.HTTPConnection, path: str) -> dict:
    conn.request("GET", path)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        raise SystemExit(f"better-auth bench: GET {path} answered {resp.status}")
    return json.loads(data)


def _cpu_us(conn: http.client.HTTPConnection) -> int:
    c = _get(conn, "/bench/cpu")
    return c["user_us"] + c["system_us"]


def _cpu_us_once(s: "Server") -> int:
    conn = s.conn()
    try:
        return _cpu_us(conn)
    finally:
        conn.close()


def _seed(node: str, log_file) -> Path:
    """The member, signed up once through better-auth's own sign-up API (not timed)."""
    seed = Path(tempfile.mkdtemp(prefix="better-auth-bench-")) / "seed.json"
    subprocess.run([node, str(SERVER), "--seed-out", str(seed)], env=_env(None), cwd=PEER,
                   stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file, check=True,
                   timeout=60)
    return seed


def _run(node: str, seed: Path, signins: int, log_file) -> dict:
    """One cold start, its first sign-in, then `signins` warm sign-ins and as many verifies."""
    s = Server([node, str(SERVER)], _env(seed), log_file)
    try:
        first_conn = s.conn()
        status, _, body = _sign_in(first_conn, s.port)
        first_ns = time.perf_counter_ns()
        hwm_first = vm_status(s.pid).get("VmHWM", 0)
        if status != 200 or b'"token"' not in body:
            raise SystemExit(f"better-auth first sign-in answered {status}: {body[:200]!r}")
        conn = s.conn()
        cpu_first = _cpu_us(conn)
        for _ in range(WARMUP):
            _sign_in(conn, s.port)
        client_ms, verify_us, statuses = [], [], []
        signin_cpu_us = verify_cpu_us = 0
        done = 0
        while done < signins:
            k = min(BLOCK, signins - done)
            c0 = _cpu_us(conn)
            for _ in range(k):
                st, ms, _ = _sign_in(conn, s.port)
                statuses.append(st)
                client_ms.append(ms)
            signin_cpu_us += _cpu_us(conn) - c0
            a = _get(conn, f"/bench/argon2?n={k}")
            verify_us += a["verify_us"]
            verify_cpu_us += a["cpu_us"]
            done += k
        server_us = _get(conn, "/bench/stats")["signin_us"]
        vm = vm_status(s.pid)
        first_conn.close()
        conn.close()
    finally:
        s.stop()
    return {
        "ready_ms": s.ready_ms,
        "first_signin_ms": (first_ns - s.t0) / 1e6,
        "first_status": status,
        "cpu_ms_to_first_signin": cpu_first / 1000,
        "hwm_first": hwm_first,
        "hwm_end": vm.get("VmHWM", 0),
        "rss_end": vm.get("VmRSS", 0),
        "client_ms": client_ms,
        # The first and the warm-ups are left out: what remains lines up with client_ms.
        "server_ms": [u / 1000 for u in server_us[1 + WARMUP:]],
        "warmup_server_ms": [u / 1000 for u in server_us[1:1 + WARMUP]],
        "statuses": statuses,
        "verify_ms": [u / 1000 for u in verify_us],
        "signin_cpu_us": signin_cpu_us,
        "verify_cpu_us": verify_cpu_us,
    }


def _hello(node: str, log_file) -> float:
    s = Server([node, "-e", NODE_HELLO], _env(None), log_file)
    s.stop()
    return s.ready_ms


def _throughput(node: str, seed: Path, concurrency: int, signins: int, log_file) -> dict:
    """`signins` sign-ins from `concurrency` client threads (keep-alive each) against one
    warm server process."""
    s = Server([node, str(SERVER)], _env(seed), log_file)
    try:
        lat: list[float] = []
        statuses: list[int] = []
        lock = threading.Lock()
        per_thread = max(1, signins // concurrency)

        warm = s.conn()
        for _ in range(WARMUP):
            _sign_in(warm, s.port)
        warm.close()

        def client() -> None:
            c = s.conn()
            _sign_in(c, s.port)  # its connection made before the window opens
            barrier.wait()
            mine = [_sign_in(c, s.port)[:2] for _ in range(per_thread)]
            c.close()
            with lock:
                statuses.extend(m[0] for m in mine)
                lat.extend(m[1] for m in mine)

        barrier = threading.Barrier(concurrency + 1)
        threads = [threading.Thread(target=client) for _ in range(concurrency)]
        for t in threads:
            t.start()
        # A new connection for each reading: node closes one idle for 5 s (keep-alive).
        c0 = _cpu_us_once(s)
        self0 = sum(os.times()[:2])
        busy0, total0 = machine_cpu_s()
        barrier.wait()
        t0 = time.perf_counter_ns()
        for t in threads:
            t.join()
        wall = (time.perf_counter_ns() - t0) / 1e9
        busy1, total1 = machine_cpu_s()
        self1 = sum(os.times()[:2])
        cpu = _cpu_us_once(s) - c0
    finally:
        s.stop()
    n = len(lat)
    return {"concurrency": concurrency, "signins": n, "seconds": wall, "per_second": n / wall,
            "p50_ms": med(lat), "p99_ms": pct(lat, 0.99),
            "non_200": sum(1 for x in statuses if x != 200),
            "cpu_ms_per_signin": cpu / n / 1000,
            # The Python clients (this process), and the rest of the machine's busy time:
            # programs outside this benchmark (other work shares these cores).
            "client_cpu_ms_per_signin": (self1 - self0) / n * 1000,
            "other_cpu_ms_per_signin": max(0.0, (busy1 - busy0) - cpu / 1e6 - (self1 - self0))
            / n * 1000,
            "machine_busy_fraction": (busy1 - busy0) / max(1e-9, total1 - total0)}


def _ours_argon2(runs: int) -> dict | None:
    """`runs` single-thread verifies of ours (bench/argon2-verify), if it is built."""
    binary = BENCH / "target" / "release" / "argon2-verify"
    if not binary.exists():
        return None
    out = subprocess.run([str(binary), "--runs", str(runs), "--threads", "1"],
                         capture_output=True, text=True, check=False, timeout=120)
    try:
        return json.loads(out.stdout)
    except ValueError:
        return None


def _stats(samples: list[float]) -> dict:
    return {"samples": samples, "median": med(samples), "p90": pct(samples, 0.9),
            "min": min(samples)}


def better_auth_bench(runs: int, signins: int, throughput_signins: int = 200) -> dict:
    """`runs` cold starts of the better-auth server (each with its first sign-in and then
    `signins` warm sign-ins and as many argon2 verifies), `runs` starts of bare node
    interleaved with them, and throughput at nproc and 2×nproc clients
    (`throughput_signins` sign-ins each; 0 skips it)."""
    if not (PEER / "node_modules" / "better-auth").is_dir():
        raise SystemExit("better-auth bench: run `make bench-better-auth-tools` first")
    node = _node()
    nproc = os.cpu_count() or 1
    load0 = os.getloadavg()
    (BENCH / "results" / "logs").mkdir(parents=True, exist_ok=True)
    with open(BENCH / "results" / "logs" / "better-auth.log", "ab") as log_file:
        seed = _seed(node, log_file)
        try:
            log(f"better-auth: {runs} cold starts, {signins} warm sign-ins each")
            per_run, hello, ours_a2 = [], [], []
            for i in range(runs):
                # Alternate which goes first, so drift in the machine's load reaches both.
                if i % 2:
                    hello.append(_hello(node, log_file))
                per_run.append(_run(node, seed, signins, log_file))
                if not i % 2:
                    hello.append(_hello(node, log_file))
                ours_a2.append(_ours_argon2(2 * BLOCK))
            throughput = []
            for level in (nproc, 2 * nproc) if throughput_signins > 0 else ():
                log(f"better-auth: throughput, {level} clients")
                throughput.append(_throughput(node, seed, level, throughput_signins, log_file))
        finally:
            shutil.rmtree(seed.parent, ignore_errors=True)
    ours_verify = [x for a in ours_a2 if a for x in a["verify_ms"]]
    ours_cpu = [x for a in ours_a2 if a for x in a["verify_cpu_ms"]]
    ours_argon2 = ({"median": med(ours_verify), "cpu_median": med(ours_cpu),
                    "samples": ours_verify} if ours_verify else None)

    client = [x for r in per_run for x in r["client_ms"]]
    server = [x for r in per_run for x in r["server_ms"]]
    verify = [x for r in per_run for x in r["verify_ms"]]
    statuses = [x for r in per_run for x in r["statuses"]]
    warmup = [x for r in per_run for x in r["warmup_server_ms"]]
    n = len(client)
    cpu_signin = sum(r["signin_cpu_us"] for r in per_run) / n / 1000
    cpu_verify = sum(r["verify_cpu_us"] for r in per_run) / len(verify) / 1000
    ready = _stats([r["ready_ms"] for r in per_run])
    hello_s = _stats(hello)
    return {
        "runs": runs,
        "signins_per_run": signins,
        "start_to_ready_ms": ready,
        "start_to_first_signin_ms": _stats([r["first_signin_ms"] for r in per_run]),
        "first_signin_status": [r["first_status"] for r in per_run],
        "node_hello_ready_ms": hello_s,
        "ready_ratio_to_node_hello": ready["median"] / hello_s["median"],
        "cpu_ms_start_to_first_signin": _stats([r["cpu_ms_to_first_signin"] for r in per_run]),
        "warm_signin_ms": {"median": med(client), "p90": pct(client, 0.9),
                           "p99": pct(client, 0.99), "samples": client},
        "warm_signin_server_ms": {"median": med(server), "p90": pct(server, 0.9),
                                  "samples": server},
        "warm_non_200": sum(1 for s in statuses if s != 200),
        "warmup_signins": WARMUP,
        # The unmeasured warm-up sign-ins, inside the server: how much V8's warming matters.
        "warmup_signin_server_ms": {"median": med(warmup) if warmup else None},
        "argon2_verify_ms": {"median": med(verify), "p90": pct(verify, 0.9),
                             "min": min(verify), "samples": verify},
        "beyond_argon2_ms": med(server) - med(verify),
        "beyond_argon2_roundtrip_ms": med(client) - med(verify),
        "cpu_ms_per_signin": cpu_signin,
        "argon2_cpu_ms_per_verify": cpu_verify,
        "cpu_ms_per_signin_beyond_argon2": cpu_signin - cpu_verify,
        "peak_rss_mb": max(r["hwm_end"] for r in per_run) / MB,
        "peak_rss_first_signin_mb": max(r["hwm_first"] for r in per_run) / MB,
        "hwm_first_signin_bytes": [r["hwm_first"] for r in per_run],
        "hwm_end_bytes": [r["hwm_end"] for r in per_run],
        "throughput": throughput,
        "ours_argon2_verify_ms": ours_argon2,
        "versions": versions(),
        "settings": {
            "argon2": f"argon2id {ARGON2_DEFAULTS} via @node-rs/argon2 "
                      "(emailAndPassword.password.hash/verify)",
            "adapter": "memoryAdapter (better-auth/adapters/memory), in process",
            "served": "toNodeHandler(auth) on node:http, 127.0.0.1",
            "NODE_ENV": "production",
            "telemetry": "off (telemetry.enabled false, BETTER_AUTH_TELEMETRY=0)",
            "rate_limit": "on, memory storage; /sign-in/email raised to 1,000,000 per 10 s",
            "seeding": "one sign-up through auth.api.signUpEmail in a setup process, not "
                       "timed; its user and account rows loaded by each timed start",
        },
        "machine": {"nproc": nproc, "loadavg_start": load0, "loadavg_end": os.getloadavg()},
    }
