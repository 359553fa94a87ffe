"""What each ``edt-import`` sub-command accepts: the argument contracts and their help, kept apart from the work.

Only this module and ``main`` load at start-up; a command's module (``<name>_cmd``) is imported when that
command runs, so ``plan`` does not pay for the generator or the itslearning client.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from edt_import.cli import exit_status

DEFAULT_STATE_DIR = ".edt-import-state"


class VersionAction(argparse.Action):
    """``--version``: the installed package's version, looked up only when asked (start-up stays light)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **_: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - costly, rarely needed

        try:
            installed = version("edt-import")
        except PackageNotFoundError:
            installed = "unknown (not installed)"
        print(f"edt-import {installed}")
        parser.exit()


def formatted(description: str, epilog: str = exit_status.HELP) -> dict[str, Any]:
    """Parser keywords for a help an operator reads: the text as written, the exit statuses below it."""
    return {"description": description, "epilog": epilog, "formatter_class": argparse.RawDescriptionHelpFormatter}


def sub_commands(parser: argparse.ArgumentParser, dest: str) -> Any:
    """Where ``parser``'s sub-commands are added; one of them must be given."""
    return parser.add_subparsers(dest=dest, required=True, title="commands", metavar="COMMAND")


def command_parser(
    commands: Any, name: str, *, module: str, summary: str, description: str, epilog: str = exit_status.HELP
) -> argparse.ArgumentParser:
    """One command: its line in the list of commands, its help, and the ``edt_import.cli`` module that runs it."""
    parser: argparse.ArgumentParser = commands.add_parser(name, help=summary, **formatted(description, epilog))
    parser.set_defaults(command_module=module)
    return parser


def command_group(commands: Any, name: str, *, summary: str, description: str) -> Any:
    """A command whose own sub-commands do the work (``sandbox serve``): where to add them."""
    parser: argparse.ArgumentParser = commands.add_parser(name, help=summary, **formatted(description))
    return sub_commands(parser, f"{name}_command")


def add_partner_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--partner",
        default="ITSLEARNING",
        help="the partner name we are registered under at Index Education, as listed in the export's keys "
        "(default: %(default)s)",
    )


KEY_HELP = "our partner private key (PKCS#8, PEM or DER)"


def add_key_arguments(parser: argparse.ArgumentParser, *, required: bool = False, key_help: str = KEY_HELP) -> None:
    """``--key`` and ``--partner``: our private key, and the name the export lists its public half under."""
    parser.add_argument("--key", required=required, help=key_help)
    add_partner_argument(parser)


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", help="the export as the school sent it (the encrypted container EDT/PRONOTE writes), or its clear XML"
    )
    add_key_arguments(parser, key_help=f"{KEY_HELP}; needed for an encrypted export")
    parser.add_argument("--uai", help="refuse the export unless it belongs to this establishment (UAI, 0750001A)")
    parser.add_argument(
        "--allow-any-version",
        action="store_true",
        help="also read exports from software other than EDT/PRONOTE 2018 or later",
    )


def add_dated_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today", help="the import date, YYYY-MM-DD: no event before it is planned (default: today in --timezone)"
    )
    parser.add_argument(
        "--timezone", default="Europe/Paris", help="the establishment's time zone, IANA name (default: %(default)s)"
    )


