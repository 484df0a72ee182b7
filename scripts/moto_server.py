#!/usr/bin/env python3
"""moto's server, with its request handling serialised.

moto 5.2.5 answers TransactWriteItems by deep-copying the table for rollback; a write
from another server thread during that copy raises "dictionary changed size during
iteration" and a 500 HTML page. DynamoDB never does that, so the tests would see
failures that are moto's. A lock around the WSGI app keeps moto's threads (and the
SDK's keep-alive connections) but lets one request touch the backend at a time.

Usage: python scripts/moto_server.py HOST PORT
"""

import os
import sys
import threading

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def main() -> None:
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
