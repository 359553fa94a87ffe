"""``edt-import plan``: what an import would send to itslearning, as JSON."""

from __future__ import annotations

import argparse
from typing import Any

from edt_import.cli.export_args import add_export_arguments


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("plan", help="plan an import without applying it")
    add_export_arguments(parser)
    parser.add_argument("--directory", required=True, help="ENT directory CSV")
    parser.add_argument("--today", help="import date, YYYY-MM-DD (default: today)")
    parser.add_argument("--timezone", default="Europe/Paris")
    parser.add_argument("--selection", help="wizard selection JSON")
    parser.add_argument("--previous", help="applied state JSON of the last sync")
    parser.add_argument("--write-state", help="write the state this plan would leave, once applied")
    parser.add_argument("--with-events", action="store_true", help="list every planned event")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("plan")
