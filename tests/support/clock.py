"""A clock for code that takes ``clock`` and ``sleep`` callables: time moves only when someone sleeps or sets it."""

from __future__ import annotations


class FakeClock:
    """Monotonic seconds that back-off, polling and throttling read; sleeping costs nothing and is recorded."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
