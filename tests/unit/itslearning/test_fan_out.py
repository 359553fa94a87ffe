"""fan_out: stripes over workers, results back in chunk order."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from edt_import.adapters.itslearning.fan_out import fan_out


def echo(worker: str, chunks: Sequence[int]) -> list[tuple[str, int, str]]:
    return [(worker, chunk, threading.current_thread().name) for chunk in chunks]


@given(workers=st.integers(1, 5), chunks=st.integers(0, 17))
def test_fan_out_results_in_chunk_order(workers: int, chunks: int) -> None:
    # Given some workers and numbered chunks
    names = [f"w{index}" for index in range(workers)]

    # When they are fanned out
    results = fan_out(names, list(range(chunks)), echo)

    # Then chunk i came back at position i, handled by worker i % n
    assert [chunk for _, chunk, _ in results] == list(range(chunks))
    used = min(workers, chunks)
    assert [worker for worker, _, _ in results] == [names[index % max(used, 1)] for index in range(chunks)]


def test_fan_out_not_parallel_keeps_one_worker_in_order() -> None:
    # Given three workers but an order that matters
    # When fanned out with parallel=False
    results = fan_out(["a", "b", "c"], [0, 1, 2, 3], echo, parallel=False)

    # Then the first worker did everything, on the calling thread
    assert [(worker, chunk) for worker, chunk, _ in results] == [("a", 0), ("a", 1), ("a", 2), ("a", 3)]
    assert {thread for _, _, thread in results} == {threading.current_thread().name}
