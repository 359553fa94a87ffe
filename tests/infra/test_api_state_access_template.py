"""The admin API's right to the applied states in template.yaml: the wizard opens with the selection of the last
completed import, which lives in the establishment's applied state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.decode.decode import decode_str

ROOT = Path(__file__).resolve().parents[2]


def _api_statements() -> list[dict[str, Any]]:
    template, matches = decode_str((ROOT / "template.yaml").read_text(encoding="utf-8"))
    assert not matches
    policies = template["Resources"]["ApiFunction"]["Properties"]["Policies"]
    return [s for p in policies if isinstance(p, dict) and "Statement" in p for s in p["Statement"]]


def test_api_function_reads_applied_states_and_never_writes_them() -> None:
    # Given the admin API's statements / When looking for those naming the applied states
    on_states = [s for s in _api_statements() if "/state/" in str(s["Resource"])]
    # Then one reads them, and nothing lets it write them
    assert [(s["Action"], s["Resource"]) for s in on_states] == [
        (["s3:GetObject"], {"Fn::Sub": "${WorkBucket.Arn}/state/*"})
    ]
