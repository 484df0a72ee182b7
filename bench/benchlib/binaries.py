"""The binaries under test: where they are, their size, whether they are stripped."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

from .config import BENCH, FUNCTIONS, HELLO, ROOT


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


def binary_sizes(binaries: dict[str, Path]) -> dict[str, dict]:
    """Each binary's size, its zip's (none for hello-world) and whether it is stripped."""
    sizes = {}
    for name, path in binaries.items():
        zip_path = ROOT / "target" / "lambda" / name / "bootstrap.zip"
        sizes[name] = {
            "binary": path.stat().st_size,
            "zip": zip_path.stat().st_size if name != HELLO and zip_path.exists() else 0,
            "stripped": elf_stripped(path),
        }
    return sizes


def packaged_at() -> str:
    """When `make package` wrote its newest zip, UTC."""
    built = max(Path(ROOT / "target" / "lambda" / f / "bootstrap.zip").stat().st_mtime
                for f in FUNCTIONS if (ROOT / "target" / "lambda" / f / "bootstrap.zip").exists())
    return datetime.datetime.fromtimestamp(built, datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC")
