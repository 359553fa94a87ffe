from __future__ import annotations

import tracemalloc
import zlib

import pytest

from edt_import.domain.container import ReaderLimits, is_container, open_container, software_year
from edt_import.domain.errors import ConfigError, ErrorCode, ExportRejectedError
from tests.support.hostile_containers import (
    CONTAINER_CODES,
    INNER_XML,
    Case,
    ContainerKeys,
    hostile_containers,
    make_keys,
    non_container_files,
    oversized_upload,
    sealed,
    zeros_zlib,
    zlib_bomb,
)

MIB = 1024 * 1024
# Built at collection so each case gets its own test id; the keys are those the cases were sealed for.
_CASE_KEYS = make_keys(1024)
_CASES = hostile_containers(_CASE_KEYS) | non_container_files()


def _refusal(container: bytes, keys: ContainerKeys, limits: ReaderLimits = ReaderLimits()) -> ExportRejectedError:  # noqa: B008
    with pytest.raises(ExportRejectedError) as caught:
        open_container(container, private_key=keys.ours, partner=keys.partner, limits=limits)
    return caught.value


@pytest.mark.parametrize("case", list(_CASES.values()), ids=list(_CASES))
def test_open_container_hostile_case_refused_with_its_code(case: Case) -> None:
    # Given a hostile or damaged container
    data, code = case
    # When we open it
    refusal = _refusal(data, _CASE_KEYS)
    # Then it is refused with its code and a plain sentence
    assert refusal.code is code
    assert refusal.message.endswith(".")
    assert "\n" not in refusal.message


def test_hostile_containers_cover_every_container_code() -> None:
    # Given the hostile cases, Then together with the size cases they cover every container-level code
    codes = {code for _, code in _CASES.values()} | {ErrorCode.TOO_LARGE}
    assert codes == CONTAINER_CODES


def test_hostile_containers_all_sniffed_as_containers() -> None:
    # Given the container-level cases, Then the reader's sniffing routes each to the container opener, and no other
    assert all(is_container(data) for data, _ in hostile_containers(_CASE_KEYS).values())
    assert not any(is_container(data) for data, _ in non_container_files().values())


def test_open_container_endless_comment_not_an_export(keys: ContainerKeys) -> None:
    # Given a file that opens a comment and never closes it within the prolog window
    data = b"<!-- " + b"x" * 70_000
    # When we open it, Then it is not an export
    assert _refusal(data, keys).code is ErrorCode.NOT_AN_EXPORT


def test_open_container_wrong_key_says_key_mismatch(keys: ContainerKeys) -> None:
    # Given a container sealed for another vendor's key under our name
    container = sealed(keys, for_other_key=True)
    # When we open it with ours, Then the refusal is key_mismatch
    assert _refusal(container, keys).code is ErrorCode.KEY_MISMATCH


def test_open_container_partner_missing_lists_vendor_names(keys: ContainerKeys) -> None:
    # Given a container for another ENT only
    container = sealed(keys).replace(b'NOM="ITSLEARNING"', b'NOM="AUTRE_ENT"')
    # When we open it, Then the refusal names the partners present
    refusal = _refusal(container, keys)
    assert refusal.code is ErrorCode.PARTNER_KEY_MISSING
    assert refusal.details == {"partner": "ITSLEARNING", "partners_present": ["AUTRE_ENT"]}


def test_open_container_no_private_key_is_config_error(keys: ContainerKeys) -> None:
    # Given no configured private key, When a container is opened, Then it is a configuration error
    with pytest.raises(ConfigError) as caught:
        open_container(sealed(keys), private_key=None, partner=keys.partner)
    assert caught.value.code is ErrorCode.CONFIG_ERROR


def test_open_container_old_version_accepted_when_allowed(keys: ContainerKeys) -> None:
    # Given a PRONOTE 2013 container
    container = sealed(keys, software="PRONOTE Monoposte-PRONOTE 2013 - 0.5.14")
    # When the operator allows any version, Then it opens
    info, inner = open_container(container, private_key=keys.ours, partner=keys.partner, allow_any_version=True)
    assert (info.software, inner) == ("PRONOTE Monoposte-PRONOTE 2013 - 0.5.14", INNER_XML)
    # And without that, it is refused
    assert _refusal(container, keys).code is ErrorCode.UNSUPPORTED_VERSION


