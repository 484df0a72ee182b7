#!/usr/bin/env python3
"""moto's server, with its request handling serialised.

moto 5.2.5 answers TransactWriteItems by deep-copying the table for rollback; a write
from another server thread during that copy raises "dictionary changed size during
iteration" and a 500 HTML page. DynamoDB never does that, so the tests would see
failures that are moto's. A lock around the WSGI app keeps moto's threads (and the
SDK's keep-alive connections) but lets one request touch the backend at a time.

The same rollback copy would take the table's stream with it: every record since the
table was made, so each transaction got slower as a run went on. The stream is shared
with the copy instead. (A cancelled transaction may then leave stream records of its
earlier steps, where DynamoDB writes none; the mailer's filter passes only `MAIL#`
inserts, which no transaction writes.)

That copy is also taken once per item of the transaction, of the same table, before any
item is applied: copies 2..n equal the first. One copy per table and transaction is the
same rollback at a fraction of the cost (a registration's four items made four copies).

Usage: python scripts/moto_server.py HOST PORT
"""

import os
import sys
import threading

import copy
import types

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models.table import StreamShard, Table
from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def _share_on_copy(shard, memo):
    return shard


_transact_write_items = dynamodb_models.DynamoDBBackend.transact_write_items


def _transact_copying_each_table_once(backend, transact_items):
    copies = {}

    def deepcopy(obj, memo=None):
        if isinstance(obj, Table):
            if id(obj) not in copies:
                copies[id(obj)] = copy.deepcopy(obj, memo)
            return copies[id(obj)]
        return copy.deepcopy(obj, memo)

    # moto's module calls `copy.deepcopy`; requests are serialised, so the swap is seen
    # by this transaction alone.
    dynamodb_models.copy = types.SimpleNamespace(deepcopy=deepcopy)
    try:
        return _transact_write_items(backend, transact_items)
    finally:
        dynamodb_models.copy = copy


def main() -> None:
    StreamShard.__deepcopy__ = _share_on_copy
    dynamodb_models.DynamoDBBackend.transact_write_items = _transact_copying_each_table_once
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    backend = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            # Materialise the body inside the lock: moto builds it lazily.
            return list(backend(environ, start_response))

    run_simple(host, port, serialised, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