def add_generated_size_arguments(parser: argparse.ArgumentParser, *, seed: int) -> None:
    """What the generator makes: an establishment of ``--size``, the same for the same ``--seed``."""
    parser.add_argument(
        "--size",
        choices=["college", "lycee", "cite"],
        default="college",
        help="college (about 600 pupils), lycee (about 1,500) or cite (both, about 3,600) (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=seed, help="the generator's seed (default: %(default)s)")


def add_listen_arguments(parser: argparse.ArgumentParser, *, port: int) -> None:
    parser.add_argument(
        "--port", type=int, default=port, help="the port to listen on, 0 for any (default: %(default)s)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: %(default)s)")


def add_clock_argument(parser: argparse.ArgumentParser, *, default: str) -> None:
    parser.add_argument(
        "--now", type=_aware_datetime, help=f"ISO date and time the local stack's clock shows (default: {default})"
    )


def add_generate(commands: Any) -> None:
    parser = command_parser(
        commands,
        "generate",
        module="generate_cmd",
        summary="write a realistic establishment to try the import with",
        description=(
            "Write a generated establishment into --out: inner.xml (the clear timetable), export.xml (the same, "
            "encrypted as\nPRONOTE does), partner-key.pem (a new key each run) and directory.csv (its ENT accounts). "
            "Everything but the\nkeys is the same for the same --size and --seed. Prints a JSON summary."
        ),
    )
    add_generated_size_arguments(parser, seed=1)
    parser.add_argument("--out", required=True, help="the folder to write to (created if needed; its files replaced)")
    add_partner_argument(parser)


def add_inspect(commands: Any) -> None:
    parser = command_parser(
        commands,
        "inspect",
        module="inspect_cmd",
        summary="open, validate and summarise an export",
        description=(
            "Open and validate an export, then print its summary as JSON: establishment (UAI), software and "
            "version,\nschool year, counts, and the warnings about what was read but will not be imported. "
            "No person is named."
        ),
    )
    add_export_arguments(parser)


def add_plan(commands: Any) -> None:
    parser = command_parser(
        commands,
        "plan",
        module="plan_cmd",
        summary="show what an import would send to itslearning, without sending anything",
        description=(
            "Plan an import without sending anything, and print it as JSON: the courses with their member and "
            "event\ncounts, the lessons not imported and why, who the course rules leave out, the subjects, what "
            "is new\nsince a stored selection, matched and unmatched people, the actions per type, and whether the "
            "deletion\nguard holds the plan. Warnings go to stderr."
        ),
    )
    add_export_arguments(parser)
    parser.add_argument("--directory", required=True, help="the ENT directory CSV the export's people are matched to")
    add_dated_arguments(parser)
    parser.add_argument(
        "--selection",
        help='the administrator\'s selection (JSON) of what to import: {"disabled": ...}, or the selection a '
        "previous plan stored (its --write-state file), re-applied as an allow-list",
    )
    parser.add_argument("--subjects", help="the ENT's subject referential: one subject code a line")
    parser.add_argument("--previous", help="the applied state of the last sync, to plan the difference only")
    parser.add_argument("--write-state", help="write to this file the state this plan leaves once applied")
    parser.add_argument("--with-events", action="store_true", help="also list every planned event")


def add_sync(commands: Any) -> None:
    parser = command_parser(
        commands,
        "sync",
        module="sync_cmd",
        summary="apply an export to itslearning",
        description=(
            "Plan against the state the last syncs of this establishment applied, send the difference to "
            "itslearning, and\nkeep what it confirmed in --state-dir (saved as it goes: an interrupted sync "
            "resumes where it stopped).\nPrints one JSON object (counts and keys, no names). The credentials "
            "come from ITSLEARNING_USERNAME and\nITSLEARNING_PASSWORD; a stand-in on this machine accepts its "
            "demo account without them."
        ),
    )
    add_export_arguments(parser)
    add_dated_arguments(parser)
    parser.add_argument(
        "--itslearning-url",
        required=True,
        help="the base address of the itslearning integration services (https://…; http://127.0.0.1:8765 for "
        "the stand-in)",
    )
    parser.add_argument(
        "--state-dir",
        default=DEFAULT_STATE_DIR,
        help="the folder keeping each establishment's applied state, {UAI}.json (default: %(default)s, in the "
        "current folder)",
    )
    parser.add_argument(
        "--directory",
        help="the ENT directory CSV (default: the members of the establishment's school node in itslearning)",
    )
    parser.add_argument("--selection", help="the administrator's selection (JSON) of what to import")
    parser.add_argument(
        "--approve",
        metavar="CODE",
        help="release a plan the deletion guard holds: the approval code printed with the deletions it approves "
        '("hold" in the output of plan or of the held sync); a plan whose deletions changed stays held',
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="print progress on stderr (stage, done/total, retries) even when stderr is not a terminal",
    )


def add_sandbox(commands: Any) -> None:
    actions = command_group(
        commands,
        "sandbox",
        summary="run a local itslearning stand-in",
        description="A local itslearning stand-in speaking the same SOAP protocol, to try syncs without a school.",
    )
    serve = command_parser(
        actions,
        "serve",
        module="sandbox_cmd",
        summary="serve the stand-in over HTTP until Ctrl-C",
        description=(
            "Serve the stand-in over HTTP until Ctrl-C or SIGTERM. It holds one school node per --uai; a sync "
            "of an\nestablishment it has no node for stops with 'school node ... does not exist'. "
            "GET /_sandbox/stats gives its counts."
        ),
        epilog=f"exit status:\n  {exit_status.OK}    stopped\n  {exit_status.REFUSED}    a setting is refused, "
        "or the address is in use\n",
    )
    add_listen_arguments(serve, port=8765)
    serve.add_argument(
        "--uai",
        action="append",
        default=[],
        help="an establishment whose school node exists (repeat for several; default: none, so a sync first needs one)",
    )
    serve.add_argument(
        "--persons",
        help="a directory CSV of accounts to hold; it has no UAI column, so they become members of every --uai",
    )
    serve.add_argument("--data", help="keep the stand-in's content in this file across restarts (default: memory)")
    serve.add_argument(
        "--fault-rate", type=float, default=0.0, help="share of calls failing as a busy server, 0 to 1 (default: 0)"
    )
    serve.add_argument("--latency-ms", type=int, default=0, help="delay added to every call (default: 0)")
    serve.add_argument("--seed", type=int, default=None, help="seed of the fault injection (default: random)")
    serve.add_argument(
        "--locked-before", help="YYYY-MM-DD: events starting before this UTC date cannot be deleted (default: none)"
    )
    serve.add_argument(
        "--stall-s", type=float, default=0.0, help="half of the faults answer this many seconds late (default: 0)"
    )
    serve.add_argument(
        "--queue-polls",
        type=int,
        default=0,
        help="how many times a DataService result reads 'in queue' before its answer (default: 0)",
    )


def add_demo(commands: Any) -> None:
    parser = command_parser(
        commands,
        "demo",
        module="demo",
        summary="run the serverless pipeline locally on a generated establishment (or on your files)",
        description=(
            "The serverless pipeline on this machine: the same template.yaml and state machine as in AWS, on moto,\n"
            "with a local itslearning stand-in as the ENT. Without --export: generates an establishment, imports its\n"
            "export through a presigned URL, prints each stage and a summary, then imports a slightly changed export\n"
            "and shows the difference applied. With --export: imports that file for --uai, its people from\n"
            "--directory. --json: the last stdout line is one JSON object (status, actions, ent, import_id)."
        ),
    )
    parser.add_argument(
        "--out", type=Path, default=Path("demo-out"), help="where generated files go (default: %(default)s)"
    )
    add_generated_size_arguments(parser, seed=2026)
    parser.add_argument("--export", help="an export file to import instead of a generated one")
    add_key_arguments(parser, key_help=f"with --export: {KEY_HELP}")
    parser.add_argument("--directory", help="with --export: the ENT accounts (directory CSV) the stand-in holds")
    parser.add_argument("--uai", help="with --export: the establishment the export is imported for")
    add_clock_argument(parser, default="now, or the generated year's first day")
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON object of the last import")


def _aware_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


DEFAULT_DATA_DIR = ".edt-local"


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(DEFAULT_DATA_DIR),
        help="the local stack's folder: its token secret and stack.json (default: %(default)s, in the current folder)",
    )


