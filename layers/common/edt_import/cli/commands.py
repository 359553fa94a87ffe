"""What each ``edt-import`` sub-command accepts: the argument contracts, kept apart from the work.

Only this module and ``main`` load at start-up; a command's module (``<name>_cmd``) is imported when that
command runs, so ``plan`` does not pay for the generator or the itslearning client.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="an encrypted export (container) or a clear inner XML")
    parser.add_argument("--key", help="the partner private key (PKCS#8, PEM or DER)")
    parser.add_argument("--partner", default="ITSLEARNING", help="our partner name in the container's CLES")
    parser.add_argument("--uai", help="the establishment the export must belong to")
    parser.add_argument(
        "--allow-any-version", action="store_true", help="accept exports from programs other than EDT/PRONOTE 2018+"
    )


def add_generate(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("generate", help="generate a realistic establishment")
    parser.add_argument("--size", choices=["college", "lycee", "cite"], default="college")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--partner", default="ITSLEARNING")
    parser.set_defaults(command_module="generate_cmd")


def add_inspect(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("inspect", help="open, validate and summarise an export")
    add_export_arguments(parser)
    parser.set_defaults(command_module="inspect_cmd")


def add_plan(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("plan", help="plan an import without applying it")
    add_export_arguments(parser)
    parser.add_argument("--directory", required=True, help="ENT directory CSV")
    parser.add_argument("--today", help="import date, YYYY-MM-DD (default: today)")
    parser.add_argument("--timezone", default="Europe/Paris")
    parser.add_argument("--selection", help="wizard selection JSON")
    parser.add_argument("--previous", help="applied state JSON of the last sync")
    parser.add_argument("--write-state", help="write the state this plan would leave, once applied")
    parser.add_argument("--with-events", action="store_true", help="list every planned event")
    parser.set_defaults(command_module="plan_cmd")


def add_sync(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("sync", help="apply an export to itslearning")
    add_export_arguments(parser)
    parser.add_argument("--today", help="import date, YYYY-MM-DD (default: today)")
    parser.add_argument("--timezone", default="Europe/Paris")
    parser.add_argument("--itslearning-url", required=True)
    parser.add_argument("--state-dir", default=".edt-import-state")
    parser.add_argument("--directory", help="ENT directory CSV (default: read persons from itslearning)")
    parser.add_argument("--selection", help="wizard selection JSON")
    parser.set_defaults(command_module="sync_cmd")


def add_sandbox(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("sandbox", help="local itslearning stand-in")
    actions = parser.add_subparsers(dest="sandbox_command", required=True)
    serve = actions.add_parser("serve", help="serve the stand-in over HTTP")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument(
        "--persons",
        help="seed persons from a directory CSV; it has no UAI column, so they become members of every --uai",
    )
    serve.add_argument("--fault-rate", type=float, default=0.0)
    serve.add_argument("--latency-ms", type=int, default=0)
    serve.add_argument("--data", help="persist the stand-in's state to this file")
    serve.add_argument("--seed", type=int, default=None, help="seed of the fault injection's random source")
    serve.add_argument(
        "--uai", action="append", default=[], help="establishment whose school node exists (sync key = UAI)"
    )
    serve.add_argument("--locked-before", help="YYYY-MM-DD: events starting before this UTC date cannot be deleted")
    serve.add_argument("--stall-s", type=float, default=0.0, help="half of the faults answer this late instead")
    serve.add_argument("--queue-polls", type=int, default=0, help="GetMessageResult says InQueue this many times")
    serve.set_defaults(command_module="sandbox_cmd")


COMMANDS = (add_generate, add_inspect, add_plan, add_sync, add_sandbox)
