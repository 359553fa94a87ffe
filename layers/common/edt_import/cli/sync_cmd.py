"""``edt-import sync``: plan against the saved state, apply to itslearning, save what succeeded."""

from __future__ import annotations

import argparse
from typing import Any

from edt_import.cli.export_args import add_export_arguments


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("sync", help="apply an export to itslearning")
    add_export_arguments(parser)
    parser.add_argument("--today", help="import date, YYYY-MM-DD (default: today)")
    parser.add_argument("--timezone", default="Europe/Paris")
    parser.add_argument("--itslearning-url", required=True)
    parser.add_argument("--state-dir", default=".edt-import-state")
    parser.add_argument("--directory", help="ENT directory CSV (default: read persons from itslearning)")
    parser.add_argument("--selection", help="wizard selection JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("sync")
