"""Where a warm login's CPU goes, by code: `perf record` on one `login` instance (built with
symbols and frame pointers) while it answers logins one after another, its samples sorted
into what the work is for. Complements bench/benchlib/cpu.py, which splits the same CPU by
thread without perf.

A sample belongs to the first category any of its frames matches, read from the leaf
towards `main`: a `core::fmt` frame called by the SDK's signer is signing, a kernel frame
is the kernel's whatever called it. glibc has no frame pointers, so its frames (malloc,
free, memcpy) end the unwinding and keep a category of their own.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from .cpu import process_counters, warm_login
from .events import Events
from .runner import Runner

# (category, pattern on the frame's symbol, or on its object for the first two), in the
# order each frame is tried. Symbols are demangled Rust paths: `<T as Trait>::f` names T.
CATEGORIES: list[tuple[str, str]] = [
    ("kernel: sockets, epoll, loopback TCP, scheduling", "dso:kernel"),
    ("glibc: malloc, free, memcpy (callers not unwound)", "dso:libc"),
    ("AWS SDK: SigV4 signing", r"^aws_sigv4::"),
    ("AWS SDK: request and response (de)serialisation",
     r"^aws_smithy_json::|^aws_sdk_dynamodb::protocol_serde|"
     r"^aws_sdk_dynamodb::operation::\w+::\w+(Request|Response)(Serializer|Deserializer)"),
    ("AWS SDK: orchestrator, interceptors, config layers, endpoint rules",
     r"^aws_smithy_|^aws_runtime::|^aws_sdk_dynamodb::|^aws_types::|^aws_credential_types::"),
    ("HTTP/1.1 client (hyper, connection pool)", r"^hyper|^members_auth::https::|^httparse::"),
    ("Lambda runtime client and event conversion",
     r"^lambda_runtime|^lambda_http|^aws_lambda_events::"),
    ("logging (tracing, JSON lines)",
     r"^tracing_subscriber::|^tracing_core::event|^members_auth::telemetry::"),
    ("the service's own code (flows, store items, tokens, responses)",
     r"^members_auth::|^login::"),
    ("async runtime (tokio, futures)", r"^tokio::|^futures_|^mio::"),
]
OTHER = "other (std, core, frames perf could not name)"
ARGON2 = r"^argon2::|^blake2::"


def _frame(line: str) -> tuple[str, str]:
    """(symbol, object) of one `perf script` call-chain line."""
    _, _, rest = line.strip().partition(" ")
    obj = rest[rest.rfind("(") + 1:-1] if rest.endswith(")") else ""
    symbol = re.sub(r"\+0x[0-9a-f]+$", "", rest[:rest.rfind(" (")] if " (" in rest else rest)
    symbol = re.sub(r"^(<|&mut |&|dyn |impl )+", "", symbol)
    return symbol, obj


def categorise(frames: list[tuple[str, str]]) -> str:
    for symbol, obj in frames:
        for name, pattern in CATEGORIES:
            if pattern.startswith("dso:"):
                if pattern[4:] in obj:
                    return name
            elif re.search(pattern, symbol):
                return name
    return OTHER


def samples(perf_script: str) -> list[tuple[int, list[tuple[str, str]]]]:
    """(thread id, frames from the leaf) of each sample of `perf script`'s text."""
    out = []
    for block in perf_script.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if len(lines) < 2:
            continue
        head = lines[0].split()
        out.append((int(head[0]), [_frame(line) for line in lines[1:]]))
    return out


def classify(perf_script: str, main_tid: int) -> dict:
    """Shares of the main thread's samples by category, and of the other threads' samples
    spent in argon2."""
    main, others, argon2 = Counter(), 0, 0
    for tid, frames in samples(perf_script):
        if tid == main_tid:
            main[categorise(frames)] += 1
        else:
            others += 1
            argon2 += any(re.search(ARGON2, symbol) for symbol, _ in frames)
    total = sum(main.values())
    return {
        "main_samples": total,
        "main": {name: count / total for name, count in main.most_common()} if total else {},
        "other_samples": others,
        "other_in_argon2": argon2 / others if others else 0.0,
    }


def profile_login(runner: Runner, events: Events, perf_data: Path, logins: int = 300,
                  warm: int = 5, frequency: int = 1999) -> dict:
    """One instance's logins under `perf record -g`, sampled at `frequency` Hz."""
    with warm_login(runner, events, warm) as instance:
        pid = instance.proc.pid
        perf = subprocess.Popen(
            ["perf", "record", "-q", "-F", str(frequency), "-g", "-p", str(pid),
             "-o", str(perf_data)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.5)  # perf attaches before the first timed login
        before = process_counters(pid)
        non_200 = sum(status != 200 for status in instance.logins(logins))
        after = process_counters(pid)
        perf.send_signal(signal.SIGINT)
        _, err = perf.communicate(timeout=60)
        if perf.returncode not in (0, -signal.SIGINT):
            raise SystemExit(f"perf record failed: {err.decode(errors='replace')}")
    script = subprocess.run(["perf", "script", "-i", str(perf_data), "-F", "tid,ip,sym,dso"],
                            check=True, capture_output=True, text=True).stdout
    per = {key: (after[key] - before[key]) / logins for key in before}
    return {
        "logins": logins,
        "non_200": non_200,
        "frequency_hz": frequency,
        "main_thread_ms": per["main_thread_s"] * 1000,
        "cpu_ms": (per["user_s"] + per["system_s"]) * 1000,
        **classify(script, pid),
    }
