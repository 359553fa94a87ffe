"""RetryPolicy: full-jitter back-off within a budget, on a fake clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edt_import.adapters.itslearning.retry import RetryPolicy, TransientError
from edt_import.domain.errors import ErrorCode, LmsUnavailableError
from tests.support.clock import FakeClock


def a_policy(clock: FakeClock, *, budget_s: float = 60.0, rand: float = 1.0) -> RetryPolicy:
    return RetryPolicy(budget_s=budget_s, base_s=0.1, cap_s=2.0, sleep=clock.sleep, clock=clock, rand=lambda: rand)


def failing_then(outcomes: list[Exception | str]) -> tuple[list[int], Callable[[], str]]:
    calls: list[int] = []

    def call() -> str:
        calls.append(1)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return calls, call


def test_retry_transient_failures_then_success_returns_value_after_growing_sleeps() -> None:
    # Given a call failing three times before answering
    clock = FakeClock()
    calls, call = failing_then([TransientError("http 503"), TransientError("timeout"), TransientError("x"), "done"])

    # When it runs under the policy (jitter drawing its maximum)
    result = a_policy(clock).run(call)

    # Then the value comes back after sleeps of base * 2**attempt
    assert result == "done"
    assert len(calls) == 4
    assert clock.sleeps == [0.1, 0.2, 0.4]


def test_retry_sleeps_capped() -> None:
    # Given a policy with a cap of 2 s
    policy = a_policy(FakeClock())

    # When the tenth retry's delay is drawn
    # Then it does not exceed the cap
    assert policy.delay(10) == 2.0


def test_retry_retry_after_is_a_floor() -> None:
    # Given a jitter drawing zero
    policy = a_policy(FakeClock(), rand=0.0)

    # When the server asked to wait 3 s
    # Then the delay is 3 s
    assert policy.delay(0, retry_after_s=3.0) == 3.0


def test_retry_budget_exhausted_raises_unavailable_without_oversleeping() -> None:
    # Given a call that always fails transiently and a 1-second budget
    clock = FakeClock()
    calls, call = failing_then([TransientError("http 503")] * 50)

    # When it runs
    with pytest.raises(LmsUnavailableError) as raised:
        a_policy(clock, budget_s=1.0).run(call)

    # Then it stops before the budget would be overrun and says how many attempts were made
    assert raised.value.code is ErrorCode.LMS_UNAVAILABLE
    assert clock.sleeps == [0.1, 0.2, 0.4]
    assert raised.value.details == {"attempts": 4, "last_failure": "http 503"}
    assert len(calls) == 4


def test_retry_other_errors_not_retried() -> None:
    # Given a call raising a non-transient error
    clock = FakeClock()
    calls, call = failing_then([ValueError("bad")])

    # When it runs, then the error passes through at once
    with pytest.raises(ValueError, match="bad"):
        a_policy(clock).run(call)
    assert (len(calls), clock.sleeps) == (1, [])


@given(attempt=st.integers(min_value=0, max_value=60), draw=st.floats(min_value=0.0, max_value=1.0))
def test_retry_delay_always_within_zero_and_cap(attempt: int, draw: float) -> None:
    # Given any attempt number and any jitter draw
    policy = RetryPolicy(budget_s=10.0, base_s=0.1, cap_s=2.0, rand=lambda: draw)

    # When the delay is drawn, then it lies in [0, cap]
    assert 0.0 <= policy.delay(attempt) <= 2.0


def test_retry_each_retry_is_told_before_its_pause() -> None:
    # Given a call failing twice, then answering, and a listener
    clock = FakeClock()
    told: list[tuple[int, str, float, float]] = []
    _, call = failing_then([TransientError("connection refused"), TransientError("http 503"), "ok"])
    policy = RetryPolicy(
        budget_s=60.0,
        base_s=0.1,
        cap_s=2.0,
        sleep=clock.sleep,
        clock=clock,
        rand=lambda: 1.0,
        on_retry=lambda attempt, reason, pause: told.append((attempt, reason, pause, clock.now)),
    )
    # When it runs
    assert policy.run(call) == "ok"
    # Then each retry was told with its number, its reason and its pause, before the pause was taken
    assert told == [(1, "connection refused", 0.1, 0.0), (2, "http 503", 0.2, 0.1)]
