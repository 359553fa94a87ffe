"""Import PRONOTE/EDT timetable exports into itslearning: courses, memberships and calendar events.

Start with ``inspect`` (is the export readable, and whose is it?), then ``plan`` (what an import would send),
then ``sync`` (send it). ``generate`` and ``sandbox`` give a realistic establishment and a local itslearning
stand-in to try it all without a school. Errors are mapped to exit statuses here only.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from edt_import.cli import exit_status
from edt_import.cli.commands import COMMANDS, VersionAction, formatted, sub_commands
from edt_import.cli.error_line import error_line
from edt_import.domain.errors import EdtImportError

EXIT_REJECTED = exit_status.REFUSED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edt-import", **formatted(__doc__ or ""))
    parser.add_argument("--version", action=VersionAction)
    commands = sub_commands(parser, "command")
    for add_command in COMMANDS:
        add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        command = importlib.import_module(f"edt_import.cli.{args.command_module}")
        status: int = command.run(args)
        sys.stdout.flush()
    except EdtImportError as exc:
        print(error_line(exc), file=sys.stderr)
        return exit_status.status_for(exc)
    except KeyboardInterrupt:
        print(f"interrupted: edt-import {args.command} stopped before the end.", file=sys.stderr)
        return exit_status.INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (``| head``): say nothing more, and let the exit flush go nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exit_status.BROKEN_PIPE
    return status


if __name__ == "__main__":
    sys.exit(main())
