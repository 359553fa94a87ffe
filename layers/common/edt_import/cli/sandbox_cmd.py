"""``edt-import sandbox serve``: the local itslearning stand-in."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("sandbox", help="local itslearning stand-in")
    actions = parser.add_subparsers(dest="sandbox_command", required=True)
    serve = actions.add_parser("serve", help="serve the stand-in over HTTP")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--persons", help="seed persons from a directory CSV")
    serve.add_argument("--fault-rate", type=float, default=0.0)
    serve.add_argument("--latency-ms", type=int, default=0)
    serve.add_argument("--data", help="persist the stand-in's state to this file")
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("sandbox serve")
