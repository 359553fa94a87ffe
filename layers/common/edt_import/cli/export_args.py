"""Arguments shared by the commands that open an export (inspect, plan, sync)."""

from __future__ import annotations

import argparse


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="an encrypted export (container) or a clear inner XML")
    parser.add_argument("--key", help="the partner private key (PKCS#8, PEM or DER)")
    parser.add_argument("--partner", default="ITSLEARNING", help="our partner name in the container's CLES")
    parser.add_argument("--uai", help="the establishment the export must belong to")
    parser.add_argument(
        "--allow-any-version", action="store_true", help="accept exports from programs other than EDT/PRONOTE 2018+"
    )
