"""``edt-import serve``: the local stack, the itslearning stand-in and the admin API's front, until Ctrl-C."""

from __future__ import annotations

import argparse
import errno
import signal
import threading

from edt_import.domain.errors import ConfigError
from edt_import.domain.uai import normalise_uai

_MAX_PORT = 65535


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from local_front.session import LocalSession, SessionOptions  # noqa: PLC0415 - a local tool (moto)

    if not 0 <= args.port <= _MAX_PORT:
        raise ConfigError(f"The port must be between 0 (any free port) and {_MAX_PORT}.", {"port": args.port})
    session = LocalSession(SessionOptions(data_dir=args.data_dir, port=args.port, host=args.host, now=args.now))
    try:
        session.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"The address {args.host}:{args.port} is already in use; choose another --port.") from exc
        raise
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        print(
            f"admin API on {session.url} (console at {session.url}/); stack described in "
            f"{args.data_dir / 'stack.json'}; Ctrl-C stops it",
            flush=True,
        )
        if args.admin_of:
            uais = [normalise_uai(uai) for uai in args.admin_of]
            print(f"sign in as an administrator of {', '.join(uais)}: {session.sign_in_url(uais)}", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        session.stop()
    return 0
