"""``python -m console_publish``: the console's files into the stack's console bucket, with their types, the
config.json naming the stack's API and sign-in, then the distribution's cache invalidated (on moto)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import boto3
import pytest
from console_publish import ConsoleSite, main, publish, site_of_stack
from console_publish.publish import CONSOLE_DIR
from moto import mock_aws

REGION: Final = "eu-west-3"
API_URL = "https://abc123.execute-api.eu-west-3.amazonaws.com/v1"
SIGN_IN_URL = "https://edt-admins.auth.eu-west-3.amazoncognito.com/login?client_id=c&response_type=token"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


def _distribution() -> str:
    config: Any = {
        "CallerReference": "console",
        "Comment": "console",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "console", "DomainName": "console.s3.amazonaws.com"}]},
        "DefaultCacheBehavior": {"TargetOriginId": "console", "ViewerProtocolPolicy": "redirect-to-https"},
    }
    distribution_id: str = boto3.client("cloudfront").create_distribution(DistributionConfig=config)["Distribution"][
        "Id"
    ]
    return distribution_id


def _stack(bucket: str, distribution_id: str) -> None:
    outputs = {
        "ConsoleBucketName": bucket,
        "ConsoleDistributionId": distribution_id,
        "AdminApiUrl": API_URL,
        "SignInUrl": SIGN_IN_URL,
        "ConsoleUrl": "https://d111.cloudfront.net",
    }
    template = {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {name: {"Value": value} for name, value in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(StackName="edt-import", TemplateBody=json.dumps(template))


def test_console_publish_uploads_the_console_its_config_and_invalidates_the_cache(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a deployed stack: its console bucket, its distribution, its outputs
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="console-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    distribution_id = _distribution()
    _stack("console-bucket", distribution_id)
    # When the console is published
    assert main(["--stack", "edt-import"]) == 0
    # Then every console file is in the bucket, typed for the browser and revalidated on each load
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="console-bucket")["Contents"]}
    expected = {p.relative_to(CONSOLE_DIR).as_posix() for p in CONSOLE_DIR.rglob("*") if p.is_file()}
    assert keys == expected | {"config.json"}
    page = s3.get_object(Bucket="console-bucket", Key="index.html")
    assert (page["ContentType"], page["CacheControl"]) == ("text/html; charset=utf-8", "no-cache")
    assert s3.get_object(Bucket="console-bucket", Key="js/main.js")["ContentType"] == "text/javascript; charset=utf-8"
    # And config.json names the stack's API and hosted sign-in
    config = json.loads(s3.get_object(Bucket="console-bucket", Key="config.json")["Body"].read())
    assert config == {"api_base_url": API_URL, "sign_in_url": SIGN_IN_URL}
    # And CloudFront was asked to drop its cached copies
    invalidations = boto3.client("cloudfront").list_invalidations(DistributionId=distribution_id)
    assert invalidations["InvalidationList"]["Quantity"] == 1
    assert "https://d111.cloudfront.net" in capsys.readouterr().out


def test_console_publish_never_sends_a_local_config(aws: None, tmp_path: Path) -> None:
    # Given a console folder holding a developer's own config.json
    root = tmp_path / "console"
    shutil.copytree(CONSOLE_DIR, root)
    (root / "config.json").write_text('{"api_base_url": "http://127.0.0.1:8000"}', encoding="utf-8")
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="console-copy", CreateBucketConfiguration={"LocationConstraint": REGION})
    invalidated: list[str] = []
    site = ConsoleSite(bucket="console-copy", distribution_id="E1", api_url=API_URL, sign_in_url=SIGN_IN_URL)
    # When it is published
    written = publish(site, s3=s3, invalidate=invalidated.append, root=root)
    # Then the stack's config is the one in the bucket, written once
    assert written.count("config.json") == 1
    config = json.loads(s3.get_object(Bucket="console-copy", Key="config.json")["Body"].read())
    assert config["api_base_url"] == API_URL
    assert invalidated == ["E1"]


def test_console_publish_names_the_outputs_a_stack_lacks() -> None:
    with pytest.raises(SystemExit, match="AdminApiUrl, SignInUrl"):
        site_of_stack({"ConsoleBucketName": "b", "ConsoleDistributionId": "E1"})
