"""A counting proxy in front of the local DynamoDB (moto): every DynamoDB call a function
makes through it is forwarded unchanged, and priced in on-demand request units from the
real sizes of the items it read or wrote, by AWS's published rules. The functions reach
it through AWS_ENDPOINT_URL; anything that is not a DynamoDB call is forwarded as it is.

moto does not meter capacity (its ConsumedCapacity is a stub), so the proxy works the
units out itself. To know an item's size before and after a write it reads the item from
moto around the call, with calls of its own that are not counted. A journey runs one
request at a time, so nothing else writes in between.

Rules (each cited where it is applied):
  [RW]  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
        "DynamoDB read and write operations": a strongly consistent read of an item up
        to 4 KB is one read unit, eventually consistent one half, transactional two;
        item sizes for reads are rounded up to the next 4 KB; GetItem: the item's size
        rounded up to 4 KB, halved for an eventually consistent read (the default);
        BatchGetItem: each item as its own GetItem, each rounded up to 4 KB first;
        Query: the total size of the items read, rounded up to 4 KB; a write is one
        write unit per 1 KB (rounded up); PutItem and UpdateItem: the larger of the item
        before and after; DeleteItem: the size of the deleted item; BatchWriteItem: each
        put or delete as its own; a failed conditional write still consumes write units
        (the size of the existing item, at least 1); a read of an item that does not
        exist still consumes read units (the minimum above).
  [OD]  https://aws.amazon.com/dynamodb/pricing/on-demand/ "Key terms": read request
        unit (strongly consistent up to 4 KB = 1, eventually consistent = 1/2,
        transactional = 2); write request unit (1 KB standard; transactional = 2).
  [TX]  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
        "Capacity management for transactions": DynamoDB performs two underlying reads
        or writes of every item in a transaction (prepare and commit), ConditionCheck
        included; so 2 units per item of the sizes above.
  [SZ]  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
        "DynamoDB item sizes and formats": an item's size is the sum of its attribute
        names' and values' lengths; strings UTF-8 bytes; numbers about 1 byte per two
        significant digits + 1 (leading and trailing zeroes trimmed); binary the raw
        bytes; null and Boolean 1 byte; List and Map 3 bytes of overhead plus their
        elements, and 1 byte per element; sets the sum of their members.
  [GSI] https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html
        ("Provisioned throughput considerations for Global Secondary Indexes", write
        rules): a table write that adds an item with the index's key attributes costs
        one index write, one that removes it one, one that changes an indexed key
        attribute two (delete the old index entry, put the new); a write that changes
        neither the index key nor a projected attribute writes nothing to the index.
        Each index write is sized on the index entry (the table's key, the index's key
        and the projected attributes), per 1 KB. Queries of a KEYS_ONLY index read the
        projected entries, eventually consistent (indexes offer nothing else).
"""

from __future__ import annotations

import base64
import http.client
import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

PREFIX = "DynamoDB_20120810."
READ_UNIT_BYTES = 4096  # [RW] reads per 4 KB
WRITE_UNIT_BYTES = 1024  # [RW] writes per 1 KB


# ---------------------------------------------------------------- item sizes [SZ]

def _number_size(text: str) -> int:
    digits = text.lstrip("+-").lower().split("e")[0].replace(".", "")
    digits = digits.strip("0") or "0"  # leading and trailing zeroes are trimmed
    return (len(digits) + 1) // 2 + 1  # 1 byte per two significant digits, + 1 byte


