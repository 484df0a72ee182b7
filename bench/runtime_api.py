#!/usr/bin/env python3
"""A minimal local AWS Lambda Runtime API (the endpoints a custom runtime uses), stdlib only.

    GET  /2018-06-01/runtime/invocation/next             the next event (blocks until one)
    POST /2018-06-01/runtime/invocation/{id}/response    the function's result
    POST /2018-06-01/runtime/invocation/{id}/error       the function's error
    POST /2018-06-01/runtime/init/error                  an init failure

A function binary started with AWS_LAMBDA_RUNTIME_API=127.0.0.1:<port> polls it exactly as
it polls Lambda. Events come from a `Session`: a queue that any number of function
processes (Lambda instances) pull from, one event at a time each. Every invocation is
timestamped with `time.perf_counter_ns()` in this process, so a caller that also spawns the
binary can measure spawn → first `GET /next` (ready) → response.

`bench/bench.py` imports it. By hand (serves an event N times, prints each response):

    python3 bench/runtime_api.py --port 9301 --event tests/fixtures/login.json --count 3 &
    AWS_LAMBDA_RUNTIME_API=127.0.0.1:9301 ... target/lambda/login/bootstrap
"""

from __future__ import annotations

import argparse
import json
import queue
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:{name}"


@dataclass
class Invocation:
    """One event handed to a function, and what came back."""

    event: bytes
    tag: Any = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    enqueued_ns: int = 0
    dispatched_ns: int = 0
    dispatched_wall: float = 0.0
    done_ns: int = 0
    outcome: str = ""  # "response" | "error"
    body: bytes = b""
    extra: dict = field(default_factory=dict)

    @property
    def duration_ms(self) -> float:
        return (self.done_ns - self.dispatched_ns) / 1e6

    def status_code(self) -> int | None:
        """The statusCode of an API Gateway v2 response, if the body is one."""
        try:
            return int(json.loads(self.body).get("statusCode"))
        except (ValueError, TypeError, AttributeError):
            return None

    def response_body(self) -> str:
        try:
            return json.loads(self.body).get("body") or ""
        except (ValueError, AttributeError):
            return ""


class Session:
    """Events for one experiment, and the timestamps the runtime API saw."""

    def __init__(self, function_name: str = "bench", hold_first_next_s: float = 0.0):
        self.function_name = function_name
        self.hold_first_next_s = hold_first_next_s
        self.lock = threading.Lock()
        self.events: queue.Queue[Invocation | None] = queue.Queue()
        self.done: queue.Queue[Invocation] = queue.Queue()
        self.first_next_ns: int | None = None
        self.first_next_wall: float | None = None
        self.next_calls = 0
        self.init_error: bytes | None = None
        self.init_error_event = threading.Event()
        # Called in the server thread when a response arrives, before it is acknowledged.
        self.on_done: Callable[[Invocation], None] | None = None
        self.closed = False

    def submit(self, event: bytes, tag: Any = None) -> Invocation:
        inv = Invocation(event=event, tag=tag, enqueued_ns=time.perf_counter_ns())
        self.events.put(inv)
        return inv

    def drain(self) -> int:
        """Drops the events nobody has taken yet; returns how many."""
        dropped = 0
        while True:
            try:
                item = self.events.get_nowait()
            except queue.Empty:
                return dropped
            if item is None:
                self.events.put(None)
                return dropped
            dropped += 1

    def close(self) -> None:
        """Releases every `GET /next` still waiting (their processes are being stopped)."""
        self.closed = True
        self.events.put(None)


class RuntimeAPI:
    """One server, one session. Each experiment (each cold start) gets its own server on a
    fresh port, so a request a killed process left in a socket buffer can never take an
    event meant for the next process."""

    def __init__(self, function_name: str = "bench", hold_first_next_s: float = 0.0,
                 host: str = "127.0.0.1", port: int = 0):
        self.session = Session(function_name, hold_first_next_s)
        self.pending: dict[str, Invocation] = {}
        self.pending_lock = threading.Lock()
        api = self

        class Handler(_Handler):
            runtime = api

        self.server = _Server((host, port), Handler)
        # A short poll interval: stop() waits for serve_forever to notice.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self) -> "RuntimeAPI":
        self.thread.start()
        return self

    def stop(self) -> None:
        """Releases any waiting `GET /next` and closes the port."""
        self.session.close()
        self.server.shutdown()
        self.server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A function process killed mid-request is how every experiment ends: not an error.
        if not isinstance(sys.exc_info()[1], (ConnectionError, OSError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real Runtime API
    runtime: RuntimeAPI

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        arrived = time.perf_counter_ns()
        if self.path != f"{PREFIX}/invocation/next":
            return self._send(404, b'{"errorType":"NotFound"}')
        session = self.runtime.session
        first = False
        with session.lock:
            session.next_calls += 1
            if session.first_next_ns is None:
                session.first_next_ns = arrived
                session.first_next_wall = time.time()
                first = True
        if first and session.hold_first_next_s:
            time.sleep(session.hold_first_next_s)
        inv = session.events.get()
        if inv is None:  # the session ended: this instance is being stopped
            session.events.put(None)
            self.close_connection = True
            return self._send(410, b'{"errorType":"SessionEnded"}')
        inv.dispatched_wall = time.time()
        inv.dispatched_ns = time.perf_counter_ns()
        with self.runtime.pending_lock:
            self.runtime.pending[inv.request_id] = inv
        deadline_ms = int(time.time() * 1000) + 30_000
        self._send(
            200,
            inv.event,
            {
                "Lambda-Runtime-Aws-Request-Id": inv.request_id,
                "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN.format(
                    name=session.function_name
                ),
                "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
            },
        )

    def do_POST(self) -> None:
        body = self._read_body()
        arrived = time.perf_counter_ns()
        parts = self.path[len(PREFIX) :].strip("/").split("/") if self.path.startswith(PREFIX) else []
        if parts == ["init", "error"]:
            session = self.runtime.session
            session.init_error = body
            session.init_error_event.set()
            return self._send(202, b'{"status":"OK"}')
        if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
            with self.runtime.pending_lock:
                inv = self.runtime.pending.pop(parts[1], None)
            if inv is None:
                return self._send(400, b'{"errorType":"InvalidRequestID"}')
            session = self.runtime.session
            inv.done_ns = arrived
            inv.outcome = parts[2]
            inv.body = body
            if session.on_done is not None:
                session.on_done(inv)
            self._send(202, b'{"status":"OK"}')
            session.done.put(inv)
            return None
        return self._send(404, b'{"errorType":"NotFound"}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=9301)
    parser.add_argument("--event", required=True, help="an API Gateway v2 event (JSON file)")
    parser.add_argument("--count", type=int, default=1, help="serve the event this many times")
    args = parser.parse_args()
    api = RuntimeAPI(port=args.port).start()
    session = api.session
    event = open(args.event, "rb").read()
    for _ in range(args.count):
        session.submit(event)
    print(f"runtime API at {api.address}; waiting for {args.count} invocation(s)", flush=True)
    for _ in range(args.count):
        inv = session.done.get()
        print(json.dumps({"ms": round(inv.duration_ms, 2), "outcome": inv.outcome,
                          "response": inv.body.decode(errors="replace")}), flush=True)
    api.stop()


if __name__ == "__main__":
    main()
