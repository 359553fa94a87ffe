"""Applied states kept as files: one JSON document per establishment, replaced atomically.

A sync checkpoints often; a crash in the middle of a write must leave the previous document whole, so
each save writes a temporary file beside the target, flushes it to disk and renames it over the target
(``os.replace``, behind ``Path.replace``, is atomic on POSIX and Windows within one folder).

One import per establishment at a time: ``exclusive(uai)`` holds an advisory lock on ``{UAI}.lock`` for the
whole sync. The kernel drops it when the process dies, so a killed sync never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.errors import ConfigError, ErrorCode, ImportInProgressError, rejected
from edt_import.domain.selection import StoredSelection
from edt_import.domain.state_encoding import another_establishment, decode_selection, decode_state, encode_state

_SAFE_UAI = re.compile(r"[0-9A-Za-z]{1,16}")


class FileAppliedStateStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, uai: str) -> Path:
        if not _SAFE_UAI.fullmatch(uai):
            raise rejected(ErrorCode.INVALID_STATE, "The establishment code cannot name a state file.")
        return self.directory / f"{uai.upper()}.json"

    @contextlib.contextmanager
    def exclusive(self, uai: str) -> Iterator[None]:
        """Hold the establishment's import lock, or refuse at once if another import holds it."""
        path = self.path_for(uai).with_suffix(".lock")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle = path.open("a")
        except OSError as exc:
            raise self._unusable(exc) from exc
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise ImportInProgressError(
                    "Another import of this establishment is running; try again once it has finished.",
                    {"uai": uai},
                ) from exc
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _unusable(self, exc: OSError) -> ConfigError:
        return ConfigError(f"The state folder {self.directory} cannot be used ({exc.strerror}).")

    def load(self, uai: str) -> AppliedState | None:
        """The last saved state of ``uai``, or None before its first sync."""
        path = self.path_for(uai)
        data = self._read(path, Path.read_bytes)
        if data is None:
            return None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise rejected(ErrorCode.INVALID_STATE, f"The saved import state {path} is not UTF-8 text.") from exc
        state = decode_state(data)
        if state.uai != uai:
            raise another_establishment()
        return state

    def load_selection(self, uai: str) -> StoredSelection | None:
        """The selection of the last saved state of ``uai``, from the file's first line (its header) alone."""
        header = self._read(self.path_for(uai), _first_line)
        return None if header is None else decode_selection(header, uai)

    @staticmethod
    def _read(path: Path, read: Callable[[Path], bytes]) -> bytes | None:
        try:
            return read(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ConfigError(f"The state file {path} cannot be read ({exc.strerror}).") from exc

    def save(self, state: AppliedState) -> None:
        path = self.path_for(state.uai)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as exc:
            raise self._unusable(exc) from exc
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(encode_state(state))
                out.flush()
                os.fsync(out.fileno())
            Path(temporary).replace(path)
        except BaseException as exc:
            with contextlib.suppress(FileNotFoundError):
                Path(temporary).unlink()
            if isinstance(exc, OSError):
                raise ConfigError(f"The state file {path} cannot be written ({exc.strerror or exc}).") from exc
            raise


def _first_line(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.readline()
