"""The context object the Lambda runtime passes a handler, with what Powertools' decorators read from it."""

from __future__ import annotations

from msgspec import Struct


class FakeLambdaContext(Struct, frozen=True, kw_only=True):
    function_name: str = "TestFunction"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:eu-west-3:123456789012:function:TestFunction"
    memory_limit_in_mb: int = 128
    aws_request_id: str = "0f1e2d3c-request"
    log_group_name: str = "/aws/lambda/TestFunction"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000
