"""The automatic-import scheduler's wiring in template.yaml: its sparse index on the establishments and its rights
on that table (the index and each item by key, never a scan)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from cfnlint.decode.cfn_yaml import load

RESOURCES: Final[dict[str, Any]] = load(str(Path(__file__).resolve().parents[2] / "template.yaml"))["Resources"]


def test_establishments_table_has_a_sparse_awaiting_slot_index_carrying_the_waiting_import() -> None:
    # Given the establishments table / When reading its indexes
    table = RESOURCES["EstablishmentsTable"]["Properties"]
    (index,) = table["GlobalSecondaryIndexes"]
    # Then the scheduler's index is keyed on the marker only a waiting establishment carries, and holds the import
    assert index["IndexName"] == "awaiting_slot"
    assert [(k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]] == [
        ("awaiting_slot", "HASH"),
        ("uai", "RANGE"),
    ]
    assert index["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["auto_waiting"]}


def test_scheduler_may_query_the_sparse_index_and_touch_establishments_by_key_only() -> None:
    # Given the scheduler's policies
    policies = RESOURCES["AutoImportSchedulerFunction"]["Properties"]["Policies"]
    # Then no SAM template grants it the establishments table as a whole (those include Scan)
    assert not [p for p in policies if "Statement" not in p and "EstablishmentsTable" in str(p)]
    # And on that table it queries the waiting establishments' index and gets/updates items, nothing else
    statements = [s for p in policies if "Statement" in p for s in p["Statement"]]
    grants = {tuple(s["Action"]): s["Resource"] for s in statements if "EstablishmentsTable" in str(s["Resource"])}
    assert grants == {
        ("dynamodb:Query",): {"Fn::Sub": "${EstablishmentsTable.Arn}/index/awaiting_slot"},
        ("dynamodb:GetItem", "dynamodb:UpdateItem"): {"Fn::GetAtt": ["EstablishmentsTable", "Arn"]},
    }