def value_size(value: dict) -> int:
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return _number_size(v)
    if kind == "B":
        return len(base64.b64decode(v))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in v)
    if kind == "NS":
        return sum(_number_size(n) for n in v)
    if kind == "BS":
        return sum(len(base64.b64decode(b)) for b in v)
    if kind == "L":  # 3 bytes of overhead, 1 byte per element
        return 3 + sum(1 + value_size(e) for e in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(e) for k, e in v.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict | None) -> int:
    """Bytes of an item (attribute names + values); 0 for no item."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(v) for name, v in item.items())


def read_units(size: int, consistent: bool) -> float:
    """[RW] one unit per 4 KB (at least one), half for an eventually consistent read."""
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return units if consistent else units / 2


def write_units(size: int) -> int:
    """[RW] one unit per 1 KB, at least one."""
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


# ---------------------------------------------------------------- the proxy

class CapacityProxy:
    """Listens on 127.0.0.1:<free port>; forwards to `upstream` (moto). `calls` holds one
    dict per DynamoDB call: op, table, rru, wru (index writes included), index_wru,
    start/end (perf_counter_ns), ok, and a short detail per item."""

    def __init__(self, upstream: str = "http://127.0.0.1:5000"):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.calls: list[dict] = []
        self.lock = threading.Lock()
        self.schemas: dict[str, dict] = {}
        self.local = threading.local()
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "CapacityProxy":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def mark(self) -> int:
        with self.lock:
            return len(self.calls)

    def since(self, mark: int) -> list[dict]:
        with self.lock:
            return list(self.calls[mark:])

    # ---- upstream calls

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(*self.upstream, timeout=30)
            self.local.conn = conn
        return conn

    def forward(self, method: str, path: str, body: bytes, headers: dict) -> tuple[int, list, bytes]:
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.getheaders(), resp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def own(self, op: str, payload: dict) -> tuple[int, dict]:
        """A call of the proxy's own (uncounted)."""
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": PREFIX + op,
            "Authorization": "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/"
                             "aws4_request, SignedHeaders=host, Signature=0",
        }
        status, _, body = self.forward("POST", "/", json.dumps(payload).encode(), headers)
        return status, json.loads(body or b"{}")

    def schema(self, table: str) -> dict:
        """The table's key attributes and its GSIs (name -> key attributes, projection)."""
        if table not in self.schemas:
            _, d = self.own("DescribeTable", {"TableName": table})
            t = d["Table"]
            indexes = {}
            for gsi in t.get("GlobalSecondaryIndexes", []):
                proj = gsi.get("Projection", {})
                indexes[gsi["IndexName"]] = {
                    "keys": [k["AttributeName"] for k in gsi["KeySchema"]],
                    "type": proj.get("ProjectionType", "ALL"),
                    "include": proj.get("NonKeyAttributes", []),
                }
            self.schemas[table] = {"keys": [k["AttributeName"] for k in t["KeySchema"]],
                                   "indexes": indexes}
        return self.schemas[table]

    def get(self, table: str, key: dict) -> dict | None:
        _, d = self.own("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
        return d.get("Item")

    def key_of(self, table: str, item: dict) -> dict:
        return {k: item[k] for k in self.schema(table)["keys"] if k in item}

    # ---- index writes [GSI]

    def index_writes(self, table: str, old: dict | None, new: dict | None) -> tuple[int, list]:
        s = self.schema(table)
        total, detail = 0, []
        for name, idx in s["indexes"].items():
            def entry(item: dict | None) -> dict | None:
                if not item or not all(k in item for k in idx["keys"]):
                    return None  # sparse: the item is not in this index
                names = set(s["keys"]) | set(idx["keys"])
                if idx["type"] == "ALL":
                    names = set(item)
                elif idx["type"] == "INCLUDE":
                    names |= set(idx["include"])
                return {n: item[n] for n in names if n in item}
            before, after = entry(old), entry(new)
            if before is None and after is None:
                continue
            if before is not None and after is not None:
                keys_changed = any(before.get(k) != after.get(k) for k in idx["keys"])
                if keys_changed:  # delete the old entry, put the new one
                    units = write_units(item_size(before)) + write_units(item_size(after))
                elif before != after:  # a projected attribute changed
                    units = write_units(max(item_size(before), item_size(after)))
                else:
                    units = 0
            else:
                units = write_units(item_size(before or after))
            if units:
                total += units
                detail.append(f"{name}:{units}")
        return total, detail

    # ---- metering

    def meter(self, op: str, req: dict, status: int, resp: dict, pre: dict) -> dict:
        ok = status == 200
        err = "" if ok else str(resp.get("__type", "")).rsplit("#", 1)[-1]
        rec: dict[str, Any] = {"op": op, "ok": ok, "error": err, "rru": 0.0, "wru": 0,
                               "index_wru": 0, "items": []}
        table = req.get("TableName")
        rec["table"] = table
        if op == "GetItem":
            if ok:
                item = self.get(table, req["Key"]) if "ProjectionExpression" in req else resp.get("Item")
                strong = bool(req.get("ConsistentRead"))
                rec["rru"] = read_units(item_size(item), strong)
                rec["items"].append(f"{item_size(item)}B {'strong' if strong else 'eventual'}")
        elif op == "BatchGetItem":
            if ok:
                unprocessed = resp.get("UnprocessedKeys", {})
                for t, ka in req["RequestItems"].items():
                    strong = bool(ka.get("ConsistentRead"))
                    skip = unprocessed.get(t, {}).get("Keys", [])
                    for key in ka["Keys"]:
                        if key in skip:
                            continue
                        size = item_size(self.get(t, key))  # each item as its own GetItem
                        rec["rru"] += read_units(size, strong)
                        rec["items"].append(f"{size}B {'strong' if strong else 'eventual'}")
                rec["table"] = ",".join(req["RequestItems"])
        elif op == "TransactGetItems":
            if ok:
                for action in req["TransactItems"]:
                    g = action["Get"]
                    size = item_size(self.get(g["TableName"], g["Key"]))
                    rec["rru"] += 2 * read_units(size, True)  # [TX] two reads per item
                    rec["items"].append(f"{size}B transactional")
        elif op in ("Query", "Scan"):
            if ok:
                rec["rru"], rec["items"] = self.meter_query(op, req, resp)
        elif op in ("PutItem", "UpdateItem", "DeleteItem"):
            old = pre.get("old")
            if ok:
                new = None if op == "DeleteItem" else self.get(table, pre["key"])
                size = item_size(old) if op == "DeleteItem" else max(item_size(old), item_size(new))
                rec["wru"] = write_units(size)
                iw, idet = self.index_writes(table, old, new)
                rec["index_wru"] = iw
                rec["items"].append(f"{size}B" + (f" +index {' '.join(idet)}" if idet else ""))
            elif err == "ConditionalCheckFailedException":
                rec["wru"] = write_units(item_size(old))  # [RW] a failed condition still costs
                rec["items"].append(f"{item_size(old)}B condition failed")
        elif op == "BatchWriteItem":
            if ok:
                unprocessed = resp.get("UnprocessedItems", {})
                for (t, request), old in zip(pre["requests"], pre["olds"]):
                    if request in unprocessed.get(t, []):
                        continue
                    key = (self.key_of(t, request["PutRequest"]["Item"]) if "PutRequest" in request
                           else request["DeleteRequest"]["Key"])
                    new = self.get(t, key) if "PutRequest" in request else None
                    size = max(item_size(old), item_size(new))
                    rec["wru"] += write_units(size)
                    iw, idet = self.index_writes(t, old, new)
                    rec["index_wru"] += iw
                    rec["items"].append(f"{size}B" + (f" +index {' '.join(idet)}" if idet else ""))
                rec["table"] = ",".join(req["RequestItems"])
        elif op == "TransactWriteItems":
            tables = []
            for (kind, t, key), old in zip(pre["actions"], pre["olds"]):
                tables.append(t)
                if ok and kind != "ConditionCheck":
                    new = None if kind == "Delete" else self.get(t, key)
                    size = max(item_size(old), item_size(new))
                    iw, idet = self.index_writes(t, old, new)
                else:
                    # A ConditionCheck, or any action of a cancelled transaction: sized on
                    # the item as it stands (assumed: the prepare phase is still charged).
                    size, iw, idet = item_size(old), 0, []
                rec["wru"] += 2 * write_units(size)  # [TX] two writes per item
                rec["index_wru"] += iw
                rec["items"].append(f"{kind} {size}B" + (f" +index {' '.join(idet)}" if idet else ""))
            rec["table"] = ",".join(dict.fromkeys(tables))
        rec["wru"] += rec["index_wru"]
        return rec

    def meter_query(self, op: str, req: dict, resp: dict) -> tuple[float, list]:
        """[RW] a Query or Scan reads the items before any filter or projection: re-run it
        (uncounted) without FilterExpression, ProjectionExpression and Select, and size what
        that returns (a KEYS_ONLY index returns exactly its projected entries)."""
        items = resp.get("Items", [])
        if any(k in req for k in ("FilterExpression", "ProjectionExpression", "Select")):
            again = {k: v for k, v in req.items()
                     if k not in ("FilterExpression", "ProjectionExpression", "Select",
                                  "ExpressionAttributeNames", "ExpressionAttributeValues")}
            used = " ".join(str(req.get(k, "")) for k in ("KeyConditionExpression",))
            names = {k: v for k, v in req.get("ExpressionAttributeNames", {}).items() if k in used}
            values = {k: v for k, v in req.get("ExpressionAttributeValues", {}).items() if k in used}
            if names:
                again["ExpressionAttributeNames"] = names
            if values:
                again["ExpressionAttributeValues"] = values
            status, d = self.own(op, again)
            if status == 200:
                items = d.get("Items", [])
        total = sum(item_size(i) for i in items)
        strong = bool(req.get("ConsistentRead")) and "IndexName" not in req
        units = max(1, math.ceil(total / READ_UNIT_BYTES))
        return (units if strong else units / 2), [f"{len(items)} items {total}B"
                                                  f"{' ' + req['IndexName'] if 'IndexName' in req else ''}"]

    def before(self, op: str, req: dict) -> dict:
        """What the write will change, read before it."""
        pre: dict = {}
        if op in ("PutItem", "UpdateItem", "DeleteItem"):
            t = req["TableName"]
            key = self.key_of(t, req["Item"]) if op == "PutItem" else req["Key"]
            pre = {"key": key, "old": self.get(t, key)}
        elif op == "BatchWriteItem":
            pre = {"requests": [], "olds": []}
            for t, requests in req["RequestItems"].items():
                for request in requests:
                    key = (self.key_of(t, request["PutRequest"]["Item"]) if "PutRequest" in request
                           else request["DeleteRequest"]["Key"])
                    pre["requests"].append((t, request))
                    pre["olds"].append(self.get(t, key))
        elif op == "TransactWriteItems":
            pre = {"actions": [], "olds": []}
            for action in req["TransactItems"]:
                (kind, body), = action.items()
                t = body["TableName"]
                key = self.key_of(t, body["Item"]) if kind == "Put" else body["Key"]
                pre["actions"].append((kind, t, key))
                pre["olds"].append(self.get(t, key))
        return pre


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: CapacityProxy

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _relay(self, method: str) -> None:
        # A call's span starts when it arrives, before the proxy's own reads, so that
        # calls a function issued together overlap (round_trips).
        start = time.perf_counter_ns()
        body = self._body() if method != "GET" else b""
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "content-length", "transfer-encoding")}
        if body or method == "POST":
            headers["Content-Length"] = str(len(body))
        target = self.headers.get("X-Amz-Target", "")
        p = self.owner
        op = target[len(PREFIX):] if target.startswith(PREFIX) else ""
        req, pre = {}, {}
        if op:
            req = json.loads(body or b"{}")
            pre = p.before(op, req)
        status, resp_headers, resp_body = p.forward(method, self.path, body, headers)
        if op:
            try:
                rec = p.meter(op, req, status, json.loads(resp_body or b"{}"), pre)
            except Exception as err:  # noqa: BLE001 - report, never break the call
                rec = {"op": op, "ok": status == 200, "error": f"metering: {err!r}",
                       "rru": 0.0, "wru": 0, "index_wru": 0, "items": [], "unmetered": True}
            rec.update(start=start, end=time.perf_counter_ns())
            with p.lock:
                p.calls.append(rec)
        self.send_response(status)
        for name, value in resp_headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(resp_body)))
        self.end_headers()
        self.wfile.write(resp_body)

    def do_POST(self) -> None:
        self._relay("POST")

    def do_GET(self) -> None:
        self._relay("GET")


def round_trips(calls: list[dict]) -> int:
    """Calls that overlap in time are one round trip (issued together)."""
    trips, last_end = 0, -1
    for c in sorted(calls, key=lambda c: c["start"]):
        if c["start"] > last_end:
            trips += 1
        last_end = max(last_end, c["end"])
    return trips
