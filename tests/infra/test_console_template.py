"""The console's hosting in template.yaml: a private bucket that only its CloudFront distribution reads (origin
access control), served over HTTPS with the console's security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode.cfn_yaml import load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    template = load(str(ROOT / "template.yaml"))
    return dict(template["Resources"])


def _distribution(resources: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = resources["ConsoleDistribution"]["Properties"]["DistributionConfig"]
    return config


def test_console_template_bucket_is_read_by_its_distribution_alone(resources: dict[str, Any]) -> None:
    # Given the console bucket's policy
    statements = resources["ConsoleBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (read,) = [s for s in statements if s["Effect"] == "Allow"]
    # Then only CloudFront reads it, and only for this stack's distribution
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert read["Action"] == "s3:GetObject"
    source = read["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${ConsoleDistribution}")
    assert all(resources["ConsoleBucket"]["Properties"]["PublicAccessBlockConfiguration"].values())


def test_console_template_distribution_signs_with_origin_access_control(resources: dict[str, Any]) -> None:
    (origin,) = _distribution(resources)["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["ConsoleBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["ConsoleOriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy identity beside the OAC
    control = resources["ConsoleOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (control["OriginAccessControlOriginType"], control["SigningBehavior"]) == ("s3", "always")


def test_console_template_is_served_over_https_only_with_security_headers(resources: dict[str, Any]) -> None:
    distribution = _distribution(resources)
    behaviour = distribution["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] in {"https-only", "redirect-to-https"}
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"]
    assert distribution["DefaultRootObject"] == "index.html"
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "ConsoleHeadersPolicy"}
    headers = resources["ConsoleHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    policy = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
