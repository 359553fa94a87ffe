"""``edt-import inspect``: open and validate an export, print its summary as JSON."""

from __future__ import annotations

import argparse
from typing import Any

from edt_import.cli.export_args import add_export_arguments


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("inspect", help="open, validate and summarise an export")
    add_export_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("inspect")
