"""A threaded HTTP server on 127.0.0.1 that provider replay servers build on.

A subclass implements `route(request) -> ReplayResponse`. The base records every request,
binds a free port, stops cleanly, and injects faults on request, either from Python
(`server.inject(...)`) or over HTTP (`POST /__replay__/faults?kind=rate_limit&times=2`),
so that a server started in another process can be steered too.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CONTROL_PREFIX = "/__replay__/"


class FaultKind(StrEnum):
    """Faults a replay server can inject in place of its normal response."""

    RATE_LIMIT = "rate_limit"  # 429 with Retry-After
    SERVER_ERROR = "server_error"  # 500
    DELAY = "delay"  # sleep past the client's timeout, then respond normally
    TRUNCATED = "truncated"  # 200 with the first half of the JSON body
    HTML = "html"  # 200 with an HTML page instead of JSON
    EMPTY = "empty"  # the provider's own "no data" response (each server defines it)
    UNAUTHORIZED = "unauthorized"  # 401


@dataclass
class Fault:
    """One injected fault, applied to the next `times` requests whose path has `path_contains`."""

    kind: FaultKind
    times: int = 1
    path_contains: str = ""
    retry_after: float = 0.05
    delay_seconds: float = 2.0


@dataclass(frozen=True)
class ReplayRequest:
    """A request as the replay server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class ReplayResponse:
    """The status, body and headers the server sends back."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, **headers: str) -> ReplayResponse:
        return cls(status=status, body=json.dumps(payload).encode(), headers=dict(headers))

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> ReplayResponse:
        return cls(status=status, body=text.encode(), content_type=content_type)


class ReplayServer:
    """Base class: subclasses implement `route` and optionally `empty_response`."""

    name = "replay"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.requests: list[ReplayRequest] = []
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        return f"http://{host}:{port}"

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"{self.name}-replay", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- faults and request log ------------------------------------------------------------
    def inject(
        self,
        kind: FaultKind | str,
        *,
        times: int = 1,
        path_contains: str = "",
        retry_after: float = 0.05,
        delay_seconds: float = 2.0,
    ) -> None:
        """Answer the next `times` matching requests with fault `kind`."""
        fault = Fault(FaultKind(kind), times, path_contains, retry_after, delay_seconds)
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        """Drop pending faults and the request log."""
        with self._lock:
            self._faults.clear()
            self.requests.clear()

    def count(self, path_contains: str = "") -> int:
        """Return how many recorded requests have `path_contains` in their path."""
        with self._lock:
            return sum(1 for request in self.requests if path_contains in request.path)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path_contains in path and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # -- routing ---------------------------------------------------------------------------
    def route(self, request: ReplayRequest) -> ReplayResponse:
        raise NotImplementedError

    def empty_response(self, request: ReplayRequest) -> ReplayResponse:
        """Return the provider's "no data" answer for `request`."""
        return ReplayResponse.json({})

    def respond(self, request: ReplayRequest) -> ReplayResponse:
        """Apply a pending fault to `request`, or route it normally."""
        if request.path.startswith(CONTROL_PREFIX):
            return self._control(request)
        with self._lock:
            self.requests.append(request)
        fault = self._take_fault(request.path)
        if fault is None:
            return self.route(request)
        return self._fault_response(fault, request)

    def _fault_response(self, fault: Fault, request: ReplayRequest) -> ReplayResponse:
        if fault.kind is FaultKind.RATE_LIMIT:
            response = ReplayResponse.text("Too Many Requests", status=429)
            response.headers["Retry-After"] = f"{fault.retry_after:g}"
            return response
        if fault.kind is FaultKind.SERVER_ERROR:
            return ReplayResponse.text("Internal Server Error", status=500)
        if fault.kind is FaultKind.UNAUTHORIZED:
            return ReplayResponse.text("Unauthorized", status=401)
        if fault.kind is FaultKind.HTML:
            page = "<!doctype html><html><body><h1>Will be right back</h1></body></html>"
            return ReplayResponse.text(page, content_type="text/html")
        if fault.kind is FaultKind.EMPTY:
            return self.empty_response(request)
        normal = self.route(request)
        if fault.kind is FaultKind.TRUNCATED:
            normal.body = normal.body[: max(1, len(normal.body) // 2)]
            return normal
        time.sleep(fault.delay_seconds)  # FaultKind.DELAY
        return normal

    def _control(self, request: ReplayRequest) -> ReplayResponse:
        action = request.path[len(CONTROL_PREFIX) :]
        if action == "faults" and request.method == "POST":
            self.inject(
                request.param("kind") or "",
                times=int(request.param("times", "1") or 1),
                path_contains=request.param("path_contains", "") or "",
                retry_after=float(request.param("retry_after", "0.05") or 0.05),
                delay_seconds=float(request.param("delay_seconds", "2") or 2),
            )
            return ReplayResponse.json({"ok": True})
        if action == "requests":
            with self._lock:
                paths = [request.path for request in self.requests]
            return ReplayResponse.json({"count": len(paths), "paths": paths})
        if action == "reset" and request.method == "POST":
            self.clear()
            return ReplayResponse.json({"ok": True})
        return ReplayResponse.json({"error": f"unknown control action {action!r}"}, status=404)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = ReplayRequest(
                    method=self.command,
                    path=split.path,
                    query=parse_qs(split.query, keep_blank_values=True),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                response = server.respond(request)
                try:
                    self.send_response(response.status)
                    self.send_header("Content-Type", response.content_type)
                    self.send_header("Content-Length", str(len(response.body)))
                    for key, value in response.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (for example after its timeout)

            do_GET = _handle
            do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
