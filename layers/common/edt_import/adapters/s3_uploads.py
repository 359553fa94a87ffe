"""``S3UploadSigner``: presigned POSTs to the uploads bucket, scoped to one key and a size range."""

from __future__ import annotations

from typing import TYPE_CHECKING

from edt_import.domain.upload_ports import PresignedUpload

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class S3UploadSigner:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self.bucket = bucket

    def presign(self, key: str, *, max_bytes: int, expires_s: int) -> PresignedUpload:
        # The policy names the exact key (no prefix condition), so the form cannot be reused for another import.
        post = self._client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Conditions=[["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_s,
        )
        return PresignedUpload(url=str(post["url"]), fields={str(k): str(v) for k, v in post["fields"].items()})
