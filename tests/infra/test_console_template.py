"""The console's hosting in template.yaml: a private bucket that only its CloudFront distribution reads (origin
access control), served over HTTPS with the console's security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode.cfn_yaml import load

from tests.support.content_security_policy import directives

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
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000


def test_console_template_pages_run_only_their_own_scripts_and_styles_and_are_never_framed(
    resources: dict[str, Any],
) -> None:
    # Given the console's content security policy
    text, _ = _content_security_policy(resources)
    policy = directives(text)
    # Then scripts, styles and everything not named come from the console's own origin only, and no page frames it
    assert (policy["default-src"], policy["script-src"], policy["style-src"]) == (("'self'",),) * 3
    assert (policy["frame-ancestors"], policy["base-uri"], policy["form-action"]) == (
        ("'none'",),
        ("'none'",),
        ("'self'",),
    )


def test_console_template_pages_connect_only_to_the_admin_api_and_the_uploads_bucket(resources: dict[str, Any]) -> None:
    # Given the console's content security policy and the values of its variables
    text, origins = _content_security_policy(resources)
    # Then the page connects to its own origin (config.json), the stack's API host and the uploads bucket's regional
    # host (the presigned POST's URL), nothing else: no wildcard over amazonaws.com, no other bucket
    assert directives(text)["connect-src"] == ("'self'", "${AdminApiOrigin}", "${UploadsOrigin}")
    assert origins == {
        "AdminApiOrigin": {"Fn::Sub": "https://${AdminApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
        "UploadsOrigin": {"Fn::Sub": "https://${UploadsBucket.RegionalDomainName}"},
    }
    assert resources["AdminApi"]["Type"] == "AWS::Serverless::Api"


def _content_security_policy(resources: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    headers = resources["ConsoleHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    text, origins = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    return str(text), dict(origins)
