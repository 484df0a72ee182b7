#!/usr/bin/env python3
"""Which crates make a function binary big: symbol sizes of an UNSTRIPPED release build,
grouped by crate. Not part of `make bench` (the packaged binaries are stripped, so this
needs one extra link). To get the binary without touching the shared target directory:

    cp -a target/x86_64-unknown-linux-gnu/release /tmp/syms/x86_64-unknown-linux-gnu/
    cp -a target/release /tmp/syms/
    RUSTFLAGS="-C target-cpu=haswell" CARGO_TARGET_DIR=/tmp/syms cargo rustc --release \
      --target x86_64-unknown-linux-gnu -p login --bin login --locked -- -C strip=none
    python3 bench/size_breakdown.py /tmp/syms/x86_64-unknown-linux-gnu/release/login

(RUSTFLAGS as cargo-lambda sets them, so only the changed crates and the link run again.)
Prints a markdown table. Sizes are of text/rodata/data symbols (`nm -S`); sections without
symbols (.eh_frame, .rela.dyn, part of .rodata) are listed from `size -A` below it.
"""

import collections
import re
import subprocess
import sys

GROUPS = [
    ("AWS SDK, smithy runtime, aws-config (with its STS/SSO providers)",
     r"^aws_(sdk|smithy|config|runtime|sigv4|types|credential)"),
    ("HTTP/2 (h2), pulled in by the SDK's default HTTPS client", r"^h2$"),
    ("hyper, hyper-util, http, tower",
     r"^(hyper|hyper_util|hyper_rustls|http|http_body|http_body_util|tower|tower_layer|tower_service|httparse)$"),
    ("rustls, webpki, rustls-native-certs",
     r"^(rustls|webpki|rustls_native_certs|rustls_pki_types|rustls_webpki|tokio_rustls)$"),
    ("aws-lc-rs (Rust side)", r"^aws_lc_rs$"),
    ("tracing, tracing-subscriber, regex",
     r"^(tracing|tracing_subscriber|tracing_core|regex|regex_syntax|regex_automata|regex_lite|matchers|sharded_slab|nu_ansi_term|tracing_log)$"),
    ("serde, serde_json", r"^(serde|serde_json|serde_core|serde_path_to_error|serde_urlencoded)$"),
    ("tokio, futures", r"^(tokio|futures_util|futures_core|futures_channel|mio)$"),
    ("lambda_runtime, lambda_http, aws_lambda_events",
     r"^(lambda_runtime|lambda_http|aws_lambda_events|lambda_runtime_api_client)$"),
]
STD = r"^(std|core|alloc|hashbrown)$"


def main() -> None:
    binary = sys.argv[1]
    out = subprocess.run(["nm", "-S", "--size-sort", "-C", binary], capture_output=True,
                         text=True, check=True).stdout
    total = collections.Counter()
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4 or parts[2].lower() not in "trd":
            continue
        size, name = int(parts[1], 16), parts[3]
        bare = re.sub(r"^[<&*\s]+|\b(dyn|mut|const) ", "", name).lstrip("<&* ")
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", bare)
        if "::" not in name:
            group = "C code without a Rust path (aws-lc and its s2n-bignum, libc glue)"
        elif not m:
            group = "other Rust (trait impls on references and the like)"
        elif re.match(STD, m.group(1)):
            group = "std, core, alloc (mostly generic code instantiated for the crates above)"
        else:
            for label, rx in GROUPS:
                if re.match(rx, m.group(1)):
                    group = label
                    break
            else:
                group = ("members_auth and the function itself" if m.group(1) == "members_auth"
                         or m.group(1) == binary.rsplit("/", 1)[-1].replace("-", "_")
                         else "other crates")
        total[group] += size
    whole = sum(total.values())
    print(f"symbols of {binary}: {whole / 1e6:.2f} MB\n")
    print("| share | MB | what |\n|---:|---:|---|")
    for group, size in total.most_common():
        print(f"| {size / whole * 100:.0f} % | {size / 1e6:.2f} | {group} |")
    print("\nsections (size -A):")
    print(subprocess.run(["size", "-A", binary], capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main()
