"""Where a warm login's CPU goes: one `login` instance answering logins one after another,
its CPU split by thread (the function runs a current-thread runtime, so its main thread does
all but argon2, which runs on the blocking pool) and into user and system time, with its
page faults, beside argon2's own verify CPU from bench/argon2-verify on a thread of its own.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from runtime_api import Session

from .config import PASSWORD
from .events import Events
from .runner import Runner

CLOCK_TICKS = 100  # os.sysconf("SC_CLK_TCK") on Linux


def _stat_fields(path: Path) -> list[str]:
    # The comm field is in parentheses and may hold spaces: split after it.
    text = path.read_text()
    return text[text.rindex(")") + 2:].split()


def process_counters(pid: int) -> dict[str, float]:
    """user and system CPU seconds and minor/major page faults of a process, whole, and
    CPU seconds of its main thread (the async runtime) apart from the rest."""
    fields = _stat_fields(Path(f"/proc/{pid}/stat"))
    main = _stat_fields(Path(f"/proc/{pid}/task/{pid}/stat"))
    # Fields after comm: state(0) ppid … minflt(7) cminflt majflt(9) cmajflt utime(11) stime(12)
    return {
        "user_s": int(fields[11]) / CLOCK_TICKS,
        "system_s": int(fields[12]) / CLOCK_TICKS,
        "minor_faults": int(fields[7]),
        "major_faults": int(fields[9]),
        "main_thread_s": (int(main[11]) + int(main[12])) / CLOCK_TICKS,
    }


@contextmanager
def warm_login(runner: Runner, events: Events, warm: int = 5) -> Iterator[WarmLogin]:
    """One `login` instance after `warm` untimed logins, stopped afterwards."""
    api = runner.runtime("login")
    proc = runner.spawn("login", api)
    try:
        instance = WarmLogin(runner, events, api.session, proc)
        instance.logins(warm)
        yield instance
    finally:
        runner.stop(proc)
        api.stop()


@dataclass
class WarmLogin:
    runner: Runner
    events: Events
    session: Session
    proc: subprocess.Popen

    def logins(self, count: int) -> list[int]:
        """`count` logins of the bench member one after another: their statuses."""
        statuses = []
        for _ in range(count):
            self.session.submit(self.events.login(self.events.login_email, PASSWORD))
            statuses.append(self.runner.wait_done(self.session, "login", [self.proc])
                            .status_code())
        return statuses


def login_cpu(runner: Runner, events: Events, logins: int = 200, warm: int = 5) -> dict:
    """CPU per warm login of one instance, `logins` in a row after `warm` untimed ones."""
    with warm_login(runner, events, warm) as instance:
        before = process_counters(instance.proc.pid)
        statuses = instance.logins(logins)
        after = process_counters(instance.proc.pid)
    per = {key: (after[key] - before[key]) / logins for key in before}
    user_ms, system_ms = per["user_s"] * 1000, per["system_s"] * 1000
    return {
        "logins": logins,
        "non_200": sum(1 for s in statuses if s != 200),
        "user_ms": user_ms,
        "system_ms": system_ms,
        "cpu_ms": user_ms + system_ms,
        "main_thread_ms": per["main_thread_s"] * 1000,
        "other_threads_ms": user_ms + system_ms - per["main_thread_s"] * 1000,
        "minor_faults": per["minor_faults"],
        "major_faults": per["major_faults"],
    }


def beyond_argon2(login: dict, argon2_memory: dict) -> dict:
    """The login's CPU beside argon2's own (kept memory, as the functions verify since
    issue 15; the crate's fresh-memory figure beside it for the record)."""
    kept = argon2_memory["kept_user_ms"] + argon2_memory["kept_system_ms"]
    fresh = argon2_memory["fresh_user_ms"] + argon2_memory["fresh_system_ms"]
    return {"argon2_kept_ms": kept, "argon2_fresh_ms": fresh,
            "beyond_argon2_ms": login["cpu_ms"] - kept}
