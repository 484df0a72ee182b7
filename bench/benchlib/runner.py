"""Driving the packaged Lambda binaries through the bench's runtime API: spawning them in a
Lambda-like environment, a cold start, a start under strace."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from runtime_api import Invocation, RuntimeAPI, Session

from .config import RESULTS
from .procfs import vm_status


class Runner:
    """Starts function binaries against a RuntimeAPI in a Lambda-like environment; their
    output goes to bench/results/logs/<function>.log."""

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
        return timed_cold_start(
            api, event, lambda: self.spawn(function, api, extra_env=extra_env),
            lambda proc: self.wait_done(api.session, function, [proc]))

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


def timed_cold_start(api: RuntimeAPI, event: bytes, spawn: Callable[[], subprocess.Popen],
                     wait: Callable[[subprocess.Popen], Invocation]) -> dict:
    """One cold start: `event` waiting at `api` before `spawn` starts the process; ready =
    its first GET /next, first response = its answer (`wait` takes it), both from the
    spawn; its VmHWM as it answers. Stops the process and `api`."""
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
    proc = spawn()
    pid["pid"] = proc.pid
    spawned.set()
    try:
        inv = wait(proc)
    finally:
        Runner.stop(proc)
        api.stop()
    return {
        "ready_ms": (session.first_next_ns - t0) / 1e6,
        "first_response_ms": (inv.done_ns - t0) / 1e6,
        "status": inv.status_code(),
        "hwm": inv.extra.get("VmHWM", 0),
    }


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

