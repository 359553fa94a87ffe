"""HTTP(S) POST of SOAP bodies over one kept-alive connection (stdlib ``http.client``), with timeouts."""

from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

from msgspec import Struct

from edt_import.adapters.itslearning.retry import TransientError
from edt_import.domain.errors import ConfigError, LmsProtocolError

_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


class HttpReply(Struct, frozen=True, kw_only=True):
    status: int
    body: bytes
    content_type: str = ""
    retry_after_s: float | None = None


class HttpFigures(Struct, frozen=True, kw_only=True):
    exchanges: int  # HTTP requests sent (retries included)
    waiting_s: float  # wall-clock time with at least one request in flight, over all connections


class HttpMeter:
    """Counts exchanges and the wall-clock time spent waiting on the network, shared by parallel connections."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight = 0
        self._busy_since = 0.0
        self._waiting_s = 0.0
        self._exchanges = 0

    def started(self) -> None:
        with self._lock:
            if self._in_flight == 0:
                self._busy_since = self._clock()
            self._in_flight += 1
            self._exchanges += 1

    def ended(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._waiting_s += self._clock() - self._busy_since

    def figures(self) -> HttpFigures:
        with self._lock:
            return HttpFigures(exchanges=self._exchanges, waiting_s=self._waiting_s)


class SoapTransport(Protocol):
    def post(self, path: str, body: bytes, soap_action: str) -> HttpReply: ...

    def close(self) -> None: ...


class KeepAliveTransport:
    """One connection to itslearning, reused between calls; dropped and reopened after any failure.

    Raises ``TransientError`` for connection trouble and timeouts; answers (any status) are returned as they are.
    Thread-safe by a lock: calls through one transport are serialised.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float,
        ssl_context: ssl.SSLContext | None = None,
        meter: HttpMeter | None = None,
    ) -> None:
        address = checked_address(base_url)
        self._https = address.https
        self._host = address.host
        self._port = address.port
        self._prefix = address.path.rstrip("/")
        self._timeout_s = timeout_s
        self._ssl_context = ssl_context or (ssl.create_default_context() if self._https else None)
        self._connection: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self._meter = meter or HttpMeter()

    def _open(self) -> http.client.HTTPConnection:
        if self._https:
            return http.client.HTTPSConnection(
                self._host, self._port, timeout=self._timeout_s, context=self._ssl_context
            )
        return http.client.HTTPConnection(self._host, self._port, timeout=self._timeout_s)

    def post(self, path: str, body: bytes, soap_action: str) -> HttpReply:
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{soap_action}"',
            "Connection": "keep-alive",
        }
        with self._lock:
            reused = self._connection is not None
            try:
                return self._exchange(self._prefix + path, body, headers)
            except _STALE as exc:
                # The server may close an idle kept-alive connection at any time: one fresh try, no back-off.
                if not reused:
                    raise TransientError(type(exc).__name__) from exc
            try:
                return self._exchange(self._prefix + path, body, headers)
            except _STALE as exc:
                raise TransientError(type(exc).__name__) from exc

    def _exchange(self, url: str, body: bytes, headers: dict[str, str]) -> HttpReply:
        if self._connection is None:
            self._connection = self._open()
        connection = self._connection
        self._meter.started()
        try:
            connection.request("POST", url, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except _STALE:
            self._drop()
            raise
        except ssl.SSLCertVerificationError as exc:
            self._drop()
            # Not an outage: retrying cannot make an untrusted certificate trusted.
            raise LmsProtocolError(
                "The itslearning server's certificate could not be verified.", {"reason": "certificate"}
            ) from exc
        except (OSError, http.client.HTTPException) as exc:  # timeouts are OSError (TimeoutError)
            self._drop()
            raise TransientError(failure_reason(exc)) from exc
        finally:
            self._meter.ended()
        if response.will_close:
            self._drop()
        return HttpReply(
            status=response.status,
            body=data,
            content_type=response.getheader("Content-Type", ""),
            retry_after_s=retry_after_seconds(response.getheader("Retry-After")),
        )

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        with self._lock:
            self._drop()


class Address(Struct, frozen=True, kw_only=True):
    https: bool
    host: str
    port: int | None
    path: str


def checked_address(base_url: str) -> Address:
    """The address, split; anything but an http(s) URL with a host and a valid port is a configuration error."""
    parts = urlsplit(base_url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in {"http", "https"} or not parts.hostname or port == -1:
        raise ConfigError("The itslearning address must be an http or https URL.", {"scheme": parts.scheme})
    return Address(https=parts.scheme == "https", host=parts.hostname, port=port, path=parts.path)


def failure_reason(exc: Exception) -> str:
    """A short label an operator understands, for the error line of a call that never got an answer."""
    if isinstance(exc, socket.gaierror):
        return "host name not found"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    return type(exc).__name__


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header as a pause: delay-seconds or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None  # the back-off applies
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # RFC 9110 dates are GMT
        seconds = (moment - (now or datetime.now(tz=UTC))).total_seconds()
    return max(0.0, seconds)
