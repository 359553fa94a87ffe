"""``edt-import sandbox serve``: the local itslearning stand-in."""

from __future__ import annotations

import argparse
import signal
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from edt_import.domain.errors import ConfigError

if TYPE_CHECKING:
    from itslearning_standin import StandinServer


def build_standin(args: argparse.Namespace) -> StandinServer:
    """The stand-in the arguments describe, not started."""
    from edt_import.domain.directory_csv import read_directory_csv  # noqa: PLC0415
    from itslearning_standin import StandinServer  # noqa: PLC0415 - a local tool, never in the Lambda layer

    if not 0.0 <= args.fault_rate <= 1.0:
        raise ConfigError("The fault rate must be between 0 and 1.", {"fault_rate": args.fault_rate})
    locked_before = None
    if args.locked_before:
        try:
            day = date.fromisoformat(args.locked_before)
        except ValueError as exc:
            raise ConfigError("The locked-before date must be written YYYY-MM-DD.") from exc
        locked_before = datetime(day.year, day.month, day.day, tzinfo=UTC)
    persons = read_directory_csv(Path(args.persons).read_bytes()) if args.persons else ()
    return StandinServer(
        persons=persons,
        schools=tuple(args.uai),
        fault_rate=args.fault_rate,
        latency_ms=args.latency_ms,
        seed=args.seed,
        locked_before=locked_before,
        stall_s=args.stall_s,
        queue_polls=args.queue_polls,
        host=args.host,
        port=args.port,
        data_path=Path(args.data) if args.data else None,
    )


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from itslearning_standin import SANDBOX_USERNAME  # noqa: PLC0415

    standin = build_standin(args)
    signal.signal(signal.SIGTERM, _interrupt)  # a stopped stand-in still writes --data
    standin.start()
    print(f"itslearning stand-in on {standin.base_url} (user {SANDBOX_USERNAME}); Ctrl-C stops it", flush=True)
    try:
        standin.serve_forever()
    except KeyboardInterrupt:
        standin.stop()
    return 0
