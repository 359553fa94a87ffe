"""Exponential back-off with full jitter, bounded by a time budget; the clock and the sleep are injected."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from msgspec import Struct, field

from edt_import.domain.errors import LmsUnavailableError

T = TypeVar("T")


class TransientError(Exception):
    """Worth another try: connection trouble, timeout, HTTP 5xx, throttling. ``reason`` is a safe short label."""

    def __init__(self, reason: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


class RetryPolicy(Struct, kw_only=True):
    """Full jitter (AWS architecture blog): sleep a uniform share of ``min(cap, base * 2**attempt)``.

    The budget counts from the first attempt; a sleep that would end past it is not taken, and the call
    fails with ``LmsUnavailableError`` instead, so a sync never hangs much longer than its budget.
    """

    budget_s: float
    base_s: float = 0.1
    cap_s: float = 10.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rand: Callable[[], float] = field(default_factory=lambda: random.Random().random)  # noqa: S311 - jitter, not crypto
    # Told of each retry before its pause (attempt number from 1, the failure's short label, the pause in seconds);
    # called from whichever thread made the call.
    on_retry: Callable[[int, str, float], None] | None = None

    def delay(self, attempt: int, retry_after_s: float | None = None) -> float:
        """The pause before retry number ``attempt`` (0-based); a server's Retry-After is a floor."""
        ceiling = min(self.cap_s, self.base_s * (2.0**attempt))
        chosen = float(self.rand()) * ceiling
        return max(chosen, retry_after_s) if retry_after_s is not None else chosen

    def run(self, call: Callable[[], T]) -> T:
        started = self.clock()
        attempt = 0
        while True:
            try:
                return call()
            except TransientError as exc:
                pause = self.delay(attempt, exc.retry_after_s)
                attempt += 1
                if self.clock() - started + pause > self.budget_s:
                    raise LmsUnavailableError(
                        f"itslearning did not answer usefully within {self.budget_s:g} seconds.",
                        {"attempts": attempt, "last_failure": exc.reason},
                    ) from exc
                if self.on_retry is not None:
                    self.on_retry(attempt, exc.reason, pause)
                self.sleep(pause)
