#!/usr/bin/env python3
"""Offline check of infra/ against the AWS provider's schema (python-hcl2; no provider binary).

`terraform validate` needs the provider plugin (a download); this needs only the schema,
taken from the pinned PyPI package cdktf-cdktf-provider-aws (requirements-schema.txt),
whose jsii assembly (_jsii/provider-aws@<version>.jsii.tgz -> package/.jsii) describes
every resource and data source of one provider release. Every `resource "aws_*"`,
`data "aws_*"` and `provider "aws"` block, with its nested blocks and `dynamic` blocks
(a `dynamic "x" { content { ... } }` is checked as a block x), must then:
  * set only arguments and blocks the schema declares (plus Terraform's meta-arguments);
    a computed-only attribute (arn, invoke_arn, ...) is not in the schema's input, so
    setting one fails like a misspelling;
  * set every required argument and block;
  * write a block as a block and an argument as `name = value`, and a block that takes
    at most one (max_items = 1) at most once.

How the assembly maps to Terraform (derive()): each resource/data source is a jsii class
based on cdktf.TerraformResource / cdktf.TerraformDataSource whose docs summary links
"docs/resources/<page> aws_<type>" (or docs/data-sources/...); its initializer's `config`
struct is the block's input. Every struct property's docs link the Terraform argument as
"...#<argument_name> Class#<argument_name>": that anchor is the Terraform name (cdktf
renames some properties, e.g. get_password_data -> fetchPasswordData, node -> nodeAttribute,
so camelCase -> snake_case is not reliable). `optional: true` is optional, its absence is
required. A property whose type is (a list of) a generated struct and whose summary reads
"<name> block." is a nested block (a single struct = at most one); a struct-typed property
without it is an object-typed argument (`x = { ... }`, also accepted in block syntax since
SDKv2's attribute-as-block mode allows either). Computed-only attributes exist only as
getters on the class, never in a config struct.

The assembly (130 MB of JSON) is reduced once to what the check needs: `make infra-schema`
downloads the pinned wheel (pip, hash-checked, --no-deps: no jsii or node runtime) and
writes .tools/aws-provider-schema.json with --derive; the check refuses a derived file of
another package version than the pin.

Usage: provider_schema.py [--infra DIR] [--schema FILE]
       provider_schema.py --derive WHEEL --out FILE
Exits 1 with a list of failures (file, block address, argument).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REQUIREMENTS = HERE / "requirements-schema.txt"
PACKAGE = "cdktf-cdktf-provider-aws"
DEFAULT_SCHEMA = REPO / ".tools" / "aws-provider-schema.json"
DERIVED_FORMAT = 1

# Terraform's own arguments and blocks, outside any provider schema (`timeouts` is not
# here: it is in the schema of exactly the resources that take it). Their contents are
# Terraform's to check, and `terraform providers` (infra-fmt-check) loads them.
META = {
    "resource": ({"count", "for_each", "depends_on", "provider"},
                 {"lifecycle", "provisioner", "connection"}),
    "data": ({"count", "for_each", "depends_on", "provider"}, {"lifecycle"}),
    "provider": ({"alias"}, set()),
}
DYNAMIC_ARGUMENTS = {"for_each", "iterator", "labels"}

# Arguments the deployed provider has but the schema's release does not: versions.tf
# pins hashicorp/aws 6.32.1 and the last cdktf-cdktf-provider-aws (21.22.1, the bindings
# were discontinued in December 2025) carries 6.25.0. Each entry says which release added
# it; an entry that the schema learns, or that infra/ stops using, fails, so the list
# only ever holds what is needed.
#   (kind, type, path) -> why; path is the argument or block within the block, nested
#   blocks joined with ".", e.g. ("resource", "aws_lambda_function", "tracing_config.x");
#   path "*" admits a whole resource/data type newer than the schema (unchecked).
# Empty for now: everything infra/ sets is already in 6.25.0.
NEWER_THAN_SCHEMA: dict[tuple[str, str, str], str] = {
}

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)


# --- deriving the schema from the jsii assembly ----------------------------------

LINK = re.compile(
    r"\{@link https://registry\.terraform\.io/providers/hashicorp/aws/(?P<version>[^/\s]+)/docs"
    r"(?:/(?P<kind>resources|data-sources)/(?P<page>\w+))?(?:#(?P<anchor>\w+))?\s+(?P<text>[^}]*)\}")
BLOCK_SUMMARY = re.compile(r"^(?P<name>\w+) block\.")
ASSEMBLY_PREFIX = "@cdktf/provider-aws."


def read_assembly(wheel: Path) -> dict:
    """The jsii assembly inside the wheel: a tarball of the npm package, .jsii within."""
    with zipfile.ZipFile(wheel) as whl:
        tgzs = [n for n in whl.namelist() if n.endswith(".jsii.tgz")]
        if len(tgzs) != 1:
            raise SystemExit(f"{wheel}: expected one _jsii/*.jsii.tgz, found {tgzs}")
        with whl.open(tgzs[0]) as raw, tarfile.open(fileobj=raw, mode="r:gz") as tar:
            assembly = json.load(tar.extractfile("package/.jsii"))
            # Newer jsii may store the assembly compressed behind a redirect.
            if assembly.get("schema") == "jsii/file-redirect":
                data = tar.extractfile("package/" + assembly["filename"]).read()
                if assembly.get("compression") == "gzip":
                    data = gzip.decompress(data)
                assembly = json.loads(data)
    return assembly


def struct_ref(type_: dict):
    """(fqn, is_list) when a jsii type is a generated struct or a list/map of one."""
    if "fqn" in type_:
        return (type_["fqn"], False) if type_["fqn"].startswith(ASSEMBLY_PREFIX) else None
    if "collection" in type_:
        inner = struct_ref(type_["collection"]["elementtype"])
        return (inner[0], True) if inner else None
    if "union" in type_:  # cdktf.IResolvable | Struct[]
        for member in type_["union"]["types"]:
            if inner := struct_ref(member):
                return inner
    return None


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def derive(wheel: Path) -> dict:
    assembly = read_assembly(wheel)
    types = assembly["types"]
    structs: dict[str, dict] = {}
    versions: set[str] = set()
    stats = {"unlinked": 0}

    def convert(fqn: str) -> str:
        key = fqn.removeprefix(ASSEMBLY_PREFIX)
        if key in structs:
            return key
        struct = types[fqn]
        if struct.get("kind") != "interface" or not struct.get("datatype"):
            raise SystemExit(f"{fqn}: not a jsii struct")
        schema = {"arguments": {}, "objects": {}, "blocks": {}}
        structs[key] = schema  # before recursing: structs may nest themselves
        properties = list(struct.get("properties", []))
        for parent in struct.get("interfaces", []):  # config structs: cdktf.TerraformMetaArguments
            if parent.startswith(ASSEMBLY_PREFIX):
                properties += types[parent].get("properties", [])
        for prop in properties:
            docs = prop.get("docs", {})
            text = f"{docs.get('summary', '')} {docs.get('remarks', '')}"
            link = LINK.search(text)
            if link and link["anchor"]:
                name = link["anchor"]
                versions.add(link["version"])
            else:
                name = snake(prop["name"])
                stats["unlinked"] += 1
            required = not prop.get("optional", False)
            ref = struct_ref(prop["type"])
            is_block = BLOCK_SUMMARY.match(docs.get("summary", ""))
            if is_block and ref:
                schema["blocks"][name] = {"required": required, "max_one": not ref[1],
                                          "schema": convert(ref[0])}
            elif is_block:  # primitive `any`: cdktf did not model it (deep wafv2/quicksight trees)
                schema["blocks"][name] = {"required": required, "max_one": False, "schema": None}
            elif ref:
                schema["objects"][name] = {"required": required, "schema": convert(ref[0])}
            else:
                schema["arguments"][name] = required
        return key

    roots = {"resource": {}, "data": {}, "provider": {}}
    for fqn, type_ in types.items():
        kind = {"cdktf.TerraformResource": "resource", "cdktf.TerraformDataSource": "data",
                "cdktf.TerraformProvider": "provider"}.get(type_.get("base"))
        if not kind:
            continue
        link = LINK.search(type_.get("docs", {}).get("summary", ""))
        if not link:
            raise SystemExit(f"{fqn}: no registry link names its Terraform type")
        page_kind = {"resource": "resources", "data": "data-sources", "provider": None}[kind]
        if link["kind"] != page_kind:
            raise SystemExit(f"{fqn}: a {kind} linking {link['kind']} docs")
        config = [p for p in type_["initializer"]["parameters"] if p["name"] == "config"]
        tf_type = link["text"].strip()
        if tf_type in roots[kind]:
            raise SystemExit(f"{fqn}: {kind} {tf_type} defined twice")
        roots[kind][tf_type] = convert(config[0]["type"]["fqn"]) if config else None
        versions.add(link["version"])
    if len(versions) != 1:
        raise SystemExit(f"{wheel}: links name provider versions {sorted(versions)}")
    return {
        "format": DERIVED_FORMAT,
        "package": PACKAGE,
        "assembly": assembly["name"],
        "package_version": assembly["version"],
        "wheel": wheel.name,
        "wheel_sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "provider_version": versions.pop(),
        "unlinked_properties": stats["unlinked"],
        "resource": roots["resource"],
        "data": roots["data"],
        "provider": roots["provider"],
        "structs": structs,
    }


def pinned_version() -> str:
    for line in REQUIREMENTS.read_text().splitlines():
        if m := re.match(rf"^{re.escape(PACKAGE)}==([^\s;\\]+)", line.strip()):
            return m[1]
    raise SystemExit(f"{REQUIREMENTS}: no {PACKAGE}== pin")


def load_schema(path: Path) -> dict:
    pin = pinned_version()
    if not path.exists():
        raise SystemExit(f"provider schema: {path} not found: run `make infra-schema` "
                         f"(derives it from {PACKAGE}=={pin})")
    schema = json.loads(path.read_text())
    if schema.get("format") != DERIVED_FORMAT or schema.get("package_version") != pin:
        raise SystemExit(f"provider schema: {path} is from {PACKAGE} "
                         f"{schema.get('package_version')}, the pin is {pin}: run `make infra-schema`")
    return schema


# --- checking infra/ -------------------------------------------------------------

def unquote(value):
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def is_block_list(value) -> bool:
    """python-hcl2 writes `x { ... }` as [{..., "__is_block__": True}], `x = {...}` as a dict."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, dict) and v.get("__is_block__") for v in value))


