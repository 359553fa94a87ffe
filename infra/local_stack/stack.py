"""``LocalStack``: every resource of ``template.yaml`` created on a moto server running in this process.

The server is real HTTP on 127.0.0.1, so boto3 and pynamodb reach it through ``AWS_ENDPOINT_URL`` exactly as
they reach AWS, and a presigned URL works with any HTTP client. Step Functions executes the real ASL; the
Lambda functions run in this process (``lambdas.py``); the itslearning stand-in plays the ENT.
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import threading
import time
import urllib.request
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import IO, Any

import boto3
from botocore.config import Config
from moto.core import config as moto_config
from moto.server import ThreadedMotoServer
from msgspec import Struct, field

from edt_import.adapters import wiring
from edt_import.adapters.dynamo import DynamoImportHistory
from edt_import.domain.error_traces import error_trace_text
from edt_import.domain.import_ports import EstablishmentSettings
from edt_import.domain.imports import ImportRecord, ImportStatus
from edt_import.usecases.admin.selection import WizardStores, launch_import
from edt_import.usecases.pipeline.settings import load_settings
from edt_import.usecases.pipeline.turns import execution_name, rerun_import
from edt_import.usecases.pipeline.work_keys import unmatched_report_key, upload_key
from local_stack import lambdas, retries
from local_stack.template import ROOT, Template, load_template

REGION = "eu-west-3"
ACCOUNT = "123456789012"
# Function settings that differ here. moto delays SQS messages on the real clock and delivers a delayed one
# only when a later message is sent, while the stack's clock may be fixed: the scheduler sends a slot once
# it has come, never ahead of it.
LOCAL_ENVIRONMENT = {"AUTO_IMPORT_LOOKAHEAD_S": "0"}


class StackOptions(Struct, frozen=True, kw_only=True):
    stack_name: str = "edt-import-local"
    parameters: Mapping[str, str] = field(default_factory=dict)  # the template's parameters
    environment: Mapping[str, str] = field(default_factory=dict)  # function settings overridden locally
    instant_retries: bool = True  # the state machine's Retry waits nothing (the count is kept)
    now: datetime | None = None  # the pipeline's clock, standing still until ``set_now``; None: the real one
    log_sink: IO[str] | None = None  # where the functions' JSON logs go (default: dropped)


class LocalStack:
    def __init__(self, options: StackOptions | None = None) -> None:
        self.options = options or StackOptions()
        self._server: ThreadedMotoServer | None = None
        self._saved_env: dict[str, str | None] = {}
        self.template: Template | None = None
        self.function_env: dict[str, str] = {}
        self._clients: dict[str, Any] = {}
        self._now: datetime | None = self.options.now
        self._scheduled: list[str] = []  # the functions an EventBridge schedule invokes
        self._ticking: tuple[threading.Thread, threading.Event] | None = None

    # --- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> LocalStack:
        port = _free_port()
        moto_config.default_user_config["stepfunctions"]["execute_state_machine"] = True
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per HTTP request otherwise
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self._server.start()
        _reset_moto(port)  # moto keeps its accounts per process: a stack started before must leave nothing
        self._set_env(
            {
                "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                "MOTO_PORT": str(port),
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_SESSION_TOKEN": "local",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_DEV": "false",
            }
        )
        wiring.reset()
        load_settings.cache_clear()  # each function's settings name this stack's resources
        if self._now is not None:
            self.set_now(self._now)
        lambdas.patch()
        if self.options.instant_retries:
            retries.make_instant()
        self._build()
        return self

    def stop(self) -> None:
        self.stop_ticking()
        self._clients.clear()
        lambdas.unpatch()
        retries.restore()
        wiring.reset()
        if self._server is not None:
            self._server.stop()
            self._server = None
        moto_config.default_user_config["stepfunctions"]["execute_state_machine"] = False
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _set_env(self, values: Mapping[str, str]) -> None:
        for name, value in values.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = value

    # --- the clock and the schedules -------------------------------------------------------------------------
    def set_now(self, when: datetime) -> None:
        """Fix the stack's clock at ``when`` (aware); it stands still until set again."""
        if when.tzinfo is None:
            raise ValueError("the stack's clock needs an aware datetime")
        self._now = when
        wiring.use_clock(self._read_clock)

    @property
    def clock_fixed(self) -> bool:
        return self._now is not None

    def _read_clock(self) -> datetime:
        assert self._now is not None  # noqa: S101 - set_now set it before installing this clock
        return self._now

    def tick(self) -> list[dict[str, Any]]:
        """One run of every scheduled function (EventBridge's job in AWS), at the stack's clock; their results."""
        results = []
        for function in self._scheduled:
            event = {"source": "aws.events", "detail-type": "Scheduled Event", "time": wiring.now().isoformat()}
            response = self.client("lambda").invoke(FunctionName=function, Payload=json.dumps(event).encode())
            payload = json.loads(response["Payload"].read() or b"null")
            if response.get("FunctionError"):
                raise RuntimeError(f"the scheduled function {function} failed: {payload.get('errorType')}")
            results.append(payload)
        return results

    def start_ticking(self, period_s: float) -> None:
        """Run ``tick`` every ``period_s`` real seconds in a background thread (``edt-import serve``)."""
        if self._ticking is not None:
            return
        stopping = threading.Event()

        def run() -> None:
            while not stopping.wait(period_s):
                try:
                    self.tick()
                except Exception as exc:  # noqa: BLE001 - the schedule keeps ticking, as EventBridge does
                    logging.getLogger("local_stack").error("scheduled run failed: %s", error_trace_text(exc))

        thread = threading.Thread(target=run, name="local-stack-schedule", daemon=True)
        thread.start()
        self._ticking = (thread, stopping)

    def stop_ticking(self) -> None:
        if self._ticking is not None:
            thread, stopping = self._ticking
            stopping.set()
            thread.join(timeout=60)
            self._ticking = None

    # --- clients and names -----------------------------------------------------------------------------------
    def client(self, service: str) -> Any:
        """One client per service (building one costs a tenth of a second); callers know which they asked for."""
        if service not in self._clients:
            untyped: Any = boto3
            self._clients[service] = untyped.client(
                service, region_name=REGION, config=Config(signature_version="s3v4")
            )
        return self._clients[service]

    def ref(self, logical_id: str) -> str:
        assert self.template is not None, "the stack is not started"  # noqa: S101 - a programming error
        return self.template.refs[logical_id]

    # --- what an operator (or the admin API) does -------------------------------------------------------------
    def configure_itslearning(self, *, url: str, username: str, password: str) -> None:
        secret = json.dumps({"url": url, "username": username, "password": password})
        self.client("secretsmanager").put_secret_value(SecretId=self.ref("ItslearningSecret"), SecretString=secret)
        wiring.forget_secrets()

    def register_establishment(self, uai: str, *, partner_key_pem: bytes, partner: str = "ITSLEARNING") -> None:
        """The partner key into the secrets store, the establishment's settings into its table."""
        secret = partner_key_pem.decode("utf-8")
        self.client("secretsmanager").put_secret_value(SecretId=self.ref("PartnerKeySecret"), SecretString=secret)
        wiring.forget_secrets()
        wiring.establishments(self.ref("EstablishmentsTable")).save_settings(
            EstablishmentSettings(uai=uai, partner=partner)
        )

    def presigned_upload(self, uai: str, *, expires_s: int = 900) -> tuple[str, str]:
        """A new import id and the presigned PUT URL its export goes to (what the admin API hands out)."""
        import_id = uuid.uuid4().hex
        url = self.client("s3").generate_presigned_url(
            "put_object",
            Params={"Bucket": self.ref("UploadsBucket"), "Key": upload_key(uai, import_id)},
            ExpiresIn=expires_s,
        )
        return import_id, str(url)

    @staticmethod
    def upload(url: str, data: bytes) -> None:
        """PUT the bytes to a presigned URL, as a browser or PRONOTE would."""
        headers = {"Content-Type": "application/octet-stream"}  # urllib's default (a form) would be parsed away
        request = urllib.request.Request(url, data=data, method="PUT", headers=headers)  # noqa: S310 - local
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
            response.read()

    def rerun(self, uai: str, import_id: str) -> ImportRecord:
        """Run a failed import again (its next attempt), as an administrator's "retry" would."""
        return rerun_import(
            uai,
            import_id,
            now=wiring.now(),
            history=self.history(),
            establishments=wiring.establishments(self.ref("EstablishmentsTable")),
            starter=wiring.starter(self.ref("ImportStateMachine")),
        )

    def wizard_stores(self) -> WizardStores:
        bucket = self.ref("WorkBucket")
        return WizardStores(
            history=self.history(),
            work=wiring.blobs(bucket),
            states=wiring.applied_states(bucket, self.ref("EstablishmentsTable")),
            referentials=wiring.subject_referentials(bucket),
        )

    def launch(self, uai: str, import_id: str) -> ImportRecord:
        """Launch a manual import waiting for its selection, with the choices made so far (the admin API's launch)."""
        return launch_import(
            uai,
            import_id,
            now=wiring.now(),
            stores=self.wizard_stores(),
            tokens=wiring.task_tokens(self.ref("ImportsTable")),
            resumer=wiring.resumer(),
        )

    def unmatched_report(self, uai: str, import_id: str) -> list[dict[str, str]]:
        """The import's unrecognised accounts, as the console's download gives them (personal data: never logged)."""
        data = wiring.blobs(self.ref("WorkBucket")).get(unmatched_report_key(uai, import_id))
        rows: list[dict[str, str]] = json.loads(data)["unmatched"] if data is not None else []
        return rows

    def handler(self, logical_id: str) -> lambdas.Handler:
        """The in-process handler of one of the template's functions (the local API front calls ``ApiFunction``)."""
        return lambdas.handler(self.ref(logical_id))

    @staticmethod
    def post_form(url: str, fields: Mapping[str, str], data: bytes, *, filename: str = "export.xml") -> int:
        """POST the bytes with a presigned form's fields (multipart/form-data), as a browser does; the status."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        ]
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        body = b"".join([*parts, head, data, f"\r\n--{boundary}--\r\n".encode()])
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - local
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
            response.read()
            return int(response.status)

    def history(self) -> DynamoImportHistory:
        return wiring.import_history(self.ref("ImportsTable"))

    def wait_for(
        self,
        uai: str,
        import_id: str,
        *,
        on_status: Callable[[ImportRecord], None] | None = None,
        timeout_s: float = 600.0,
        launch: bool = True,
    ) -> ImportRecord:
        """Poll the import's record until it ends (or is held); ``on_status`` sees each status it passes.

        A manual import waiting for its selection is launched with the proposed choices (``launch``), or
        returned as it waits."""
        deadline = time.monotonic() + timeout_s
        seen: ImportStatus | None = None
        while True:
            record = self.history().get(uai, import_id)
            if record is not None and record.status is not seen:
                seen = record.status
                if on_status is not None:
                    on_status(record)
                if record.status is ImportStatus.AWAITING_SELECTION:
                    if not launch:
                        return record
                    self.launch(uai, import_id)
            if record is not None and record.finished and self.execution_over(record):
                return record
            if time.monotonic() > deadline:
                raise TimeoutError(f"import {import_id} did not finish in {timeout_s:.0f} s")
            time.sleep(0.05)

    def execution_over(self, record: ImportRecord) -> bool:
        """The record is written before the execution's last state ends: wait for the execution too."""
        if record.status is ImportStatus.FAILED and record.summary.get("validation") is None:
            return True  # refused at upload: no execution ever started
        arn = self.ref("ImportStateMachine").replace(":stateMachine:", ":execution:") + f":{execution_name(record)}"
        try:
            status = self.client("stepfunctions").describe_execution(executionArn=arn)["status"]
        except self.client("stepfunctions").exceptions.ExecutionDoesNotExist:
            return True
        return bool(status != "RUNNING")

    def execution_history(self, record: ImportRecord) -> list[dict[str, Any]]:
        arn = self.ref("ImportStateMachine").replace(":stateMachine:", ":execution:") + f":{execution_name(record)}"
        events: list[dict[str, Any]] = self.client("stepfunctions").get_execution_history(executionArn=arn)["events"]
        return events

    # --- building the resources from the template ------------------------------------------------------------
    def _build(self) -> None:
        name = self.options.stack_name
        template = load_template(
            self.options.parameters,
            {"AWS::StackName": name, "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws"},
        )
        self.template = template
        role = self.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        builders: list[tuple[str, Callable[[Template, str, dict[str, Any]], None]]] = [
            ("AWS::SecretsManager::Secret", self._secret),
            ("AWS::DynamoDB::Table", self._table),
            ("AWS::SQS::Queue", self._queue),
            ("AWS::S3::Bucket", self._bucket),
            # Not the buckets' TLS-only policies: moto applies their Deny without its aws:SecureTransport
            # condition, which would refuse every request to this plain-HTTP endpoint (tests/infra checks them).
            ("AWS::SNS::Topic", self._topic),
        ]
        for resource_type, build in builders:
            for logical, resource in _dependencies_first(template.of_type(resource_type)):
                build(template, logical, resource.get("Properties", {}))
        functions = template.of_type("AWS::Serverless::Function")
        for logical, resource in functions.items():
            self._function(template, logical, resource["Properties"], role)
        self._set_env({**self.function_env, **LOCAL_ENVIRONMENT, **self.options.environment})
        for logical, resource in functions.items():  # after the environment: Powertools reads it at import
            module = lambdas.load_handler(ROOT / str(resource["Properties"]["CodeUri"]) / "app.py")
            lambdas.register(template.refs[logical], module.lambda_handler)
        for logical, resource in template.of_type("AWS::Serverless::StateMachine").items():
            self._state_machine(template, logical, resource["Properties"], role)
        for logical, resource in functions.items():
            for event in resource["Properties"].get("Events", {}).values():
                self._event_source(template, logical, event)
        for logical, resource in template.of_type("AWS::CloudWatch::Alarm").items():
            self._alarm(template, logical, resource["Properties"])
        self._redirect_logs()

    def _physical(self, logical: str) -> str:
        return f"{self.options.stack_name}-{logical}"

    def _secret(self, t: Template, logical: str, _props: dict[str, Any]) -> None:
        arn = self.client("secretsmanager").create_secret(Name=self._physical(logical))["ARN"]
        t.refs[logical] = arn

    def _table(self, t: Template, logical: str, props: dict[str, Any]) -> None:
        name = self._physical(logical)
        keys = {"AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes"}
        spec = {k: t.resolve(v) for k, v in props.items() if k in keys}
        dynamodb = self.client("dynamodb")
        dynamodb.create_table(TableName=name, **spec)
        if "TimeToLiveSpecification" in props:
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification=t.resolve(props["TimeToLiveSpecification"])
            )
        t.refs[logical] = name
        t.attributes[(logical, "Arn")] = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"

    def _queue(self, t: Template, logical: str, props: dict[str, Any]) -> None:
        name = self._physical(logical)
        attributes = {
            k: json.dumps(t.resolve(v))
            if isinstance(v, Mapping)
            else str(t.resolve(v)).lower()
            if isinstance(v, bool)
            else str(t.resolve(v))
            for k, v in props.items()
        }
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        t.refs[logical] = url
        t.attributes[(logical, "Arn")] = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
        t.attributes[(logical, "QueueName")] = name

    def _bucket(self, t: Template, logical: str, props: dict[str, Any]) -> None:
        name = t.resolve(props["BucketName"]) if "BucketName" in props else self._physical(logical).lower()
        s3 = self.client("s3")
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        if "BucketEncryption" in props:
            rules = t.resolve(props["BucketEncryption"])["ServerSideEncryptionConfiguration"]
            s3.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]} for r in rules]
                },
            )
        if "LifecycleConfiguration" in props:
            lifecycle = t.resolve(props["LifecycleConfiguration"])["Rules"]
            s3.put_bucket_lifecycle_configuration(
                Bucket=name, LifecycleConfiguration={"Rules": [_lifecycle_rule(r) for r in lifecycle]}
            )
        if "PublicAccessBlockConfiguration" in props:
            s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=t.resolve(props["PublicAccessBlockConfiguration"])
            )
        if "CorsConfiguration" in props:
            rules = t.resolve(props["CorsConfiguration"])["CorsRules"]
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [_cors_rule(r) for r in rules]})
        if "VersioningConfiguration" in props:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=t.resolve(props["VersioningConfiguration"]))
        t.refs[logical] = name
        t.attributes[(logical, "Arn")] = f"arn:aws:s3:::{name}"

    def _topic(self, t: Template, logical: str, _props: dict[str, Any]) -> None:
        t.refs[logical] = self.client("sns").create_topic(Name=self._physical(logical))["TopicArn"]

    def _function(self, t: Template, logical: str, props: dict[str, Any], role: str) -> None:
        name = self._physical(logical)
        env = {**t.globals_env, **props.get("Environment", {}).get("Variables", {})}
        resolved = {k: str(t.resolve(v)) for k, v in env.items()}
        self.function_env.update(resolved)
        arn = self.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=role,
            Handler=str(props["Handler"]),
            Code={"ZipFile": _placeholder_zip()},
            Timeout=int(props.get("Timeout", 60)),
            MemorySize=int(props.get("MemorySize", 512)),
            Environment={"Variables": resolved},
        )["FunctionArn"]
        t.refs[logical] = name
        t.attributes[(logical, "Arn")] = arn

    def _state_machine(self, t: Template, logical: str, props: dict[str, Any], role: str) -> None:
        definition = (ROOT / str(props["DefinitionUri"])).read_text(encoding="utf-8")
        for key, value in props.get("DefinitionSubstitutions", {}).items():
            definition = definition.replace("${" + key + "}", str(t.resolve(value)))
        name = str(t.resolve(props["Name"])) if "Name" in props else self._physical(logical)
        arn = self.client("stepfunctions").create_state_machine(name=name, definition=definition, roleArn=role)[
            "stateMachineArn"
        ]
        t.refs[logical] = arn

    def _event_source(self, t: Template, function: str, event: dict[str, Any]) -> None:
        props = event["Properties"]
        arn = t.attributes[(function, "Arn")]
        if event["Type"] == "S3":
            rules = props.get("Filter", {}).get("S3Key", {}).get("Rules", [])
            events = props["Events"] if isinstance(props["Events"], list) else [props["Events"]]
            self.client("s3").put_bucket_notification_configuration(
                Bucket=t.resolve(props["Bucket"]),
                NotificationConfiguration={
                    "LambdaFunctionConfigurations": [
                        {
                            "LambdaFunctionArn": arn,
                            "Events": events,
                            "Filter": {
                                "Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}
                            },
                        }
                    ]
                },
            )
        elif event["Type"] == "Schedule":  # moto keeps EventBridge rules but never fires them: ``tick`` does
            self._scheduled.append(t.refs[function])
        elif event["Type"] == "SQS":
            self.client("lambda").create_event_source_mapping(
                EventSourceArn=t.resolve(props["Queue"]),
                FunctionName=arn,
                BatchSize=int(props.get("BatchSize", 10)),
                FunctionResponseTypes=list(props.get("FunctionResponseTypes", [])),
            )

    def _alarm(self, t: Template, logical: str, props: dict[str, Any]) -> None:
        p = t.resolve(dict(props))
        self.client("cloudwatch").put_metric_alarm(
            AlarmName=self._physical(logical),
            AlarmDescription=p.get("AlarmDescription", ""),
            Namespace=p["Namespace"],
            MetricName=p["MetricName"],
            Dimensions=p.get("Dimensions", []),
            Statistic=p["Statistic"],
            Period=int(p["Period"]),
            EvaluationPeriods=int(p["EvaluationPeriods"]),
            Threshold=float(p["Threshold"]),
            ComparisonOperator=p["ComparisonOperator"],
            TreatMissingData=p.get("TreatMissingData", "missing"),
            AlarmActions=p.get("AlarmActions", []),
        )

    def _redirect_logs(self) -> None:
        """The functions log JSON to stdout, as in Lambda; here it goes to the sink (or nowhere)."""
        sink = self.options.log_sink if self.options.log_sink is not None else io.StringIO()
        self._log_sink = sink
        for logger in _loggers():
            if logger.name == self.function_env.get("POWERTOOLS_SERVICE_NAME") or logger.name.startswith("edt_import"):
                for handler in logger.handlers:
                    if isinstance(handler, logging.StreamHandler):
                        handler.setStream(sink)


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule in the S3 API's shape."""
    api: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "ExpirationInDays" in rule:
        api["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "NoncurrentVersionExpiration" in rule:
        api["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
        }
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        api["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    return api


def _cors_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation CORS rule in the S3 API's shape."""
    api: dict[str, Any] = {"AllowedOrigins": rule["AllowedOrigins"], "AllowedMethods": rule["AllowedMethods"]}
    if "AllowedHeaders" in rule:
        api["AllowedHeaders"] = rule["AllowedHeaders"]
    if "MaxAge" in rule:
        api["MaxAgeSeconds"] = int(rule["MaxAge"])
    return api


def _loggers() -> Iterator[logging.Logger]:
    for candidate in logging.root.manager.loggerDict.values():
        if isinstance(candidate, logging.Logger):
            yield candidate


def _dependencies_first(resources: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Queues named as another's dead-letter target come first (the redrive policy needs their ARN)."""
    return sorted(resources.items(), key=lambda item: "RedrivePolicy" in item[1].get("Properties", {}))


def _placeholder_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "# the local stack calls the handler in-process\n")
    return buffer.getvalue()


def _reset_moto(port: int) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - the local moto server
        response.read()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
