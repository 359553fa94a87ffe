"""The ``edt-import`` command: one sub-command per module, errors mapped to exit statuses here only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from edt_import.cli import generate_cmd, inspect_cmd, plan_cmd, sandbox_cmd, sync_cmd
from edt_import.domain.errors import EdtImportError

EXIT_REJECTED = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edt-import", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (generate_cmd, inspect_cmd, plan_cmd, sync_cmd, sandbox_cmd):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except EdtImportError as exc:
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        return EXIT_REJECTED
    return status


if __name__ == "__main__":
    sys.exit(main())