@pytest.mark.parametrize(
    ("software", "expected"),
    [
        ("PRONOTE Monoposte-PRONOTE 2013 - 0.5.14", ("PRONOTE", 2013)),
        ("EDT 2018 - 1.2.3", ("EDT", 2018)),
        ("PRONOTE 2019 - 2019.0.2.5", ("PRONOTE", 2019)),
        ("PRONOTE 2025", ("PRONOTE", 2025)),
        ("Pronote Réseau-PRONOTE 2021 - 2021.0.1.2", ("PRONOTE", 2021)),
        ("EDT2018", None),
        ("TIMETABLER 2024", None),
        ("", None),
    ],
)
def test_software_year_reads_program_and_year(software: str, expected: tuple[str, int] | None) -> None:
    assert software_year(software) == expected


@pytest.mark.parametrize("software", ["EDT 2018 - 1.2.3", "PRONOTE 2019 - 2019.0.2.5", "PRONOTE 2025"])
def test_open_container_supported_versions_accepted(keys: ContainerKeys, software: str) -> None:
    info, _ = open_container(sealed(keys, software=software), private_key=keys.ours, partner=keys.partner)
    assert info.software == software


def test_open_container_upload_over_cap_refused_before_parsing(keys: ContainerKeys) -> None:
    # Given a file one byte over the default upload cap (not XML past its first bytes)
    data, code = oversized_upload(keys)
    # When we open it, Then it is too_large, with the sizes as details
    refusal = _refusal(data, keys)
    assert refusal.code is code is ErrorCode.TOO_LARGE
    assert refusal.details == {"size_bytes": 64 * MIB + 1, "limit_bytes": 64 * MIB}


def test_open_container_upload_at_cap_accepted(keys: ContainerKeys) -> None:
    # Given a container exactly at a configured cap
    container = sealed(keys)
    limits = ReaderLimits(max_upload_bytes=len(container))
    # When we open it, Then it is accepted; one byte less and it is refused
    assert open_container(container, private_key=keys.ours, partner=keys.partner, limits=limits)[1] == INNER_XML
    assert _refusal(container, keys, ReaderLimits(max_upload_bytes=len(container) - 1)).code is ErrorCode.TOO_LARGE


@pytest.mark.parametrize("compress", [True, False], ids=["compressed", "uncompressed"])
def test_open_container_inflated_cap_inclusive(keys: ContainerKeys, compress: bool) -> None:
    # Given a container whose inner XML is exactly at the inflated cap
    container = sealed(keys, compress=compress)
    at_cap = ReaderLimits(max_inflated_bytes=len(INNER_XML))
    # When opened at the cap it is accepted, and one byte under it is too_large
    assert open_container(container, private_key=keys.ours, partner=keys.partner, limits=at_cap)[1] == INNER_XML
    under = ReaderLimits(max_inflated_bytes=len(INNER_XML) - 1)
    assert _refusal(container, keys, under).code is ErrorCode.TOO_LARGE


def test_open_container_large_content_past_keep_buffer_inflates_whole(keys: ContainerKeys) -> None:
    # Given content inflating to 40 MiB (past the single-pass buffer, within the cap)
    size = 40 * MIB
    container = sealed(keys, zeros_zlib(size), compress=False).replace(b'"false"', b'"true"')
    # When we open it, Then all of it comes back
    _, inner = open_container(container, private_key=keys.ours, partner=keys.partner)
    assert len(inner) == size
    assert inner.count(0) == size


def test_open_container_zlib_bomb_refused_in_bounded_memory(keys: ContainerKeys) -> None:
    # Given a container whose 1 MB of content inflates to 1 GiB, and the default 64 MiB cap
    data, code = zlib_bomb(keys)
    assert len(data) < 2 * MIB
    # When we open it while tracing memory
    tracemalloc.start()
    try:
        refusal = _refusal(data, keys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Then it is too_large, and far less than the cap was ever held in memory
    assert refusal.code is code is ErrorCode.TOO_LARGE
    assert refusal.details == {"limit_bytes": 64 * MIB}
    assert peak < 100 * MIB


def test_open_container_clear_timetable_is_not_a_container(keys: ContainerKeys) -> None:
    # Given a clear inner XML handed to the container opener
    # When we open it, Then it is refused as not a container, naming its root
    refusal = _refusal(INNER_XML, keys)
    assert (refusal.code, refusal.details) == (ErrorCode.NOT_AN_EXPORT, {"root": "ExportEmploiDuTemps"})


def test_zeros_zlib_is_real_zlib() -> None:
    assert zlib.decompress(zeros_zlib(3 * MIB + 5)) == bytes(3 * MIB + 5)
