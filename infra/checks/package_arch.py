#!/usr/bin/env python3
"""Print the architecture (arm64 | x86_64) of the Lambda zips `make package` built.

`make deploy` passes it to terraform, so a function is never declared arm64 while its
bootstrap is an x86-64 binary (or the other way round). Fails when a function's zip is
missing or the zips disagree.

Usage: package_arch.py PACKAGE_DIR FUNCTION...
"""

import sys
import zipfile
from pathlib import Path

# ELF e_machine (little-endian u16 at offset 18).
MACHINES = {0xB7: "arm64", 0x3E: "x86_64"}


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    package_dir, functions = Path(sys.argv[1]), sys.argv[2:]
    found = {}
    for name in functions:
        path = package_dir / name / "bootstrap.zip"
        try:
            with zipfile.ZipFile(path) as archive:
                header = archive.open("bootstrap").read(20)
        except (OSError, KeyError, zipfile.BadZipFile) as err:
            print(f"package_arch: {path}: {err}; run `make package`", file=sys.stderr)
            return 1
        if header[:4] != b"\x7fELF":
            print(f"package_arch: {path}: bootstrap is not an ELF binary", file=sys.stderr)
            return 1
        found[name] = MACHINES.get(int.from_bytes(header[18:20], "little"), "unknown")
    arches = set(found.values())
    if len(arches) != 1 or "unknown" in arches:
        print(f"package_arch: the zips disagree or are unknown: {found}; rebuild with `make package`",
              file=sys.stderr)
        return 1
    print(arches.pop())
    return 0


if __name__ == "__main__":
    sys.exit(main())
