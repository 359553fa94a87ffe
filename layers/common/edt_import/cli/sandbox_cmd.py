"""``edt-import sandbox serve``: the local itslearning stand-in."""

from __future__ import annotations

import argparse
import errno
import signal
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from edt_import.cli.plan_inputs import read_file
from edt_import.domain.errors import ConfigError

_MAX_PORT = 65535

if TYPE_CHECKING:
    from itslearning_standin import StandinServer


def build_standin(args: argparse.Namespace) -> StandinServer:
    """The stand-in the arguments describe, not started."""
    from edt_import.domain.directory_csv import read_directory_csv  # noqa: PLC0415
    from itslearning_standin import StandinServer  # noqa: PLC0415 - a local tool, never in the Lambda layer

    if not 0 <= args.port <= _MAX_PORT:
        raise ConfigError(f"The port must be between 0 (any free port) and {_MAX_PORT}.", {"port": args.port})
    if not 0.0 <= args.fault_rate <= 1.0:
        raise ConfigError("The fault rate must be between 0 and 1.", {"fault_rate": args.fault_rate})
    locked_before = None
    if args.locked_before:
        try:
            day = date.fromisoformat(args.locked_before)
        except ValueError as exc:
            raise ConfigError("The locked-before date must be written YYYY-MM-DD.") from exc
        locked_before = datetime(day.year, day.month, day.day, tzinfo=UTC)
    persons_csv = read_file(args.persons, "persons")
    persons = read_directory_csv(persons_csv) if persons_csv is not None else ()
    try:
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
    except OSError as exc:
        raise ConfigError(f"The stand-in's data file {args.data} cannot be read ({exc.strerror}).") from exc
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ConfigError(f"The file {args.data} does not hold a stand-in's data (written by --data).") from exc


def start(standin: StandinServer, host: str, port: int) -> None:
    """Listen, or say in a sentence why the address cannot be used."""
    try:
        standin.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"The address {host}:{port} is already in use (another stand-in?); choose another --port."
            ) from exc
        raise ConfigError(f"The stand-in cannot listen on {host}:{port} ({exc.strerror or exc}).") from exc


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from itslearning_standin import SANDBOX_USERNAME  # noqa: PLC0415

    standin = build_standin(args)
    start(standin, args.host, args.port)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # a stopped stand-in still writes --data
    try:
        schools = ", ".join(args.uai) if args.uai else "none (a sync needs --uai UAI for its establishment)"
        print(
            f"itslearning stand-in on {standin.base_url} (user {SANDBOX_USERNAME}); school nodes: {schools}; "
            f"{len(standin.state.persons)} person(s); Ctrl-C stops it",
            flush=True,
        )
        standin.serve_forever()
    except KeyboardInterrupt:
        standin.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
