"""The README documents every option of every command, and the exit statuses the commands use."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

from edt_import.cli import exit_status
from edt_import.cli.main import build_parser

README = Path(__file__).resolve().parents[3] / "README.md"


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:  # argparse offers no public way to walk sub-commands
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix}{name}", sub
                yield from _commands(sub, f"{prefix}{name} ")


def test_readme_names_every_option_of_every_command() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [
        f"{command} {option}"
        for command, parser in _commands(build_parser())
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help" and not re.search(rf"(?<![\w-]){option}(?![\w-])", text)
    ]
    assert missing == []


def test_readme_lists_every_exit_status() -> None:
    text = README.read_text(encoding="utf-8")
    statuses = [value for name, value in vars(exit_status).items() if name.isupper() and isinstance(value, int)]
    assert [status for status in statuses if f"\n| {status} |" not in text] == []
