"""What a login costs a site: the journey's steps measured by benchlib/cost.py, priced,
and set beside Amazon Cognito. `r` is either bench's results dict holding login_cost's
answer under "cost", or that answer itself."""

from __future__ import annotations

from ..cost import COGNITO, DYNAMODB_ROUND_TRIP_MS
from .common import fmt_ms


def _c(r: dict) -> dict:
    return r.get("cost", r)


def _usd(v: float | None, digits: int = 2) -> str:
    if v is None:
        return "n/a"
    return f"${v:,.{digits}f}"


def _micro(v: float) -> str:
    """Dollars per million of something that costs `v` dollars once."""
    return f"{v * 1e6:,.2f}"


def _row(step: dict, cost: dict) -> str:
    d = step["dynamodb"]
    wru = f"{d['wru']:g}" + (f" ({d['index_wru']:g} GSI)" if d["index_wru"] else "")
    return (f"| {step['step']} | {step['function']} | {cost['memory_mb']} | "
            f"{d['calls']} ({d['round_trips']}) | {d['rru']:g} | {wru} | "
            f"{fmt_ms(step['wall_ms'])} | {step['cpu_ms']:.2f} | {fmt_ms(cost['modelled_ms'])} | "
            f"{cost['billed_ms']} | {_micro(cost['lambda_usd'])} | {_micro(cost['dynamodb_usd'])} | "
            f"{_micro(cost['api_usd'] + cost['ses_usd'])} | {_micro(cost['total_usd'])} |"
            + (" ⚠ varied between runs" if step.get("varied") else ""))


HEAD = ("| step | function | memory MB | DynamoDB calls (round trips) | RRU | WRU | "
        "wall ms here | CPU ms here | modelled ms on Lambda | billed ms | Lambda $/M | "
        "DynamoDB $/M | API Gateway (+SES) $/M | total $/M |")
RULE = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"


