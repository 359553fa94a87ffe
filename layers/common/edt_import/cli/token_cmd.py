"""``edt-import token``: a bearer token for the local admin API, alone on stdout."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime

from edt_import.domain.errors import ConfigError
from edt_import.domain.uai import normalise_uai

_UAI_FORMAT = r"^[0-9]{7}[A-Z]$"


def run(args: argparse.Namespace) -> int:
    from local_front.session import read_stack_file  # noqa: PLC0415 - a local tool, never in the Lambda layer
    from local_front.tokens import TokenSigner  # noqa: PLC0415

    uais = [normalise_uai(uai) for uai in args.uai]
    bad = [uai for uai in uais if not re.fullmatch(_UAI_FORMAT, uai)]
    if bad:
        raise ConfigError("An establishment code (UAI) is seven digits and a letter, e.g. 0750001U.", {"uai": bad})
    stack = read_stack_file(args.data_dir) or {}
    # A stack started with --now keeps that clock: the token must be valid at the stack's time.
    now = datetime.fromisoformat(stack["now"]) if stack.get("now") else datetime.now(UTC)
    print(TokenSigner.of_data_dir(args.data_dir).mint(uais=uais, role=args.role, now=now))
    return 0
