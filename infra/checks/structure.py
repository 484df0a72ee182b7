#!/usr/bin/env python3
"""Offline structure test of infra/ (python-hcl2; no provider, no network).

Checks that the Terraform agrees with the repository and with itself:
  * functions/<name>/ crates == keys of local.functions == function_memory_mb's default,
    and every per-function resource fans out over local.functions;
  * routes: well-formed, unique, one route resource over local.routes, targets and
    Lambda permissions wired to the route's own function, AWS_IAM exactly on privileged
    routes (a privileged function's `key_routes` are public: the function checks the
    site API key), and the same routes as Cargo.toml's cargo-lambda watch router (if present);
  * IAM: every policy is an aws_iam_policy_document, with no wildcard action, principal
    or resource (the two exceptions are documented at IAM_STAR_ACTIONS and LOG_STREAMS);
  * references: every var.X is declared in variables.tf (and every variable is used),
    every local.X is defined, every resource/data reference names a declared block.

Usage: structure.py [--infra DIR] [--repo-root DIR]; exits 1 with a list of failures.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import hcl2
from hcl2.utils import SerializationOptions

CONCERN_FILES = [
    "versions.tf", "variables.tf", "locals.tf", "dynamodb.tf", "lambda.tf",
    "api.tf", "ses.tf", "iam.tf", "secrets.tf", "outputs.tf", "alarms.tf", "mailer.tf",
]
# Functions no route reaches, each declared on its own (not in local.functions): the
# mailer, fed by the table's stream (mailer.tf).
STREAM_FUNCTIONS = {"mailer"}
# Resources that must exist once per function, fanned out over local.functions.
PER_FUNCTION = [
    ("resource", "aws_lambda_function"),
    ("resource", "aws_cloudwatch_log_group"),
    ("resource", "aws_iam_role"),
    ("resource", "aws_iam_role_policy"),
    ("data", "aws_iam_policy_document"),
    ("resource", "aws_apigatewayv2_integration"),
]
# Actions AWS documents as having no resource-level permissions: "*" is their only resource.
IAM_STAR_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords",
                    # The mailer's stream mapping needs it; it has no resource-level form.
                    "dynamodb:ListStreams"}
# The streams of one log group: "<aws_cloudwatch_log_group.X[...].arn>:*".
LOG_STREAMS = re.compile(r"^\$\{aws_cloudwatch_log_group\.[\w-]+(\[[^\]]+\])?\.arn\}:\*$")
# IAM action names for item-level DynamoDB calls (transactions use the item actions).
DYNAMODB_ACTIONS = {
    "BatchGetItem", "BatchWriteItem", "ConditionCheckItem", "DeleteItem", "DescribeTable",
    "GetItem", "PutItem", "Query", "Scan", "UpdateItem",
}
ROUTE_KEY = re.compile(r"^((GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (/[^\s]*)|\$default)$")
# cargo-lambda's router (matchit) spells API Gateway's "$default" as a root catch-all.
CATCH_ALL = re.compile(r"^/(\{\*\w+\}|\*\w*)$")
ROUTE_WIRING = {
    "for_each": "local.routes",
    "target": '"integrations/${aws_apigatewayv2_integration.function[each.value.function].id}"',
    "authorization_type": 'each.value.privileged ? "AWS_IAM" : "NONE"',
}
PERMISSION_WIRING = {
    "for_each": "local.routes",
    "function_name": "aws_lambda_function.function[each.value.function].function_name",
}

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)


# --- python-hcl2 output helpers ------------------------------------------------

def unquote(value):
    """'"text"' -> 'text'; anything else (expressions, numbers, bools) unchanged."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def expr(value) -> str:
    """A value as Terraform source: '${a.b}' -> 'a.b', '"x${y}"' stays quoted."""
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return value if isinstance(value, str) else repr(value)


def strip_meta(node):
    if isinstance(node, dict):
        return {k: strip_meta(v) for k, v in node.items() if k != "__is_block__"}
    if isinstance(node, list):
        return [strip_meta(v) for v in node]
    return node


