"""The ``edt-import`` command: one sub-command per module, errors mapped to exit statuses here only."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from edt_import.cli.commands import COMMANDS
from edt_import.domain.errors import EdtImportError

EXIT_REJECTED = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edt-import", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for add_command in COMMANDS:
        add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        command = importlib.import_module(f"edt_import.cli.{args.command_module}")
        status: int = command.run(args)
    except EdtImportError as exc:
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        return EXIT_REJECTED
    return status


if __name__ == "__main__":
    sys.exit(main())
