from __future__ import annotations

import pytest

from edt_import.cli.sync_cmd import itslearning_settings
from edt_import.domain.errors import ConfigError
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME


def test_itslearning_settings_environment_credentials_are_used() -> None:
    # Given credentials in the environment, When settings are built for a remote site, Then they are used
    settings = itslearning_settings(
        "https://school.itslearning.com/ims", {"ITSLEARNING_USERNAME": "int-user", "ITSLEARNING_PASSWORD": "s3cret"}
    )
    assert (settings.username, settings.password) == ("int-user", "s3cret")
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://localhost:9000/base"])
def test_itslearning_settings_local_standin_defaults_to_demo_account(url: str) -> None:
    # Given no credentials, When the address is this machine, Then the stand-in's demo account is used
    settings = itslearning_settings(url, {})
    assert (settings.username, settings.password) == (SANDBOX_USERNAME, SANDBOX_PASSWORD)


def test_itslearning_settings_remote_without_credentials_is_a_config_error() -> None:
    # Given only a user name, When the address is remote, Then the missing variable is named, not guessed
    with pytest.raises(ConfigError, match="ITSLEARNING_PASSWORD"):
        itslearning_settings("https://school.itslearning.com", {"ITSLEARNING_USERNAME": "int-user"})


def test_itslearning_settings_address_carrying_credentials_is_a_config_error() -> None:
    # Given an address with a user and password in it (they would show in every repr of the settings)
    url = "https://int-user:s3cret@school.itslearning.com/ims"

    # When settings are built, Then the address is refused without repeating it
    with pytest.raises(ConfigError) as raised:
        itslearning_settings(url, {"ITSLEARNING_USERNAME": "int-user", "ITSLEARNING_PASSWORD": "s3cret"})
    assert "s3cret" not in f"{raised.value} {raised.value.details}"