def interpolations(text: str) -> list[str]:
    """The ${...} parts of a string, braces balanced."""
    parts, depth, start = [], 0, None
    i = 0
    while i < len(text):
        if text.startswith("${", i) and (i == 0 or text[i - 1] != "$"):
            if depth == 0:
                start = i + 2
            depth += 1
            i += 2
            continue
        if depth and text[i] == "{":
            depth += 1
        elif depth and text[i] == "}":
            depth -= 1
            if depth == 0:
                parts.append(text[start:i])
        i += 1
    return parts


def expressions(node):
    """Every expression text in a parsed tree (literal strings only via their ${})."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from expressions(key)
            yield from expressions(value)
    elif isinstance(node, list):
        for value in node:
            yield from expressions(value)
    elif isinstance(node, str):
        yield from interpolations(node)


def blocks(doc: dict, kind: str):
    """(type, name, body) of resource/data blocks; (name, body) pairs for variable/output."""
    for entry in doc.get(kind, []):
        for type_, named in entry.items():
            if kind in ("resource", "data"):
                for name, body in named.items():
                    yield unquote(type_), unquote(name), body
            else:
                yield unquote(type_), named


# --- checks ----------------------------------------------------------------------

def load(infra: Path) -> dict[str, dict]:
    options = SerializationOptions(with_comments=False)
    docs = {}
    for path in sorted(infra.glob("*.tf")):
        try:
            docs[path.name] = strip_meta(hcl2.load(path.open(), serialization_options=options))
        except Exception as err:  # noqa: BLE001 - any parse error is a failure to report
            fail(f"{path.name}: does not parse: {err}")
    for name in CONCERN_FILES:
        if name not in docs and not (infra / name).exists():
            fail(f"{name}: missing (one file per concern: {', '.join(CONCERN_FILES)})")
    return docs


def check_placement(docs: dict[str, dict]) -> None:
    for file, doc in docs.items():
        for kind, home in (("variable", "variables.tf"), ("output", "outputs.tf"),
                           ("terraform", "versions.tf"), ("provider", "versions.tf"),
                           ("locals", "locals.tf"), ("module", None)):
            if kind in doc and file != home:
                where = f"belongs in {home}" if home else "is not used here (plain resources only)"
                fail(f"{file}: a {kind} block {where}")


def functions_local(docs: dict[str, dict]) -> dict[str, dict]:
    for entry in docs.get("locals.tf", {}).get("locals", []):
        if "functions" in entry:
            raw = entry["functions"]
            if not isinstance(raw, dict):
                fail("local.functions must be a literal map (name => settings)")
                return {}
            functions = {}
            for name, spec in raw.items():
                spec = spec if isinstance(spec, dict) else {}
                functions[unquote(name)] = {
                    "routes": [unquote(r) for r in spec.get("routes", [])],
                    "key_routes": [unquote(r) for r in spec.get("key_routes", [])]
                    if isinstance(spec.get("key_routes"), list) else None,
                    "privileged": spec.get("privileged"),
                    "dynamodb_actions": [unquote(a) for a in spec.get("dynamodb_actions", [])],
                }
            return functions
    fail("locals.tf: no `functions` local")
    return {}


def check_functions(docs, functions, repo_root: Path) -> None:
    crates_dir = repo_root / "functions"
    crates = {p.parent.name for p in crates_dir.glob("*/Cargo.toml")}
    if not crates_dir.is_dir():
        fail(f"{crates_dir}: not found (expected one crate per Lambda)")
    declared = set(functions)
    for name in sorted(STREAM_FUNCTIONS - crates):
        fail(f"stream function {name}: no functions/{name}/Cargo.toml")
    crates -= STREAM_FUNCTIONS
    if crates != declared:
        if crates - declared:
            fail(f"crates without an entry in local.functions: {sorted(crates - declared)}")
        if declared - crates:
            fail(f"local.functions entries without a functions/<name>/Cargo.toml: {sorted(declared - crates)}")

    for name, spec in functions.items():
        if not isinstance(spec["privileged"], bool):
            fail(f"local.functions.{name}.privileged must be true or false")
        if spec["key_routes"] is None:
            fail(f"local.functions.{name}.key_routes must be a list (empty when the function has none)")
            spec["key_routes"] = []
        if not spec["routes"] and not spec["key_routes"]:
            fail(f"local.functions.{name} has no routes")
        for action in spec["dynamodb_actions"]:
            if action not in DYNAMODB_ACTIONS:
                fail(f"local.functions.{name}: {action!r} is not a DynamoDB IAM action "
                     f"(transactions are authorised by their item actions)")

    # Every per-function resource exists once, over local.functions.
    everything = {}
    for doc in docs.values():
        for kind in ("resource", "data"):
            for type_, name, body in blocks(doc, kind):
                everything.setdefault((kind, type_), []).append((name, body))
    for kind, type_ in PER_FUNCTION:
        instances = everything.get((kind, type_), [])
        fanned = [name for name, body in instances if expr(body.get("for_each")) == "local.functions"]
        if not fanned:
            fail(f"no {kind} {type_} with for_each = local.functions")
    for name, body in everything.get(("resource", "aws_lambda_function"), []):
        if name in STREAM_FUNCTIONS:
            continue
        if expr(body.get("for_each")) != "local.functions":
            fail(f"aws_lambda_function.{name}: every function must come from local.functions")

    integrations = everything.get(("resource", "aws_apigatewayv2_integration"), [])
    for name, body in integrations:
        if expr(body.get("integration_uri")) != "aws_lambda_function.function[each.key].invoke_arn":
            fail(f"aws_apigatewayv2_integration.{name}: integration_uri must be its own function's invoke_arn")
        if unquote(body.get("payload_format_version")) != "2.0":
            fail(f"aws_apigatewayv2_integration.{name}: payload_format_version must be 2.0")

    memory_default = {}
    for file, doc in docs.items():
        for vname, body in blocks(doc, "variable"):
            if vname == "function_memory_mb":
                memory_default = {unquote(k): v for k, v in (body.get("default") or {}).items()}
    if set(memory_default) != declared:
        fail(f"variable function_memory_mb's default must list exactly the functions: "
             f"missing {sorted(declared - set(memory_default))}, extra {sorted(set(memory_default) - declared)}")

    check_routes(everything, functions)


def check_routes(everything, functions) -> dict:
    routes: dict[str, str] = {}
    for name, spec in functions.items():
        for route in spec["routes"] + spec["key_routes"]:
            if not ROUTE_KEY.match(route):
                fail(f"local.functions.{name}: route {route!r} is not 'METHOD /path'")
            if route in routes:
                fail(f"route {route!r} belongs to both {routes[route]} and {name}")
            routes[route] = name

    route_resources = everything.get(("resource", "aws_apigatewayv2_route"), [])
    if len(route_resources) != 1:
        fail(f"expected one aws_apigatewayv2_route resource (over local.routes), found {len(route_resources)}")
    for name, body in route_resources:
        for attribute, wanted in ROUTE_WIRING.items():
            if expr(body.get(attribute)) != wanted:
                fail(f"aws_apigatewayv2_route.{name}.{attribute} must be {wanted}, is {expr(body.get(attribute))}")

    permissions = everything.get(("resource", "aws_lambda_permission"), [])
    if len(permissions) != 1:
        fail(f"expected one aws_lambda_permission resource (over local.routes), found {len(permissions)}")
    for name, body in permissions:
        for attribute, wanted in PERMISSION_WIRING.items():
            if expr(body.get(attribute)) != wanted:
                fail(f"aws_lambda_permission.{name}.{attribute} must be {wanted}, is {expr(body.get(attribute))}")
        source = expr(body.get("source_arn"))
        wanted = '"${aws_apigatewayv2_api.this.execution_arn}/*/${each.value.arn_route}"'
        if source != wanted:
            fail(f"aws_lambda_permission.{name}.source_arn must be {wanted} (this API, the route's own ARN)")
    return routes


def check_router(repo_root: Path, functions) -> str:
    cargo = repo_root / "Cargo.toml"
    if not cargo.exists():
        return "no Cargo.toml"
    try:
        meta = tomllib.loads(cargo.read_text())
    except tomllib.TOMLDecodeError as err:
        fail(f"Cargo.toml: {err}")
        return "unreadable"
    router = meta.get("workspace", {}).get("metadata", {}).get("lambda", {}).get("watch", {}).get("router")
    if router is None:
        return "no watch router in Cargo.toml"

    def norm(path: str) -> str:  # matchit's ":id" and "{id}" are the same parameter
        return "$default" if CATCH_ALL.match(path) else re.sub(r":(\w+)", r"{\1}", path)

    infra: dict[str, set] = {}
    for name, spec in functions.items():
        for route in spec["routes"] + spec["key_routes"]:
            method, _, path = route.partition(" ")
            if route == "$default":
                method, path = "ANY", "$default"
            infra.setdefault(norm(path), set()).add((method, name))

    unknown: dict[str, list[str]] = {}
    for path, target in router.items():
        names = [target] if isinstance(target, str) else [
            t.get("function") for t in target if isinstance(t, dict)] if isinstance(target, list) else []
        missing = [n for n in names if n not in functions]
        for name in missing:
            unknown.setdefault(str(name), []).append(path)
        mine = infra.get(norm(path))
        if mine is None:
            if not missing:
                fail(f"Cargo.toml watch router has {path} but no function in infra routes it")
            continue
        if isinstance(target, str):
            wrong = {(m, f) for m, f in mine if f != target}
            if wrong:
                fail(f"{path}: watch router sends it to {target}, infra to {sorted(wrong)}")
        elif isinstance(target, list):
            # OPTIONS entries carry make dev's CORS preflights to a function (its CORS
            # stand-in answers them); in AWS the gateway answers them without a route.
            theirs = {(str(t.get("method", "")).upper(), t.get("function")) for t in target
                      if str(t.get("method", "")).upper() != "OPTIONS"}
            if theirs != mine:
                fail(f"{path}: watch router has {sorted(theirs)}, infra has {sorted(mine)}")
        else:
            fail(f"{path}: watch router value must be a function name or a list of {{method, function}}")
    if unknown:
        listed = "; ".join(f"{name} ({', '.join(paths)})" for name, paths in sorted(unknown.items()))
        fail(f"Cargo.toml watch router names functions that are not in local.functions: {listed}. "
             f"Add functions/<name>/ and its local.functions entry (routes, privileged, ...), "
             f"or drop those router entries")
    for path in sorted(set(infra) - {norm(p) for p in router}):
        fail(f"{path}: routed in infra but missing from Cargo.toml's watch router")
    return f"{len(router)} watch-router paths match"


def check_iam(docs) -> int:
    statements = 0
    for file, doc in docs.items():
        for kind in ("resource",):
            for type_, name, body in blocks(doc, kind):
                if type_ in ("aws_iam_policy", "aws_iam_role_policy_attachment", "aws_iam_user_policy",
                             "aws_iam_group_policy", "aws_iam_policy_attachment"):
                    fail(f"{file}: {type_}.{name}: only inline role policies from aws_iam_policy_document are allowed")
                for attribute in ("policy", "assume_role_policy", "managed_policy_arns", "inline_policy"):
                    if attribute in body:
                        value = expr(body[attribute])
                        if not re.fullmatch(r"data\.aws_iam_policy_document\.[\w-]+(\[[^\]]+\])?\.json", value):
                            fail(f"{file}: {type_}.{name}.{attribute} must be an aws_iam_policy_document's json")
        for type_, name, body in blocks(doc, "data"):
            if type_ != "aws_iam_policy_document":
                continue
            found = list(body.get("statement", []))
            for dynamic in body.get("dynamic", []):
                for label, dyn in dynamic.items():
                    if unquote(label) == "statement":
                        found.extend(dyn.get("content", []))
            for statement in found:
                statements += 1
                where = f"{file}: data.{type_}.{name} statement {unquote(statement.get('sid', '?'))}"
                actions = statement.get("actions", [])
                action_list = [unquote(a) for a in actions] if isinstance(actions, list) else [expr(actions)]
                if "not_actions" in statement or "not_resources" in statement:
                    fail(f"{where}: not_actions/not_resources grant everything else")
                for action in action_list:
                    if "*" in action:
                        fail(f"{where}: wildcard action {action!r}")
                resources = statement.get("resources", [])
                resource_list = [unquote(r) for r in resources] if isinstance(resources, list) else [expr(resources)]
                for resource in resource_list:
                    if resource == "*":
                        if not action_list or not set(action_list) <= IAM_STAR_ACTIONS:
                            fail(f"{where}: resource \"*\" is allowed only for {sorted(IAM_STAR_ACTIONS)} "
                                 f"(no resource-level permissions), not {action_list}")
                    elif "*" in resource and not LOG_STREAMS.match(resource):
                        fail(f"{where}: wildcard resource {resource!r}")
                for principal in statement.get("principals", []):
                    for identifier in principal.get("identifiers", []):
                        if "*" in str(unquote(identifier)):
                            fail(f"{where}: wildcard principal {identifier!r}")
    return statements


def check_references(docs) -> tuple[int, int]:
    variables = {name: file for file, doc in docs.items() for name, _ in blocks(doc, "variable")}
    for name, file in variables.items():
        if file != "variables.tf":
            fail(f"{file}: variable {name} must be declared in variables.tf")
    local_names = {key for doc in docs.values() for entry in doc.get("locals", []) for key in entry}
    declared = {(kind, t, n) for doc in docs.values() for kind in ("resource", "data")
                for t, n, _ in blocks(doc, kind)}
    providers = {"aws", "random"}

    used_vars = set()
    for file, doc in docs.items():
        for text in expressions(doc):
            for var in re.findall(r"(?<![\w.])var\.([A-Za-z_][\w-]*)", text):
                used_vars.add(var)
                if var not in variables:
                    fail(f"{file}: var.{var} is not declared in variables.tf")
            for local in re.findall(r"(?<![\w.])local\.([A-Za-z_][\w-]*)", text):
                if local not in local_names:
                    fail(f"{file}: local.{local} is not defined in a locals block")
            for data, type_, name in re.findall(r"(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)", text):
                if type_.split("_", 1)[0] not in providers:
                    continue
                kind = "data" if data else "resource"
                if (kind, type_, name) not in declared:
                    fail(f"{file}: {data}{type_}.{name} is not declared")
    for name in sorted(set(variables) - used_vars):
        fail(f"variables.tf: variable {name} is declared but never used")
    return len(variables), len(local_names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent.parent
    parser.add_argument("--infra", type=Path, default=here)
    parser.add_argument("--repo-root", type=Path, default=here.parent)
    args = parser.parse_args()

    docs = load(args.infra)
    check_placement(docs)
    functions = functions_local(docs)
    check_functions(docs, functions, args.repo_root)
    router = check_router(args.repo_root, functions)
    statements = check_iam(docs)
    n_vars, n_locals = check_references(docs)

    routes = sum(len(f["routes"]) + len(f["key_routes"]) for f in functions.values())
    privileged = sum(len(f["routes"]) for f in functions.values() if f["privileged"])
    if failures:
        print(f"infra structure: {len(failures)} problem(s):", file=sys.stderr)
        for message in failures:
            print(f"  - {message}", file=sys.stderr)
        return 1
    print(f"infra structure OK: {len(docs)} files, {len(functions)} functions = functions/* crates, "
          f"{routes} routes ({privileged} AWS_IAM), {router}, {statements} IAM statement blocks without wildcards "
          f"(beyond X-Ray/log streams), {n_vars} variables and {n_locals} locals all resolved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