def add_serve(commands: Any) -> None:
    parser = command_parser(
        commands,
        "serve",
        module="serve_cmd",
        summary="run the admin API and console locally, over the serverless stack",
        description=(
            "Run the whole local stack until Ctrl-C: template.yaml and the state machine on moto, the Lambda handlers "
            "in\nthis process, an itslearning stand-in, and one HTTP origin serving the admin API (bearer tokens from "
            "edt-import\ntoken) and the console at /. Prints the API's URL, and a sign-in URL for --admin-of. "
            "Register establishments\nwith edt-import establishment add."
        ),
        epilog=f"exit status:\n  {exit_status.OK}    stopped\n  {exit_status.REFUSED}    a setting is refused\n",
    )
    add_listen_arguments(parser, port=8000)
    add_clock_argument(parser, default="the real clock; a given time stays fixed")
    parser.add_argument(
        "--admin-of",
        action="append",
        default=[],
        metavar="UAI",
        help="print a console sign-in URL for an administrator of this establishment (repeat for several)",
    )
    _add_data_dir(parser)


def add_token(commands: Any) -> None:
    parser = command_parser(
        commands,
        "token",
        module="token_cmd",
        summary="mint a sign-in token for the local admin API",
        description=(
            "Print (alone on stdout) a bearer token the local admin API accepts, signed with --data-dir's secret, "
            "for\nthe establishments given: admin (the console's rights), machine (automatic imports only) or "
            "operator\n(the local stack's own actions under /_local/, such as moving its clock)."
        ),
    )
    parser.add_argument("--uai", action="append", required=True, help="an establishment administered (repeatable)")
    parser.add_argument(
        "--role", choices=["admin", "machine", "operator"], default="admin", help="(default: %(default)s)"
    )
    _add_data_dir(parser)


def add_establishment(commands: Any) -> None:
    actions = command_group(
        commands,
        "establishment",
        summary="register establishments on the running local stack",
        description="Establishments of the local stack started by edt-import serve.",
    )
    add = command_parser(
        actions,
        "add",
        module="establishment_cmd",
        summary="register an establishment: its partner key, its settings, its ENT accounts",
        description=(
            "Register an establishment on the running local stack: the partner key into its secrets store, the "
            "settings\ninto its table, the directory's accounts into the itslearning stand-in (its school node)."
        ),
    )
    add.add_argument("uai", help="the establishment's code (UAI), seven digits and the check letter")
    add_key_arguments(add, required=True)
    add.add_argument("--directory", required=True, help="the ENT's accounts of the establishment (directory CSV)")
    add.add_argument(
        "--allow-invalid-uai", action="store_true", help="accept a UAI whose check letter is wrong (a test school)"
    )
    _add_data_dir(add)


def add_openapi(commands: Any) -> None:
    command_parser(
        commands,
        "openapi",
        module="openapi_cmd",
        summary="print the admin API's OpenAPI document",
        description=("Print the admin API's OpenAPI document (JSON), as docs/openapi.json holds it."),
    )


COMMANDS = (
    add_generate,
    add_inspect,
    add_plan,
    add_sync,
    add_sandbox,
    add_demo,
    add_serve,
    add_token,
    add_establishment,
    add_openapi,
)