def cost_section(r: dict, facts=None) -> list[str]:
    c = _c(r)
    p = c["priced"]
    lines: list[str] = []
    add = lines.append
    n = c["refreshes"]
    s, reg = p["sign_in"], p["registration"]
    add("## What a login costs a site\n")
    add(f"A member's journey through Wix's client (`@wix/sdk` OAuthStrategy, as "
        f"client/test/direct-login.test.mjs drives it), run by `python3 bench/cost.py` "
        f"(bench/benchlib/cost.py) against the function binaries through the bench's runtime "
        f"API, one warm instance per function, settings at their defaults "
        f"({', '.join(f'{k}={v}' for k, v in c['settings'].items())}). Registered once "
        f"(register → the mailer sends the code from the table's stream → verify); then each "
        f"sign-in: login (`POST /_api/iam/authentication/v2/login`) → redirect session → "
        f"authorize (the page the client loads in its iframe) → token (authorization code, "
        f"PKCE) → current member → {n} refresh(es) (`refresh_token` grant). Figures are "
        f"medians of {c['repeats']} sign-ins of one member after a warm-up member "
        f"registered and signed in once. DynamoDB request units are not moto's: a proxy in "
        f"front of it (bench/benchlib/capacity.py) prices every call from the real item sizes "
        f"by AWS's published rules, honouring each call's ConsistentRead, with the table made "
        f"as in AWS (its key, stream and global secondary indexes) and its index writes "
        f"counted.\n")
    m = c.get("machine")
    if m:
        add(f"Measured {m['date']} at commit {m['commit']} on {m['nproc']} cores ({m['cpu']}, "
            f"load average {m['loadavg_start'][0]:.2f} at start), binaries "
            f"{c.get('binary_arch', '?')} from "
            f"`{sorted({str(b).rsplit('/', 2)[0] for b in c['binaries'].values()})[0]}`.\n")
    add(f"*Modelled ms* is what Lambda would bill: the CPU time measured here × 1769 ÷ "
        f"memory (a core of this machine taken as one vCPU) + {DYNAMODB_ROUND_TRIP_MS:g} ms "
        f"per DynamoDB round trip (assumed, in-region), rounded up to 1 ms. *Wall ms here* is "
        f"the local duration, mostly moto's latency, shown only for reference. $/M = dollars "
        f"per million of that step; Lambda on {p['arch']}.\n")
    add("**One sign-in**\n")
    add(HEAD)
    add(RULE)
    for step, cost in zip(c["sign_in"], p["sign_in_steps"]):
        add(_row(step, cost))
    add(f"| **sign-in, total** | {s['invocations']} invocations | | {s['dynamodb_calls']} | "
        f"{s['rru']:g} | {s['wru']:g} | | | | {s['billed_ms']} | {_micro(s['lambda_usd'])} | "
        f"{_micro(s['dynamodb_usd'])} | {_micro(s['api_usd'])} | **{_micro(s['total_usd'])}** |")
    add("")
    add("**Registration (once per member)**\n")
    add(HEAD)
    add(RULE)
    for step, cost in zip(c["registration"], p["registration_steps"]):
        add(_row(step, cost))
    add(f"| **registration, total** | {reg['invocations']} invocations | | "
        f"{reg['dynamodb_calls']} | {reg['rru']:g} | {reg['wru']:g} | | | | {reg['billed_ms']} | "
        f"{_micro(reg['lambda_usd'])} | {_micro(reg['dynamodb_usd'])} | "
        f"{_micro(reg['api_usd'] + reg['ses_usd'])} | **{_micro(reg['total_usd'])}** |")
    add("")
    add(f"- **1,000 sign-ins cost {_usd(p['per_1000_sign_ins_usd'], 4)}**: Lambda "
        f"{_usd(1000 * s['lambda_usd'], 4)} ({s['gb_s'] * 1000:,.1f} GB-s and "
        f"{s['invocations'] * 1000:,} requests), DynamoDB {_usd(1000 * s['dynamodb_usd'], 4)} "
        f"({s['rru'] * 1000:,.0f} RRU, {s['wru'] * 1000:,.0f} WRU), API Gateway "
        f"{_usd(1000 * s['api_usd'], 4)} ({s['api_requests'] * 1000:,} requests); on "
        + ", ".join(f"{a} {_usd(v, 4)}" for a, v in p.get("per_1000_sign_ins_usd_by_arch", {}).items())
        + ". Each refresh "
        f"is {_usd(p['refresh_usd'] * 1e6)} per million; a sign-in without them "
        f"{_usd(p['sign_in_without_refreshes_usd'] * 1e6)} per million.")
    add(f"- A registration costs {_usd(reg['total_usd'] * 1e6)} per million members, "
        f"{_usd(reg['ses_usd'] * 1e6)} of it the verification email (SES).")
    st = c["storage"]
    add(f"- Storage: after the run the table held {st['items']} items, {st['bytes']:,} bytes "
        f"with DynamoDB's 100 bytes of per-item overhead, for {st['members']} members and "
        f"{st['sign_ins']} sign-ins (≈ {p['storage_bytes_per_member']:,.0f} bytes a member, "
        f"sessions and refresh records included until they expire): "
        f"{_usd(p['storage_usd_per_member_month'] * 1e6)} per million members a month.\n")
    add("**Per month, beside Amazon Cognito** (user pool MAU charges, direct sign-in; "
        "this service: members × sign-ins × one sign-in, storage included, registrations "
        "not)\n")
    plans = list(COGNITO["plans"])
    add("| monthly active members | sign-ins per member | this service | "
        + " | ".join(f"Cognito {pl}" for pl in plans) + " | Cognito Lite ÷ this |")
    add("|---:|---:|---:|" + "---:|" * len(plans) + "---:|")
    for row in p["monthly"]:
        lite = row["cognito_usd"].get("Lite")
        ratio = (f"{lite / row['ours_with_storage_usd']:,.0f}×" if lite else "free tier")
        add(f"| {row['maus']:,} | {row['sign_ins_per_member']} | "
            f"{_usd(row['ours_with_storage_usd'])} | "
            + " | ".join(_usd(row["cognito_usd"][pl]) for pl in plans) + f" | {ratio} |")
    add("")
    add("Assumptions:\n")
    for a in p["assumptions"]:
        add(f"- {a}")
    add("")
    add(f"Prices (us-east-1, on-demand; as published, retrieved {p['retrieved']}):\n")
    pr = p["prices"]
    add(f"- Lambda: ${pr['lambda']['gb_s']['arm64']:.10f} per GB-s (arm64), "
        f"${pr['lambda']['gb_s']['x86_64']:.10f} (x86_64), "
        f"${pr['lambda']['per_million_requests']:.2f} per million requests — "
        f"{pr['lambda']['source']}.")
    add(f"- DynamoDB: ${pr['dynamodb_rru_per_million']['usd']:.3f} per million read request "
        f"units, ${pr['dynamodb_wru_per_million']['usd']:.3f} per million write request "
        f"units — {pr['dynamodb_rru_per_million']['source']}; storage "
        f"${pr['dynamodb_storage_gb_month']['usd']:.2f} per GB-month — "
        f"{pr['dynamodb_storage_gb_month']['source']}.")
    add(f"- API Gateway HTTP API: ${pr['api_gateway_http_per_million']['usd']:.2f} per million "
        f"requests — {pr['api_gateway_http_per_million']['source']}.")
    add(f"- SES: ${pr['ses_per_thousand']['usd']:.2f} per 1,000 emails — "
        f"{pr['ses_per_thousand']['source']}.")
    tiers = "; ".join(
        f"{pl}: " + ", ".join(
            (f"first {upto:,} free" if rate == 0 else
             f"${rate:g} per MAU" + (f" to {upto:,}" if upto else ""))
            for upto, rate in t)
        for pl, t in COGNITO["plans"].items())
    add(f"- Amazon Cognito user pools: {tiers} — {COGNITO['source']}.\n")
    return lines


def cost_summary_rows(r: dict) -> list[str]:
    c = _c(r)
    p = c["priced"]
    s = p["sign_in"]
    rows = [
        f"| cost of 1,000 sign-ins (login → redirect session → authorize → token → current "
        f"member → {c['refreshes']} refreshes), us-east-1 on-demand, {p['arch']} | "
        f"{_usd(p['per_1000_sign_ins_usd'], 4)} (Lambda {_usd(1000 * s['lambda_usd'], 4)}, "
        f"DynamoDB {_usd(1000 * s['dynamodb_usd'], 4)}: {s['rru']:g} RRU + {s['wru']:g} WRU "
        f"a sign-in, API Gateway {_usd(1000 * s['api_usd'], 4)}) | | |",
    ]
    for row in p["monthly"]:
        if row["maus"] != 100_000:
            continue
        cg = row["cognito_usd"]
        rows.append(
            f"| a month at 100,000 active members, {row['sign_ins_per_member']} sign-ins each, "
            f"vs Amazon Cognito | {_usd(row['ours_with_storage_usd'])} vs Cognito Lite "
            f"{_usd(cg.get('Lite'))} / Essentials {_usd(cg.get('Essentials'))} / Plus "
            f"{_usd(cg.get('Plus'))} | | |")
    return rows
