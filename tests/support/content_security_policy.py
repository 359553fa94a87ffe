"""Reading a content security policy, and template.yaml's policy for the console."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.decode.cfn_yaml import load

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


def directives(policy_text: str) -> dict[str, tuple[str, ...]]:
    """A content security policy's directives: name -> its sources, in order."""
    found: dict[str, tuple[str, ...]] = {}
    for directive in policy_text.split(";"):
        if directive.strip():
            name, *sources = directive.split()
            found[name] = tuple(sources)
    return found


def console_headers_policy() -> dict[str, Any]:
    """template.yaml's ``ConsoleHeadersPolicy`` resource, as decoded (intrinsic functions left as they are)."""
    policy: dict[str, Any] = load(str(TEMPLATE))["Resources"]["ConsoleHeadersPolicy"]
    return policy
