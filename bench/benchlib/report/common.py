"""Number formats, verdicts, and the figures several report sections quote."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import FUNCTIONS, HELLO, MB, SECRET_START
from ..util import med


def fmt_ms(v: float) -> str:
    return f"{v:.1f}"


def fmt_mb(v: float) -> str:
    return f"{v / MB:.2f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


@dataclass
class Facts:
    """Figures quoted by more than one section (the summary and the findings repeat the
    sections' headline numbers), worked out once from the results."""

    hello_ready: float
    worst_ratio_fn: str  # the function slowest to get ready
    worst_ratio: float
    biggest: str  # largest binary
    hungriest: str  # largest peak RSS
    best_tp: dict  # the throughput setting with the most logins/s
    tp_frac: float
    started: list[str]  # the starts traced for network calls
    quiet: list[str]  # those that connected somewhere besides the runtime API during init
    worst_handler: str | None
    worst_us: float | None
    # CPU ms per login at the best throughput setting: the login processes, moto, the
    # runtime API and driver, their sum; and other work's share of the machine.
    own: float
    moto: float
    driver: float
    ours: float
    other_share: float

    @classmethod
    def of(cls, r: dict) -> Facts:
        cold = r["cold"]
        hello_ready = med(cold[HELLO]["ready_ms"])
        worst_ratio_fn = max(FUNCTIONS, key=lambda f: med(cold[f]["ready_ms"]))
        best_tp = max(r["throughput"], key=lambda t: t["per_second"])
        started = [f for f in [HELLO, *FUNCTIONS, SECRET_START] if f in r["network"]]
        h = r.get("handlers")
        worst_handler = max(h["overhead_us"], key=h["overhead_us"].get) if h else None
        c = best_tp["cpu_ms_per_login"]
        moto, own, driver = c["moto"], c["login processes"], c["runtime API + driver"]
        return cls(
            hello_ready=hello_ready,
            worst_ratio_fn=worst_ratio_fn,
            worst_ratio=med(cold[worst_ratio_fn]["ready_ms"]) / hello_ready,
            biggest=max(FUNCTIONS, key=lambda f: r["sizes"][f]["binary"]),
            hungriest=max(FUNCTIONS, key=lambda f: max(cold[f]["hwm"])),
            best_tp=best_tp,
            tp_frac=best_tp["per_second"] / r["ceiling"],
            started=started,
            quiet=[f for f in started if r["network"][f]["init"] != r["network"][f]["expected"]],
            worst_handler=worst_handler,
            worst_us=h["overhead_us"][worst_handler] if h else None,
            own=own,
            moto=moto,
            driver=driver,
            ours=own + moto + driver,
            other_share=best_tp["other_cpu_s"] / (best_tp["seconds"] * r["machine"]["nproc"]),
        )


def stamp(figures: dict) -> None:
    """Names the commit and the time a one-off figure file was measured at."""
    import datetime
    import subprocess

    from ..config import ROOT
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    figures["commit"] = commit or "?"
    figures["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def rewrite_section(heading: str, section: list[str], after: str | None = None) -> None:
    """Replaces BENCHMARKS.md's section that starts with `heading` (or puts it after the
    section `after`, else at the end), for the one-off benches that render a section of
    `make bench`'s report on their own."""
    from ..config import ROOT
    report = ROOT / "BENCHMARKS.md"
    text = report.read_text()
    start = text.find(heading)
    if start < 0:
        at = text.find(after) if after else -1
        end = text.find("\n## ", at + 1) if at >= 0 else -1
        if end < 0:
            text = text.rstrip("\n") + "\n\n" + "\n".join(section)
        else:
            text = text[:end + 1] + "\n".join(section) + text[end:]
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + "\n".join(section) + ("" if end < 0 else text[end:])
    report.write_text(text.rstrip("\n") + "\n")
