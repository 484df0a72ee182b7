#!/usr/bin/env python3
"""moto's server, with its request handling serialised.

moto 5.2.5 answers TransactWriteItems by deep-copying the table for rollback; a write
from another server thread during that copy raises "dictionary changed size during
iteration" and a 500 HTML page. DynamoDB never does that, so the tests would see
failures that are moto's. A lock around the WSGI app keeps moto's threads but lets one
request touch the backend at a time.

moto's own server (werkzeug's) answers every request with `Connection: close` and drains
the socket after each answer, so each SDK call connected anew where DynamoDB keeps
connections open: the tests and benches paid a TCP connect per call (6 per login) that no
deployed function pays. waitress (pinned beside moto) serves the same WSGI app with
HTTP/1.1 keep-alive.

That copy is also taken once per item of the transaction, of the whole table, so a
transaction's cost grew with the table (a bulk job's thousand approvals, each a
transaction with the partition counts, took minutes on a seeded table). The rollback
here keeps, instead, a copy of each item the transaction names, as it was, and puts
those back when the transaction fails: the same rollback for the items that can change.
(A cancelled transaction may leave stream records of its earlier steps, where DynamoDB
writes none; the mailer's filter passes only `MAIL#` inserts, which no transaction
writes.)

Usage: python scripts/moto_server.py HOST PORT
"""

import os
import sys
import threading

import copy
import types

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from waitress import serve

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app


_transact_write_items = dynamodb_models.DynamoDBBackend.transact_write_items


def _named_items(backend, transact_items):
    """Each item a transaction names: its table, hash key, and a copy as it is now."""
    named = []
    for entry in transact_items:
        op_type, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        if table is None:
            continue
        key = op.get("Item") if op_type == "Put" else op.get("Key")
        if not key or table.hash_key_attr not in key:
            continue
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = (
            DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
        )
        current = table.get_item(hash_value, range_value)
        named.append((table, hash_value, range_value, copy.deepcopy(current)))
    return named


def _restore(named):
    for table, hash_value, range_value, item in reversed(named):
        if range_value is None:
            if item is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = item
        elif item is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = item


def _transact_rolling_back_items(backend, transact_items):
    named = _named_items(backend, transact_items)

    def deepcopy(obj, memo=None):
        # moto's own rollback copy of the table: the table itself, restored item by
        # item below instead.
        if isinstance(obj, Table):
            return obj
        return copy.deepcopy(obj, memo)

    # moto's module calls `copy.deepcopy`; requests are serialised, so the swap is seen
    # by this transaction alone.
    dynamodb_models.copy = types.SimpleNamespace(deepcopy=deepcopy)
    try:
        return _transact_write_items(backend, transact_items)
    except Exception:
        _restore(named)
        raise
    finally:
        dynamodb_models.copy = copy


def main() -> None:
    dynamodb_models.DynamoDBBackend.transact_write_items = _transact_rolling_back_items
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    backend = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            # Materialise the body inside the lock: moto builds it lazily.
            return list(backend(environ, start_response))

    # The suite's bursts (200 parallel logins) open hundreds of connections at once: past
    # waitress's default limit of 100 it stops accepting and they time out in the
    # backlog; poll() rather than select() for more than 1024 descriptors. Requests queue
    # for the lock above, so a few threads suffice.
    serve(serialised, host=host, port=port, threads=8, connection_limit=4000, backlog=4096,
          asyncore_use_poll=True, ident="moto", _quiet=True)


if __name__ == "__main__":
    main()
