"""``edt-import openapi``: the admin API's OpenAPI document."""

from __future__ import annotations

import argparse
import json

from edt_import.api.resolver import openapi_document


def render() -> str:
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def run(_args: argparse.Namespace) -> int:
    print(render(), end="")
    return 0
