"""``edt-import generate``: a realistic establishment (export, key, directory), deterministic from a seed."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("generate", help="generate a realistic establishment")
    parser.add_argument("--size", choices=["college", "lycee", "cite"], default="college")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--partner", default="ITSLEARNING")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("generate")
