"""``edt-import serve`` as an administrator starts it: a process of its own, with establishments registered through
``edt-import establishment add`` and tokens from ``edt-import token`` (the commands, not their modules)."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from msgspec import Struct, field

EDT_IMPORT = str(Path(sys.executable).with_name("edt-import"))
_API_LINE = re.compile(r"admin API on (?P<url>http://\S+?) ")
_START_TIMEOUT_S = 120


class GeneratedSchool(Struct, frozen=True):
    """``edt-import generate``'s files and the UAI its export names."""

    uai: str
    export: Path
    key: Path
    directory: Path


def generate_school(out: Path, *, seed: int, size: str = "college") -> GeneratedSchool:
    done = subprocess.run(
        [EDT_IMPORT, "generate", "--size", size, "--seed", str(seed), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    files = summary["files"]
    return GeneratedSchool(
        uai=str(summary["uai"]),
        export=Path(files["export"]),
        key=Path(files["key"]),
        directory=Path(files["directory"]),
    )


class ServedStack(Struct):
    """A running ``edt-import serve``; ``stop()`` ends it as Ctrl-C would."""

    process: subprocess.Popen[str]
    data_dir: Path
    url: str
    output: list[str] = field(default_factory=list)

    def add_establishment(self, school: GeneratedSchool, *, key: Path | None = None) -> None:
        """Register the school. The stack holds one partner key (the ENT's, as in AWS): ``key`` (another school's)
        keeps the one registered before; the school's own exports then no longer open (``key_mismatch``)."""
        key_file = key or school.key
        self._run("establishment", "add", school.uai, "--key", str(key_file), "--directory", str(school.directory))

    def token(self, *uais: str, role: str = "admin") -> str:
        return self._run("token", *(arg for uai in uais for arg in ("--uai", uai)), "--role", role).strip()

    def _run(self, *args: str) -> str:
        done = subprocess.run(
            [EDT_IMPORT, *args, "--data-dir", str(self.data_dir)], check=False, capture_output=True, text=True
        )
        assert done.returncode == 0, f"edt-import {args[0]} failed ({done.returncode}): {done.stderr.strip()}"
        return done.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def serve(data_dir: Path, *, now: str | None = None) -> ServedStack:
    """Start ``edt-import serve --port 0`` and wait for the line giving its URL."""
    command = [EDT_IMPORT, "serve", "--port", "0", "--data-dir", str(data_dir)]
    if now is not None:
        command += ["--now", now]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, name="edt-import-serve-output", daemon=True).start()
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break
        found = _API_LINE.search(line)
        if found:
            return ServedStack(process=process, data_dir=data_dir, url=found["url"], output=output)
    process.kill()
    raise AssertionError("edt-import serve did not start:\n" + "".join(output))
