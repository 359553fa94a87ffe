"""The path and query parameters every router shares, validated before a route runs (4xx, never a 500)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

UAI_PATTERN = r"^[0-9]{7}[A-Za-z]$"
IMPORT_ID_PATTERN = r"^[0-9A-Za-z_-]{8,64}$"

Uai = Annotated[
    str,
    Path(
        pattern=UAI_PATTERN,
        description="the establishment's code (UAI): seven digits and a letter",
        examples=["0750001U"],
    ),
]
ImportId = Annotated[str, Path(pattern=IMPORT_ID_PATTERN, description="the import's id, as POST .../imports gave it")]
