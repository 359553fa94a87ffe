"""The upload expiry's wiring in template.yaml: its schedule, its deadline, its sparse index, its narrow rights."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode.decode import decode_str

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template() -> Any:
    loaded, matches = decode_str((ROOT / "template.yaml").read_text(encoding="utf-8"))
    assert not matches
    return loaded


def test_expiry_function_runs_every_five_minutes_with_a_deadline_beyond_the_upload_form(template: Any) -> None:
    # Given the template / When reading the expiry function, its deadline parameter and the API's upload form
    resources = template["Resources"]
    expiry = resources["ExpireUploadsFunction"]["Properties"]
    deadline = template["Parameters"]["UploadDeadlineSeconds"]
    form_expiry = int(resources["ApiFunction"]["Properties"]["Environment"]["Variables"]["UPLOAD_EXPIRY_S"])
    # Then it runs on a schedule, and even the shortest deadline allowed leaves the form's life twice over
    (event,) = expiry["Events"].values()
    assert (event["Type"], event["Properties"]["Schedule"]) == ("Schedule", "rate(5 minutes)")
    assert expiry["Environment"]["Variables"]["UPLOAD_DEADLINE_S"] == {"Ref": "UploadDeadlineSeconds"}
    # and the upload step refuses a late file by the same deadline, the sweep not yet come
    decrypt = resources["DecryptFunction"]["Properties"]["Environment"]["Variables"]
    assert decrypt["UPLOAD_DEADLINE_S"] == {"Ref": "UploadDeadlineSeconds"}
    assert deadline["Default"] == 1800
    assert deadline["MinValue"] >= 2 * form_expiry


def test_expiry_function_may_only_query_the_sparse_index_and_rewrite_import_records(template: Any) -> None:
    # Given the expiry function's policies
    (policy,) = template["Resources"]["ExpireUploadsFunction"]["Properties"]["Policies"]
    # Then it reads the awaiting-upload index and gets/puts imports' records, nothing else (no S3, no other table)
    grants = {tuple(s["Action"]): s["Resource"] for s in policy["Statement"]}
    assert grants == {
        ("dynamodb:Query",): {"Fn::Sub": "${ImportsTable.Arn}/index/awaiting_upload"},
        ("dynamodb:GetItem", "dynamodb:PutItem"): {"Fn::GetAtt": ["ImportsTable", "Arn"]},
    }


def test_imports_table_has_a_sparse_awaiting_upload_index_by_creation_time(template: Any) -> None:
    # Given the imports table / When reading its indexes
    table = template["Resources"]["ImportsTable"]["Properties"]
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    # Then the expiry's index is keyed on the marker only a waiting import carries, then its creation time
    index = indexes["awaiting_upload"]
    assert [(k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]] == [
        ("awaiting_upload", "HASH"),
        ("created_at", "RANGE"),
    ]
    assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}