class Checker:
    def __init__(self, schema: dict):
        self.schema = schema
        self.structs = schema["structs"]
        self.used_allowances: set[tuple[str, str, str]] = set()
        self.blocks_checked = 0   # top-level resource/data/provider blocks
        self.nested_checked = 0   # nested and dynamic block bodies
        self.skipped: list[str] = []

    def check_file(self, file: str, doc: dict) -> None:
        for kind in ("resource", "data"):
            for entry in doc.get(kind, []):
                for type_, named in entry.items():
                    for name, body in named.items():
                        self.check_top(file, kind, unquote(type_), unquote(name), body)
        for entry in doc.get("provider", []):
            for name, body in entry.items():
                self.check_top(file, "provider", unquote(name), None, body)

    def check_top(self, file, kind, type_, name, body) -> None:
        address = (f"data.{type_}.{name}" if kind == "data" else
                   f"provider {type_}" if kind == "provider" else f"{type_}.{name}")
        if kind == "provider" and type_ != "aws" or kind != "provider" and not type_.startswith("aws_"):
            self.skipped.append(address)  # another provider's schema (random_*): not carried here
            return
        root = self.schema[kind].get(type_)
        if root is None and self.allowed((kind, type_), "*"):
            self.skipped.append(f"{address} (NEWER_THAN_SCHEMA)")
            return
        if root is None:
            fail(f"{file}: {address}: {kind} type {type_} does not exist in the aws provider "
                 f"{self.schema['provider_version']}")
            return
        self.blocks_checked += 1
        meta_args, meta_blocks = META[kind]
        self.check_body(file, address, (kind, type_), "", (), body, root, meta_args, meta_blocks)

    def allowed(self, origin, path) -> bool:
        key = (*origin, path)
        if key in NEWER_THAN_SCHEMA:
            self.used_allowances.add(key)
            return True
        return False

    def check_body(self, file, address, origin, path, route, body, struct_key,
                   meta_args=frozenset(), meta_blocks=frozenset()) -> None:
        """One block body against one schema struct. path names the nested block as
        written (`dynamic attribute`, `statement[2] > principals`); route is its schema
        path (`statement.principals`), the allow-list's key."""
        where = f"{file}: {address}" + (f" {path}" if path else "")
        if struct_key is None:  # a block cdktf left unmodelled: anything goes
            return
        schema = self.structs[struct_key]
        arguments, objects, blocks = schema["arguments"], schema["objects"], schema["blocks"]
        seen: set[str] = set()
        dotted = lambda key: ".".join((*route, key))  # noqa: E731

        def nested(key: str, label: str, content: dict) -> None:
            self.nested_checked += 1
            sub = f"{path} > {label}" if path else label
            block = blocks.get(key) or objects.get(key)
            self.check_body(file, address, origin, sub, (*route, key), content, block["schema"])

        for key, value in body.items():
            if key == "__is_block__":
                continue
            # dynamic "x" { ... } -> "dynamic": [{'"x"': {..., "__is_block__": True}}]
            if key == "dynamic" and isinstance(value, list) and all(isinstance(v, dict) for v in value):
                for entry in value:
                    for label, dyn in entry.items():
                        if label == "__is_block__":
                            continue
                        block_name = unquote(label)
                        seen.add(block_name)
                        if block_name not in blocks and block_name not in objects:
                            if not self.allowed(origin, dotted(block_name)):
                                fail(f"{where}: dynamic \"{block_name}\": no block {block_name} "
                                     f"in {origin[1]} (provider {self.schema['provider_version']})")
                            continue
                        for arg in dyn:
                            if arg not in DYNAMIC_ARGUMENTS | {"content", "__is_block__"}:
                                fail(f"{where}: dynamic \"{block_name}\": unknown argument {arg} "
                                     f"(a dynamic block takes for_each, iterator, labels, content)")
                        contents = dyn.get("content")
                        if "for_each" not in dyn or not is_block_list(contents) or len(contents) != 1:
                            fail(f"{where}: dynamic \"{block_name}\": needs for_each and one content block")
                            continue
                        nested(block_name, f"dynamic {block_name}", contents[0])
                continue
            seen.add(key)
            if key in meta_args or key in meta_blocks:
                continue
            if is_block_list(value):
                if key in blocks or key in objects:
                    if key in blocks and blocks[key]["max_one"] and len(value) > 1:
                        fail(f"{where}: {key}: at most one {key} block ({len(value)} given)")
                    for i, content in enumerate(value):
                        nested(key, f"{key}[{i}]" if len(value) > 1 else key, content)
                elif key in arguments:
                    fail(f"{where}: {key} is an argument, not a block: write {key} = ...")
                elif not self.allowed(origin, dotted(key)):
                    fail(f"{where}: {key}: unknown block (not in {origin[1]} of provider "
                         f"{self.schema['provider_version']})")
            elif key in arguments or key in objects:
                continue
            elif key in blocks:
                fail(f"{where}: {key} is a block, not an argument: write {key} {{ ... }}")
            elif not self.allowed(origin, dotted(key)):
                fail(f"{where}: {key}: unknown argument (not in {origin[1]} of provider "
                     f"{self.schema['provider_version']}; computed-only attributes cannot be set)")

        for key, required in arguments.items():
            if required and key not in seen:
                fail(f"{where}: missing required argument {key}")
        for key, spec in list(objects.items()) + list(blocks.items()):
            if spec["required"] and key not in seen:
                fail(f"{where}: missing required {'block' if key in blocks else 'argument'} {key}")


