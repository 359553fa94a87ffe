"""The upload form the API hands out: a presigned POST for exactly one key, a size range and a short life.

moto accepts any POST and checks no policy condition, so the policy itself is read here: S3 enforces what it says.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from edt_import.adapters import wiring
from edt_import.domain.upload_ports import UploadSigner
from tests.support.admin_api import InMemoryUploadSigner
from tests.support.moto_resources import create_bucket

KEY = "uploads/0214773Z/" + "c" * 32 + ".xml"


@pytest.mark.usefixtures("aws")
def test_s3_upload_form_policy_names_the_key_the_size_range_and_a_short_expiry() -> None:
    create_bucket("uploads")
    before = datetime.now(UTC)
    form = wiring.upload_signer("uploads").presign(KEY, max_bytes=64 * 1024 * 1024, expires_s=300)
    policy = json.loads(base64.b64decode(form.fields["policy"]))
    assert form.fields["key"] == KEY
    assert form.url == "https://uploads.s3.eu-west-3.amazonaws.com/"  # the bucket's region, no redirect
    assert ["content-length-range", 1, 64 * 1024 * 1024] in policy["conditions"]
    assert {"key": KEY} in policy["conditions"]
    assert {"bucket": "uploads"} in policy["conditions"]
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert before + timedelta(seconds=290) <= expiration <= before + timedelta(seconds=310)
    assert not any(isinstance(c, list) and c[0] == "starts-with" for c in policy["conditions"])  # no key prefix


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("region", ["eu-west-3", "us-east-1"])
def test_s3_upload_form_posts_to_the_buckets_regional_host_the_console_may_connect_to(
    region: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the functions in a region (us-east-1 included, where S3's default is the global host)
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    wiring.reset()
    # When the API hands out an upload form
    form = wiring.upload_signer("uploads").presign(KEY, max_bytes=10, expires_s=60)
    # Then it posts to the bucket's RegionalDomainName, the one upload host the console's CSP names
    assert form.url == f"https://uploads.s3.{region}.amazonaws.com/"


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("signer_kind", ["in-memory", "s3"])
def test_upload_signer_form_names_its_one_key(signer_kind: str) -> None:
    create_bucket("uploads")
    signer: UploadSigner = InMemoryUploadSigner() if signer_kind == "in-memory" else wiring.upload_signer("uploads")
    form = signer.presign(KEY, max_bytes=10, expires_s=60)
    assert form.fields["key"] == KEY
    assert form.url
