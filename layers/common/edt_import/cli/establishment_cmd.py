"""``edt-import establishment add``: register an establishment on the running local stack (``serve``)."""

from __future__ import annotations

import argparse
import base64
import json
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization

from edt_import.cli.plan_inputs import read_file
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.errors import ConfigError, ErrorCode
from edt_import.domain.private_key import load_private_key
from edt_import.domain.uai import is_valid_uai, normalise_uai

_UAI_FORMAT = r"^[0-9]{7}[A-Z]$"


def run(args: argparse.Namespace) -> int:
    from local_front.server import OPERATOR_ROLE  # noqa: PLC0415 - a local tool, never in the Lambda layer
    from local_front.session import read_stack_file  # noqa: PLC0415
    from local_front.tokens import TokenSigner  # noqa: PLC0415

    uai = normalise_uai(args.uai)
    if not re.fullmatch(_UAI_FORMAT, uai):
        raise ConfigError("An establishment code (UAI) is seven digits and a letter, e.g. 0750001U.", {"uai": uai})
    if not is_valid_uai(uai) and not args.allow_invalid_uai:
        raise ConfigError(
            f"The UAI {uai} does not end with its check letter; pass --allow-invalid-uai for a test school.",
            code=ErrorCode.CONFIG_ERROR,
        )
    key_data = read_file(args.key, "key")
    directory = read_file(args.directory, "directory")
    if key_data is None or directory is None:  # both arguments are required
        raise ConfigError("--key and --directory are both needed.")
    key_pem = load_private_key(key_data).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    persons = read_directory_csv(directory)  # refused here, with its line, rather than by the stack
    stack = read_stack_file(args.data_dir)
    if stack is None:
        raise ConfigError(
            f"No local stack runs for {args.data_dir}: start edt-import serve --data-dir {args.data_dir}."
        )
    now = datetime.fromisoformat(stack["now"]) if stack.get("now") else datetime.now(UTC)
    token = TokenSigner.of_data_dir(args.data_dir).mint(uais=[uai], role=OPERATOR_ROLE, now=now)
    payload = {
        "uai": uai,
        "partner": args.partner,
        "key_pem": key_pem.decode("ascii"),
        "directory_csv_b64": base64.b64encode(directory).decode("ascii"),  # as read: the stack decodes it alike
    }
    request = urllib.request.Request(  # noqa: S310 - the local front named in stack.json
        f"{stack['api_url']}/_local/establishments",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise ConfigError(f"The local stack refused the establishment (HTTP {exc.code}).") from exc
    except OSError as exc:
        raise ConfigError(
            f"The local stack at {stack['api_url']} does not answer; is edt-import serve still running?"
        ) from exc
    print(f"establishment {answer['uai']} registered: partner {args.partner}, {len(persons)} ENT account(s)")
    return 0