@functools.lru_cache(maxsize=None)
def parse(text: str) -> dict:
    """One file's python-hcl2 tree (read-only: cached, so the test's many copies of
    infra/ parse only the files they changed)."""
    import hcl2
    from hcl2.utils import SerializationOptions

    return hcl2.loads(text, serialization_options=SerializationOptions(with_comments=False))


def load(infra: Path) -> dict[str, dict]:
    docs = {}
    for path in sorted(infra.glob("*.tf")):
        try:
            docs[path.name] = parse(path.read_text())
        except Exception as err:  # noqa: BLE001 - any parse error is a failure to report
            fail(f"{path.name}: does not parse: {err}")
    return docs


def check(infra: Path, schema: dict) -> Checker:
    checker = Checker(schema)
    for file, doc in load(infra).items():
        checker.check_file(file, doc)
    for key, why in NEWER_THAN_SCHEMA.items():
        kind, type_, path = key
        if key not in checker.used_allowances:
            fail(f"NEWER_THAN_SCHEMA: {kind} {type_} {path} is not needed (unused, or in the "
                 f"schema now): remove it ({why})")
    return checker


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--infra", type=Path, default=HERE.parent)
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA)
    parser.add_argument("--derive", type=Path, metavar="WHEEL",
                        help=f"write the derived schema of this {PACKAGE} wheel to --out")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    if args.derive:
        if not args.out:
            parser.error("--derive needs --out")
        derived = derive(args.derive)
        if derived["package_version"] != pinned_version():
            raise SystemExit(f"{args.derive}: version {derived['package_version']}, "
                             f"the pin is {pinned_version()}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(derived, separators=(",", ":"), sort_keys=True))
        tmp.replace(args.out)
        print(f"provider schema: {derived['package']} {derived['package_version']} (aws provider "
              f"{derived['provider_version']}): {len(derived['resource'])} resources, "
              f"{len(derived['data'])} data sources, {len(derived['structs'])} structs -> {args.out}")
        return 0

    schema = load_schema(args.schema)
    checker = check(args.infra, schema)
    if failures:
        print(f"provider schema: {len(failures)} problem(s):", file=sys.stderr)
        for message in failures:
            print(f"  - {message}", file=sys.stderr)
        return 1
    skipped = f"; not checked (no schema here): {', '.join(checker.skipped)}" if checker.skipped else ""
    print(f"provider schema OK: {checker.blocks_checked} resource/data/provider blocks and "
          f"{checker.nested_checked} nested blocks match hashicorp/aws {schema['provider_version']} "
          f"({schema['package']} {schema['package_version']}), "
          f"{len(NEWER_THAN_SCHEMA)} newer argument(s) allowed{skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
