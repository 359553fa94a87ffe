"""Publish the admin console: ``console/``'s files into the console bucket, a ``config.json`` beside them naming the
admin API and the hosted sign-in (both from the stack's outputs), then a CloudFront invalidation so that the next
page load gets the new files. ``python -m console_publish --stack NAME`` (``make publish-console``) runs it."""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from msgspec import Struct

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

CONSOLE_DIR = Path(__file__).resolve().parents[2] / "console"
CONFIG_NAME = "config.json"
# The files keep their names from one publication to the next: browsers revalidate them (ETag) on each load.
CACHE_CONTROL = "no-cache"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".json": "application/json"}


class ConsoleSite(Struct, frozen=True, kw_only=True):
    """Where the console goes and what it talks to, as the stack's outputs name them."""

    bucket: str
    distribution_id: str
    api_url: str
    sign_in_url: str

    def config(self) -> dict[str, str]:
        return {"api_base_url": self.api_url, "sign_in_url": self.sign_in_url}


def site_of_stack(outputs: dict[str, str]) -> ConsoleSite:
    missing = [
        name
        for name in ("ConsoleBucketName", "ConsoleDistributionId", "AdminApiUrl", "SignInUrl")
        if not outputs.get(name)
    ]
    if missing:
        raise SystemExit(f"the stack has no output {', '.join(missing)}: deploy template.yaml first (make deploy)")
    return ConsoleSite(
        bucket=outputs["ConsoleBucketName"],
        distribution_id=outputs["ConsoleDistributionId"],
        api_url=outputs["AdminApiUrl"],
        sign_in_url=outputs["SignInUrl"],
    )


def _content_type(path: Path) -> str:
    kind = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind == "application/json" else kind


def publish(
    site: ConsoleSite, *, s3: S3Client, invalidate: Callable[[str], None], root: Path = CONSOLE_DIR
) -> list[str]:
    """Upload the console and its config.json; return the keys written. ``invalidate(distribution_id)``
    asks CloudFront to drop its cached copies."""
    written: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        key = path.relative_to(root).as_posix()
        if key == CONFIG_NAME:  # a local config.json never reaches AWS: the stack's own is written below
            continue
        s3.put_object(
            Bucket=site.bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=_content_type(path),
            CacheControl=CACHE_CONTROL,
        )
        written.append(key)
    s3.put_object(
        Bucket=site.bucket,
        Key=CONFIG_NAME,
        Body=json.dumps(site.config(), indent=2).encode(),
        ContentType=_content_type(Path(CONFIG_NAME)),
        CacheControl=CACHE_CONTROL,
    )
    written.append(CONFIG_NAME)
    invalidate(site.distribution_id)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="console_publish", description=__doc__)
    parser.add_argument("--stack", required=True, help="the deployed stack's name")
    parser.add_argument("--region", help="its region (default: the AWS configuration's)")
    args = parser.parse_args(argv)
    session = boto3.Session(region_name=args.region)
    stacks = session.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    site = site_of_stack(outputs)
    cloudfront = session.client("cloudfront")

    def invalidate(distribution_id: str) -> None:
        cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time_ns())},
        )

    written = publish(site, s3=session.client("s3"), invalidate=invalidate)
    sys.stdout.write(
        f"published {len(written)} files to s3://{site.bucket}; console at {outputs.get('ConsoleUrl', '')}\n"
    )
    return 0
