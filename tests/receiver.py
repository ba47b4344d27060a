"""A real HTTP receiver on 127.0.0.1 for webhook tests: scripted answers, every request kept."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float
    answered: int


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)
    """Answers in order; when used up, 200."""
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else 200

    def wait_for(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            assert time.monotonic() < deadline, (
                f"only {len(self.requests)} of {count} requests arrived"
            )
            time.sleep(0.02)


@contextmanager
def receiver(statuses: list[int] | None = None, delay: float = 0.0) -> Iterator[Receiver]:
    state = Receiver(url="", statuses=list(statuses or []), delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length)
            if len(body) < length:
                # The sender went away mid-body (a worker killed while sending): no request
                # was made, and a real receiver would not see one.
                self.close_connection = True
                return
            if state.delay:
                time.sleep(state.delay)
            status = state.next_status()
            with state.lock:
                state.requests.append(
                    Received(
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        time.monotonic(),
                        status,
                    )
                )
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
