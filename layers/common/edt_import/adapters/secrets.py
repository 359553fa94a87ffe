"""Secrets Manager: the partner private key and the itslearning credentials, read through Powertools (cached).

The itslearning secret is a JSON object ``{"url", "username", "password"}``; the partner key secret holds the
PEM text. Neither value is ever logged nor put into an error.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities import parameters

from edt_import.adapters.itslearning import ItslearningSettings
from edt_import.domain.errors import ConfigError

CACHE_SECONDS = 300


class SecretsManagerSecrets:
    def __init__(self, *, partner_key_secret: str, itslearning_secret: str) -> None:
        self._partner_key_secret = partner_key_secret
        self._itslearning_secret = itslearning_secret

    def partner_key(self) -> bytes:
        value = _secret(self._partner_key_secret, "partner key")
        return value.encode("utf-8")

    def itslearning(self) -> ItslearningSettings:
        try:
            raw: Any = json.loads(_secret(self._itslearning_secret, "itslearning credentials"))
            return ItslearningSettings(base_url=raw["url"], username=raw["username"], password=raw["password"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                'The itslearning secret must be a JSON object with "url", "username" and "password".'
            ) from exc


def _secret(name: str, what: str) -> str:
    try:
        value = parameters.get_secret(name, max_age=CACHE_SECONDS)
    except parameters.exceptions.GetParameterError as exc:
        raise ConfigError(f"The {what} secret cannot be read from Secrets Manager.", {"secret": name}) from exc
    if not isinstance(value, str) or not value:
        raise ConfigError(f"The {what} secret is empty.", {"secret": name})
    return value
