"""``LocalSession``: what ``edt-import serve`` runs — the local stack, an itslearning stand-in, the API front.

The stack is the same template and state machine as in AWS (``local_stack``); the front serves the admin API
(the template's ``Api`` events of its functions) and the console on one origin. ``<data-dir>/stack.json`` tells
the other local commands (``token``, ``establishment add``) where everything is.
"""

from __future__ import annotations

import base64
import json
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

from local_stack import LocalStack, StackOptions
from local_stack.lambdas import LambdaContext
from local_stack.template import ROOT, Template
from msgspec import Struct

from edt_import.adapters import wiring
from edt_import.domain.directory_csv import read_directory_csv
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME, StandinServer
from itslearning_standin.seed import seed_state
from local_front.console_headers import console_headers
from local_front.events import ApiResource
from local_front.server import LocalFront
from local_front.tokens import TokenSigner

STACK_FILE = "stack.json"
CONSOLE_DIR = ROOT / "console"
ADD_ESTABLISHMENT = "POST /_local/establishments"
SET_CLOCK = "POST /_local/clock"  # {"now": ISO}: move the stack's clock and run the schedules at once


class SessionOptions(Struct, frozen=True, kw_only=True):
    data_dir: Path
    port: int = 0
    host: str = "127.0.0.1"
    now: datetime | None = None  # the stack's fixed clock; None: the real one
    console_dir: Path = CONSOLE_DIR
    schedule_period_s: float = 30.0  # real seconds between two runs of the scheduled functions; 0: never


def api_resources(template: Template) -> dict[str, list[ApiResource]]:
    """Each function's API resources, as its ``Api`` events declare them (what API Gateway would route)."""
    routes: dict[str, list[ApiResource]] = {}
    for logical, resource in template.of_type("AWS::Serverless::Function").items():
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                props = event["Properties"]
                routes.setdefault(logical, []).append(ApiResource(str(props["Method"]).upper(), str(props["Path"])))
    return routes


class LocalSession:
    def __init__(self, options: SessionOptions) -> None:
        self.options = options
        self.stack: LocalStack | None = None
        self.standin: StandinServer | None = None
        self.front: LocalFront | None = None
        self.signer = TokenSigner.of_data_dir(options.data_dir)
        self._standin_url = ""

    def start(self) -> LocalSession:
        port = self.options.port or _free_port(self.options.host)
        origin = f"http://{self.options.host}:{port}"
        try:
            self.stack = LocalStack(StackOptions(now=self.options.now, parameters={"ConsoleOrigin": origin})).start()
            self.standin = StandinServer()
            standin_url = self.standin.start()
            self.stack.configure_itslearning(url=standin_url, username=SANDBOX_USERNAME, password=SANDBOX_PASSWORD)
            self.front = self._front(self.stack, port)
            self.front.start()
            if self.options.schedule_period_s > 0:  # EventBridge's part: the automatic imports' scheduler
                self.stack.start_ticking(self.options.schedule_period_s)
        except BaseException:
            self.stop()
            raise
        self._standin_url = standin_url
        self._write_stack_file(standin_url)
        return self

    def _front(self, stack: LocalStack, port: int) -> LocalFront:
        assert stack.template is not None  # noqa: S101 - started above
        routes = api_resources(stack.template)
        handlers = {resource: stack.handler(logical) for logical, resources in routes.items() for resource in resources}

        def api_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            resource = ApiResource(str(event["httpMethod"]), str(event["resource"]))
            handler = handlers.get(resource) or next(iter(handlers.values()))  # a preflight: any API function
            result: dict[str, Any] = handler(event, context)
            return result

        return LocalFront(
            api_handler=api_handler,
            resources=list(handlers),
            signer=self.signer,
            now=wiring.now,
            console_dir=self.options.console_dir,
            context=LambdaContext(
                function_name="ApiFunction",
                invoked_function_arn="arn:aws:lambda:local:0:function:api",
                memory_limit_in_mb=512,
            ),
            operator_actions={ADD_ESTABLISHMENT: self.add_establishment, SET_CLOCK: self.set_clock},
            # CloudFront's headers, the API on this origin and the uploads on moto's
            console_headers=console_headers(
                stack.template.resources["ConsoleHeadersPolicy"],
                api_origin=f"http://{self.options.host}:{port}",
                uploads_origin=os.environ["AWS_ENDPOINT_URL"],
            ),
            host=self.options.host,
            port=port,
        )

    def stop(self) -> None:
        if self.front is not None:
            self.front.stop()
            self.front = None
        if self.standin is not None:
            self.standin.stop()
            self.standin = None
        if self.stack is not None:
            self.stack.stop()
            self.stack = None
        (self.options.data_dir / STACK_FILE).unlink(missing_ok=True)

    def __enter__(self) -> LocalSession:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self.front is not None, "the session is not started"  # noqa: S101 - a programming error
        return self.front.url

    def token(self, uais: list[str], role: str = "admin") -> str:
        return self.signer.mint(uais=uais, role=role, now=wiring.now())

    def sign_in_url(self, uais: list[str]) -> str:
        """The console's address with a sign-in for ``uais`` in its fragment, as Cognito's hosted UI returns it."""
        return f"{self.url}/#id_token={self.token(uais)}"

    def add_establishment(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Register an establishment: its key, its settings, its ENT accounts in the stand-in (checked by the CLI)."""
        assert self.stack is not None  # noqa: S101 - started
        assert self.standin is not None  # noqa: S101
        uai = str(payload["uai"])
        persons = read_directory_csv(base64.b64decode(str(payload["directory_csv_b64"])))
        self.stack.register_establishment(
            uai, partner_key_pem=str(payload["key_pem"]).encode("ascii"), partner=str(payload["partner"])
        )
        with self.standin.lock:
            seed_state(self.standin.state, schools=(uai,), persons=persons)
        return {"status": 201, "uai": uai, "persons": len(persons)}

    def set_clock(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Move the stack's (fixed) clock, then run the scheduled functions, as time passing would."""
        assert self.stack is not None  # noqa: S101 - started
        try:
            when = datetime.fromisoformat(str(payload.get("now")))
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            return {
                "status": 400,
                "code": "invalid_request",
                "message": "now must be an ISO date and time with an offset.",
            }
        self.stack.set_now(when)
        self._write_stack_file(self._standin_url)
        return {"status": 200, "now": when.isoformat(), "scheduled": self.stack.tick()}

    def _write_stack_file(self, standin_url: str) -> None:
        assert self.stack is not None  # noqa: S101 - started
        now = wiring.now() if self.stack.clock_fixed else None
        document = {
            "api_url": self.url,
            "console_url": f"{self.url}/",
            "moto_endpoint": os.environ.get("AWS_ENDPOINT_URL", ""),
            "standin_url": standin_url,
            "uploads_bucket": self.stack.ref("UploadsBucket"),
            "now": now.isoformat() if now is not None else None,
        }
        self.options.data_dir.mkdir(parents=True, exist_ok=True)
        (self.options.data_dir / STACK_FILE).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def read_stack_file(data_dir: Path) -> dict[str, Any] | None:
    path = data_dir / STACK_FILE
    if not path.is_file():
        return None
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
