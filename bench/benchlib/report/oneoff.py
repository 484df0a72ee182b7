"""Figures this run does not measure: the one-off Tuning table (bench/tuning.json, from
`make bench-tuning`) and the DynamoDB call budgets the integration tests assert."""

from __future__ import annotations

import json

from ..config import BENCH
from .common import Facts, fmt_mb, fmt_ms


def tuning(r: dict, facts: Facts) -> list[str]:
    tuning_file = BENCH / "tuning.json"
    if not tuning_file.exists():
        return []
    lines = []
    add = lines.append
    t = json.loads(tuning_file.read_text())
    tm = t["machine"]
    add("## Tuning\n")
    add(f"Release profiles side by side, from `{t['command']}` (bench/tuning.py; "
        f"{tm['date']}, commit {tm['commit']}, {t['target']}"
        f"{', RUSTFLAGS=' + repr(t['rustflags']) if t['rustflags'] else ''}): a one-off run "
        "kept in `bench/tuning.json`, not repeated by `make bench`. login and not-found are "
        f"built with each profile and started {t['runs']} times each, interleaved, against "
        "the same stack; login's first response includes an argon2 verify at the defaults, "
        "so a slower argon2 would show there. Profiles are in the workspace `Cargo.toml`."
        + (f" {t['note']}" if t.get("note") else "") + "\n")
    base_name = next(iter(t["profiles"]))
    base = t["profiles"][base_name]
    add(f"| profile | function | binary MB | vs {base_name} | ready p50 ms | ratio to "
        f"hello-world | first response p50 ms | vs {base_name} | peak RSS MB |")
    add("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for profile, functions in t["profiles"].items():
        for function, v in functions.items():
            b = base[function]
            add(f"| {profile} | {function} | {fmt_mb(v['binary'])} | "
                f"{(v['binary'] / b['binary'] - 1) * 100:+.0f} % | {fmt_ms(v['ready_ms'])} | "
                f"{v['ready_ms'] / t['hello_ready_ms']:.2f}× | "
                f"{fmt_ms(v['first_response_ms'])} | "
                f"{v['first_response_ms'] - b['first_response_ms']:+.1f} ms | "
                f"{fmt_mb(v['peak_rss'])} |")
    add(f"\nhello-world in that run: ready {fmt_ms(t['hello_ready_ms'])} ms.\n")
    p = t["profiles"]

    def delta(profile: str) -> str:
        return f"{p[profile]['login']['first_response_ms'] - base['login']['first_response_ms']:+.1f} ms"

    if {"deploy", "deploy-thin", "deploy-fat", "release-fat"} <= set(p):
        add("- **Chosen: `deploy`** (opt-level \"s\", no LTO, argon2 and blake2 at opt-level 3): "
            f"login {fmt_mb(p['deploy']['login']['binary'])} MB, "
            f"{(p['deploy']['login']['binary'] / base['login']['binary'] - 1) * 100:+.0f} % "
            f"against {base_name}, first response {delta('deploy')} (argon2 as fast as in "
            f"{base_name}); ready times are within the noise of one another for every profile.")
        add("- **LTO undoes argon2's opt-level override.** With thin or fat LTO every crate is "
            "re-optimised at the binary's opt-level, so argon2 ran at \"s\": login's first "
            f"response {delta('deploy-thin')} (thin) and {delta('deploy-fat')} (fat), a slower "
            "login for every member, to save "
            f"{fmt_mb(p['deploy']['login']['binary'] - p['deploy-thin']['login']['binary'])} MB "
            f"(thin) or {fmt_mb(p['deploy']['login']['binary'] - p['deploy-fat']['login']['binary'])} MB "
            "(fat). Fat LTO at opt-level 3 (`release-fat`) saves only "
            f"{(1 - p['release-fat']['login']['binary'] / base['login']['binary']) * 100:.0f} %.")
    add("- Measured in the same session outside this table, one change at a time: the SDK's "
        "default HTTPS client replaced by `shared/src/https.rs` (HTTP/1.1 only, so no h2): "
        "login 13.11 → 11.57 MB at `release`; `EnvFilter` replaced by `Targets` for "
        "`RUST_LOG` (no regex engine): login 7.92 → 7.50 MB at `deploy`. `make package` "
        "(17 functions) took 3 min 53 s with `deploy`, every crate compiled afresh for the "
        "profile; the last package with `release` (thin LTO, one codegen unit) took 31 min "
        "45 s, not re-timed under equal conditions.")
    add("- **Allocator: glibc's kept.** mimalloc as the global allocator was measured by "
        "`make bench` at commit b2b205c: one SDK call 76 → 59 µs (criterion, same build otherwise) and the handler medians "
        "8–13 % lower, but every function's ready time +0.6–0.8 ms (1.17–1.33× hello-world, "
        "over the goal for three functions) and peak RSS +6–13 MB (register 29 → 42 MB). "
        "Cold starts weigh more than ~30 µs of a warm request, so it was taken out again.")
    add("- **Crypto/TLS backend: aws-lc-rs kept**, not measured against ring in a build: "
        "rustls with aws-lc-rs offers the post-quantum hybrid key exchange X25519MLKEM768, "
        "which AWS endpoints accept and ring cannot do; the budget is met with it.")
    add("- **Runtime: single-threaded tokio** (`flavor = \"current_thread\"` in every "
        "`main.rs`): a Lambda instance runs one event at a time, so worker threads only add "
        "start-up and wake-ups; argon2 still runs on the blocking pool.")
    add("")
    return lines


def dynamodb_calls(r: dict, facts: Facts) -> list[str]:
    lines = []
    add = lines.append
    add("## DynamoDB calls per operation\n")
    add("Asserted by the integration tests (`make test`) against moto with a counting client; "
        "not re-measured here.\n")
    add("| operation | DynamoDB calls | test |")
    add("|---|---:|---|")
    add("| login | 6 in two round trips (the attempt counted by conditional `UpdateItem`s of the lockout counter and the account-wide budget beside a `BatchGetItem` of the credentials and the source counter; then the login stamped beside the run's `DeleteItem` and the budget's return) | `tests/api/login.rs`: `a_login_costs_six_dynamodb_calls_in_two_round_trips` |")
    add("| register | ≤ 2 | `tests/api/register.rs`: `a_registration_costs_at_most_two_dynamodb_calls` |")
    add("| refresh (token, `grant_type=refresh_token`) | ≤ 2 | `tests/api/oauth.rs`: `token_and_member_reads_stay_within_their_dynamodb_budgets` |")
    add("| current member | ≤ 1 | `tests/api/oauth.rs`: `token_and_member_reads_stay_within_their_dynamodb_budgets` |")
    add("| headless register, email verification on: fresh ÷ taken address | a taken one costs one more (the decoy code and the owner\'s link in one batch; the failed transaction names the owner) | `tests/api/headless.rs`: `registering_a_taken_email_looks_like_a_fresh_registration` |")
    add("| recovery (send-recovery-email), a member's address or an unknown one | 4 for either (the rate counter, the credentials, a recovery record for the member or for no one, the sealed email or its decoy) | `tests/api/recovery.rs`: `recovery_does_the_same_table_work_for_a_member_and_for_an_unknown_address` |")
    add("| approveMember (a move between listing partitions) | 2 (the member read, then one transaction: the member and a share of each partition's count) | `tests/api/directory.rs`: `totals_follow_every_move_between_partitions` |")
    add("")
    add("A failed login writes the source counter instead (and the lock, from the fifth "
        "attempt of a run): a wrong password and an unknown email cost the same four "
        "calls. The attempt is counted before its password is checked, so parallel "
        "guesses verify no more than sequential ones.\n")
    return lines
