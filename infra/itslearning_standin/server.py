"""The stand-in as a real HTTP server: SOAP on POST, ``/_sandbox/*`` for tests, faults and latency on demand."""

from __future__ import annotations

import json
import random
import ssl
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from msgspec import Struct

from edt_import.domain.directory import DirectoryPerson
from itslearning_standin import protocol
from itslearning_standin.seed import seed_state
from itslearning_standin.state import StandinState

SANDBOX_USERNAME = "edt-import"
SANDBOX_PASSWORD = "sandbox"  # noqa: S105 - the local stand-in's well-known demo password
MAX_BODY = 64 * 1024 * 1024
_SAVE_EVERY_S = 5.0
_HOLD_LIMIT_S = 300.0  # a held call is let through after this long even if the test never releases it


class Counters(Struct, kw_only=True):
    calls: int = 0  # SOAP POSTs received, faulted ones included
    items: int = 0  # items carried by the calls that were processed
    faults: int = 0  # calls answered 503 or left hanging on purpose
    lost_answers: int = 0  # calls processed whose answer was stalled or dropped
    soap_faults: int = 0


class StandinServer:
    """An itslearning stand-in on 127.0.0.1 (port 0 by default) served from a daemon thread.

    ``fault_rate`` of the SOAP calls are answered HTTP 503 before any processing; when ``stall_s`` > 0, half of
    those faults are instead processed and answered only after ``stall_s`` seconds (a client timeout that lost a
    done answer, which a correct client survives by idempotent re-sends). ``drop_answers`` loses such answers
    without any timing: the call is processed and the connection closed unanswered.

    ``persons`` are members of every school of ``schools`` (the directory CSV has no UAI); ``school_persons`` seeds
    a site hosting several establishments, each school with its own people.

    Tests stop a client at a known point with ``hold_calls_after(items)``: once that many items were processed,
    every further SOAP call waits (unprocessed) until ``release()``; ``wait_until_held`` says when one does.
    """

    def __init__(
        self,
        *,
        persons: Sequence[DirectoryPerson] = (),
        schools: Sequence[str] = (),
        school_persons: Mapping[str, Sequence[DirectoryPerson]] | None = None,
        fault_rate: float = 0.0,
        latency_ms: int = 0,
        seed: int | None = None,
        locked_before: datetime | None = None,
        stall_s: float = 0.0,
        drop_answers: bool = False,
        queue_polls: int = 0,
        username: str = SANDBOX_USERNAME,
        password: str = SANDBOX_PASSWORD,
        host: str = "127.0.0.1",
        port: int = 0,
        data_path: Path | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.fault_rate = fault_rate
        self.latency_ms = latency_ms
        self.stall_s = stall_s
        self.drop_answers = drop_answers
        self._hold_after: int | None = None
        self._held = threading.Event()
        self._released = threading.Event()
        self._persons = tuple(persons)
        self._schools = tuple(schools)
        self._school_persons = {school: tuple(people) for school, people in (school_persons or {}).items()}
        self._random = random.Random(seed)  # noqa: S311 - fault injection, not crypto
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._host, self._port = host, port
        self._data_path = data_path
        self._tls = tls
        self._dirty = False
        self.counters = Counters()
        state = self._load_or_seed()
        self.context = protocol.Context(
            state=state, username=username, password=password, locked_before=locked_before, queue_polls=queue_polls
        )
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    @property
    def state(self) -> StandinState:
        return self.context.state

    @property
    def lock(self) -> threading.Lock:
        return self._lock

    def _load_or_seed(self) -> StandinState:
        if self._data_path is not None and self._data_path.exists():
            return StandinState.from_json(json.loads(self._data_path.read_text(encoding="utf-8")))
        state = StandinState()
        seed_state(state, schools=self._schools, persons=self._persons, school_persons=self._school_persons)
        return state

    # Lifecycle -------------------------------------------------------------------------------------------------
    def start(self) -> str:
        """Serve in the background; returns the base URL to give the client."""
        handler = type("BoundHandler", (_Handler,), {"standin": self})
        self._httpd = ThreadingHTTPServer((self._host, self._port), handler)
        self._httpd.daemon_threads = True
        if self._tls is not None:
            self._httpd.socket = self._tls.wrap_socket(self._httpd.socket, server_side=True)
        self._httpd.block_on_close = False
        serving = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="standin-http", daemon=True)
        serving.start()
        self._threads.append(serving)
        if self._data_path is not None:
            saver = threading.Thread(target=self._save_loop, name="standin-save", daemon=True)
            saver.start()
            self._threads.append(saver)
        return self.base_url

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the stand-in is not started")
        host, port = self._httpd.server_address[:2]
        scheme = "http" if self._tls is None else "https"
        return f"{scheme}://{host!s}:{port}"

    def serve_forever(self) -> None:
        """Block until interrupted (the CLI); starts the server first if needed."""
        if self._httpd is None:
            self.start()
        try:
            while not self._stopping.wait(0.5):
                pass
        finally:
            self.stop()

    def stop(self) -> None:
        self._stopping.set()
        self._released.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        self.save()

    def __enter__(self) -> StandinServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # State -----------------------------------------------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        with self._lock:
            counts = self.context.state.counts()
            return {
                **counts,
                "calls": self.counters.calls,
                "items": self.counters.items,
                "faults": self.counters.faults,
                "lost_answers": self.counters.lost_answers,
                "soap_faults": self.counters.soap_faults,
            }

    def dump(self) -> dict[str, Any]:
        with self._lock:
            return self.context.state.to_json()

    def reset(self) -> None:
        """Back to the seeded state, counters at zero."""
        with self._lock:
            state = StandinState()
            seed_state(state, schools=self._schools, persons=self._persons, school_persons=self._school_persons)
            self.context.state = state
            self.context.messages.clear()
            self.counters = Counters()
            self._dirty = True

    def save(self) -> None:
        if self._data_path is None:
            return
        with self._save_lock:  # the saver thread and stop() never write the file at once
            with self._lock:
                if not self._dirty:
                    return
                snapshot = self.context.state.to_json()
                self._dirty = False
            text = json.dumps(snapshot)  # outside the state lock: calls go on while a large state is written
            partial = self._data_path.with_suffix(self._data_path.suffix + ".tmp")
            partial.write_text(text, encoding="utf-8")
            partial.replace(self._data_path)

    def _save_loop(self) -> None:
        while not self._stopping.wait(_SAVE_EVERY_S):
            self.save()

    # Holding calls (tests) -------------------------------------------------------------------------------------
    def hold_calls_after(self, items: int) -> None:
        with self._lock:
            self._hold_after = items
            self._held.clear()
            self._released.clear()

    def wait_until_held(self, timeout_s: float) -> bool:
        """True once a call waits at the hold; False if none did within ``timeout_s``."""
        return self._held.wait(timeout_s)

    def release(self) -> None:
        with self._lock:
            self._hold_after = None
        self._released.set()

    def _hold(self) -> None:
        with self._lock:
            holding = self._hold_after is not None and self.counters.items >= self._hold_after
            if holding:
                self._held.set()
        if holding:
            self._released.wait(_HOLD_LIMIT_S)

    # One SOAP call ---------------------------------------------------------------------------------------------
    def answer_soap(self, data: bytes) -> tuple[int, bytes | None, float]:
        """(HTTP status, body or None to close the connection unanswered, seconds to wait before answering)."""
        self._hold()
        delay = self.latency_ms / 1000
        drop = False
        with self._lock:
            self.counters.calls += 1
            draw = self._random.random()
            lose = (self.stall_s > 0 or self.drop_answers) and self._random.random() < 0.5
            if draw < self.fault_rate:
                self.counters.faults += 1
                if not lose:
                    return HTTPStatus.SERVICE_UNAVAILABLE, b"", delay
                self.counters.lost_answers += 1
                drop = self.drop_answers
                delay += 0.0 if drop else self.stall_s
            try:
                answer = protocol.handle(protocol.parse_request(data), self.context)
            except protocol.SoapFaultError as fault:
                self.counters.soap_faults += 1
                return HTTPStatus.INTERNAL_SERVER_ERROR, protocol.fault_envelope(fault.code, fault.reason), delay
            self.counters.items += answer.items
            self._dirty = self._dirty or answer.changed
        return HTTPStatus.OK, None if drop else answer.body, delay


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the client reuses one connection
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall
    standin: StandinServer
    server_version = "itslearning-standin/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: request lines carry nothing useful and bodies must never be logged."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"", "text/plain", close=True)
            return
        data = self.rfile.read(length)
        if self.path.startswith("/_sandbox/"):
            self._sandbox_post()
            return
        status, body, delay = self.standin.answer_soap(data)
        if delay > 0:
            time.sleep(delay)
        if body is None:
            self.close_connection = True  # processed, answer lost
            return
        self._send(status, body, "text/xml; charset=utf-8")

    def do_GET(self) -> None:
        if self.path == "/_sandbox/stats":
            self._send_json(self.standin.stats())
        elif self.path == "/_sandbox/dump":
            self._send_json(self.standin.dump())
        else:
            self._send(HTTPStatus.NOT_FOUND, b"", "text/plain")

    def _sandbox_post(self) -> None:
        if self.path == "/_sandbox/reset":
            self.standin.reset()
            self._send_json({"reset": True})
        else:
            self._send(HTTPStatus.NOT_FOUND, b"", "text/plain")

    def _send_json(self, value: object) -> None:
        self._send(HTTPStatus.OK, json.dumps(value).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str, *, close: bool = False) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if status == HTTPStatus.SERVICE_UNAVAILABLE:
                self.send_header("Retry-After", "0")
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a stalled answer): nothing to do
