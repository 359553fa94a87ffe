"""The local API front: HTTP requests turned into API Gateway REST proxy events for the admin API's handler,
HS256 sign-in tokens standing in for Cognito's, and the console's static files (never in the Lambda layer)."""

from local_front.server import LocalFront
from local_front.tokens import TokenSigner

__all__ = ["LocalFront", "TokenSigner"]
