"""An establishment's administrator driving the admin API over HTTP (``edt-import serve``), as the console does:
create a manual import, send its export through the presigned form, follow it, make the wizard's choices."""

from __future__ import annotations

import time
from typing import Any

from local_stack.stack import LocalStack
from msgspec import Struct

from tests.support.http_client import HttpAnswer, http

IMPORT_TIMEOUT_S = 300.0  # the whole pipeline on the local stack, on a busy 2-core machine
OVER = frozenset({"done", "done_with_errors", "failed", "held", "superseded"})


class AdminClient(Struct, frozen=True):
    base_url: str
    uai: str
    token: str

    def call(self, method: str, path: str = "", body: object = None) -> HttpAnswer:
        """``path`` under the establishment's imports (``/ID/approve``), or absolute when it starts with ``/e``."""
        url = f"{self.base_url}{path}" if path.startswith("/establishments/") else f"{self.imports}{path}"
        return http(method, url, token=self.token, body=body)

    @property
    def imports(self) -> str:
        return f"{self.base_url}/establishments/{self.uai}/imports"

    def detail(self, import_id: str) -> dict[str, Any]:
        answer = self.call("GET", f"/{import_id}")
        assert answer.status == 200, answer.text
        document: dict[str, Any] = answer.json()
        return document

    def upload(self, export: bytes) -> str:
        """A new manual import with ``export`` sent through its presigned form; its id."""
        created = self.call("POST", body={"kind": "manual"})
        assert created.status == 201, created.text
        form = created.json()["upload"]
        assert LocalStack.post_form(form["url"], form["fields"], export) in {200, 201, 204}
        return str(created.json()["import_id"])

    def wait_for(self, import_id: str, statuses: frozenset[str] | set[str]) -> dict[str, Any]:
        """The import's summary once its status is one of ``statuses`` (polled as the console does)."""
        deadline = time.monotonic() + IMPORT_TIMEOUT_S
        while time.monotonic() < deadline:
            detail = self.detail(import_id)
            if detail["status"] in statuses:
                return detail
            assert detail["status"] not in OVER, detail
            time.sleep(0.2)
        raise TimeoutError(f"{import_id} never reached {sorted(statuses)}")

    def at_wizard(self, export: bytes) -> str:
        """A manual import of ``export``, reconciled and waiting for its selection; its id."""
        import_id = self.upload(export)
        self.wait_for(import_id, {"awaiting_selection"})
        return import_id

    def keep_one_subject(self, import_id: str) -> None:
        """Switch off every subject but one in the import's selection (the deletion guard then holds it)."""
        subjects = sorted(s["code"] for s in self.call("GET", f"/{import_id}/selection").json()["subjects"])
        chosen = self.call("PUT", f"/{import_id}/selection", body={"disabled": {"subjects": subjects[1:]}})
        assert chosen.status == 200, chosen.text

    def launch(self, import_id: str) -> dict[str, Any]:
        """Launch the waiting import and follow it until it is over (or held)."""
        launched = self.call("POST", f"/{import_id}/launch")
        assert launched.status == 202, launched.text
        return self.wait_for(import_id, OVER)

    def imported(self, export: bytes) -> dict[str, Any]:
        """A whole manual import of ``export`` with the choices the wizard proposes; its summary once over."""
        return self.launch(self.at_wizard(export))
