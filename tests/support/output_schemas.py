"""The JSON Schemas of the commands' outputs (``docs/schemas/``), for tests validating real outputs against them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def schema(command: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{command}.schema.json").read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(command: str) -> Draft202012Validator:
    # Every schema under its $id, so that one may refer to another's definitions (sync uses plan's hold).
    registry: Registry[Any] = Registry().with_resources(
        (loaded["$id"], Resource.from_contents(loaded))
        for loaded in (json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.glob("*.schema.json"))
    )
    document = schema(command)
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_matches_schema(command: str, output: object) -> None:
    """Fails with every violation listed (path and message), not only the first."""
    errors = sorted(_validator(command).iter_errors(output), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])
