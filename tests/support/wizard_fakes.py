"""In-memory fakes of the wizard's ports that are not documents in a bucket: the paused execution's token and
the Step Functions call that resumes it (contract-tested against the AWS adapters in
tests/integration/aws/test_wizard_store_contracts.py)."""

from __future__ import annotations


class InMemoryTaskTokenStore:
    def __init__(self) -> None:
        self.tokens: dict[tuple[str, str], str] = {}

    def put(self, uai: str, import_id: str, token: str) -> None:
        self.tokens[(uai, import_id)] = token

    def take(self, uai: str, import_id: str) -> str | None:
        return self.tokens.pop((uai, import_id), None)


class InMemoryExecutionResumer:
    """Executions paused on a token (``pause``); ``resume`` lets one go on once, as Step Functions does."""

    def __init__(self) -> None:
        self.paused: set[str] = set()
        self.resumed: list[str] = []

    def pause(self, token: str) -> None:
        self.paused.add(token)

    def expire(self, token: str) -> None:
        """The wait timed out: the token no longer resumes anything."""
        self.paused.discard(token)

    def resume(self, token: str) -> bool:
        if token not in self.paused:
            return False
        self.paused.discard(token)
        self.resumed.append(token)
        return True
