"""Who calls, and whether they may: the claims API Gateway's Cognito authorizer puts in the event.

``custom:uais`` lists (space-separated) the establishments the holder administers, ``custom:role`` is ``admin``
or ``machine``. A machine credential (a school's PRONOTE) may only create automatic imports. The rule runs on
every request before anything else answers (``errors.py`` applies it to refused and unknown requests too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

from msgspec import Struct

from edt_import.usecases.admin.errors import AdminErrorCode, ForbiddenError, UnauthorizedError

UAIS_CLAIM = "custom:uais"
ROLE_CLAIM = "custom:role"
_ESTABLISHMENT_PATH = re.compile(r"^/establishments/(?P<uai>[^/]+)(?P<rest>/.*)?$")


class CallerRole(StrEnum):
    ADMIN = "admin"
    MACHINE = "machine"


class Caller(Struct, frozen=True, kw_only=True):
    uais: frozenset[str]
    role: CallerRole


def caller_of(event: Mapping[str, Any]) -> Caller:
    """The caller the authorizer vouched for; 401 without claims (or with claims that are not ours)."""
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") if isinstance(context, Mapping) else None
    if not isinstance(claims, Mapping) or not claims:
        raise UnauthorizedError()
    try:
        role = CallerRole(str(claims.get(ROLE_CLAIM, "")))
    except ValueError:
        raise UnauthorizedError("Sign in again: the sign-in does not say what it allows.") from None
    uais = frozenset(str(claims.get(UAIS_CLAIM, "")).upper().split())
    return Caller(uais=uais, role=role)


def authorise(event: Mapping[str, Any]) -> Caller:
    """The caller, if they may send this request; 401 or 403 otherwise."""
    caller = caller_of(event)
    path = str(event.get("path") or "")
    method = str(event.get("httpMethod") or "").upper()
    match = _ESTABLISHMENT_PATH.match(path)
    uai = unquote(match["uai"]).upper() if match else None
    if uai is not None and uai not in caller.uais:
        raise ForbiddenError(
            AdminErrorCode.FORBIDDEN_ESTABLISHMENT, f"You do not administer the establishment {_shown(uai)}."
        )
    if caller.role is CallerRole.MACHINE and not (match and method == "POST" and match["rest"] == "/imports"):
        raise ForbiddenError(AdminErrorCode.FORBIDDEN_ROLE, "A machine credential may only create automatic imports.")
    return caller


def _shown(uai: str) -> str:
    return uai if re.fullmatch(r"[0-9A-Z]{1,16}", uai) else "named in the address"
