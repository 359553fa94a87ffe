"""A Tracer provider keeping what Powertools' Tracer hands to X-Ray: subsegments, their metadata and exceptions.

Like X-Ray's own subsegment context manager, it records the exception that leaves the block (``add_exception``);
the Tracer adds the error itself as metadata (``<handler> error``).
"""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment


class RecordingSegment(BaseSegment):
    def __init__(self, name: str | None) -> None:
        self.name = name
        self.annotations: dict[str, object] = {}
        self.metadata: dict[str, object] = {}
        self.exceptions: list[BaseException] = []

    def close(self, end_time: int | None = None) -> None:
        pass

    def add_subsegment(self, subsegment: Any) -> None:
        pass

    def remove_subsegment(self, subsegment: Any) -> None:
        pass

    def put_annotation(self, key: str, value: Any) -> None:
        self.annotations[key] = value

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        self.metadata[f"{namespace}.{key}"] = value

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        self.exceptions.append(exception)

    def recorded_text(self) -> str:
        """Everything X-Ray would store of this subsegment, as text (an exception as X-Ray writes it: its message)."""
        parts = [*map(str, self.annotations.values()), *map(str, self.metadata.values())]
        parts += [f"{type(e).__name__}: {e}" for e in self.exceptions]
        parts += ["".join(traceback.format_exception(e)) for e in self.exceptions]
        return "\n".join(parts)


class RecordingProvider(BaseProvider):
    def __init__(self) -> None:
        self.segments: list[RecordingSegment] = []

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[BaseSegment]:
        segment = RecordingSegment(name)
        self.segments.append(segment)
        try:
            yield segment
        except BaseException as exc:
            segment.add_exception(exc, traceback.extract_stack())
            raise

    @asynccontextmanager
    async def in_subsegment_async(self, name: str | None = None, **kwargs: Any) -> AsyncIterator[BaseSegment]:
        with self.in_subsegment(name, **kwargs) as segment:
            yield segment

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def patch(self, modules: Sequence[str]) -> None:
        pass

    def patch_all(self) -> None:
        pass
