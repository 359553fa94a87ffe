"""The container recipe: zlib only (RFC 1950), nothing after the stream, and the program versions."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from edt_import.domain.container import ReaderLimits, open_container
from edt_import.domain.errors import ErrorCode, ExportRejectedError
from tests.support.hostile_containers import INNER_XML, ContainerKeys, sealed, zeros_zlib

MIB = 1024 * 1024


def _as_compressed(keys: ContainerKeys, content: bytes) -> bytes:
    """A container whose (already compressed) ``content`` is declared compressed, as the reader must inflate it."""
    return sealed(keys, content, compress=False).replace(
        b'CompresseAvantChiffrement="false"', b'CompresseAvantChiffrement="true"'
    )


def _refusal(data: bytes, keys: ContainerKeys, *, allow_any_version: bool = False) -> ExportRejectedError:
    with pytest.raises(ExportRejectedError) as caught:
        open_container(data, private_key=keys.ours, partner=keys.partner, allow_any_version=allow_any_version)
    return caught.value


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def test_open_container_gzip_content_refused_as_not_zlib(keys: ContainerKeys) -> None:
    # Given a content compressed with gzip (RFC 1952) instead of zlib
    data = _as_compressed(keys, gzip.compress(INNER_XML))
    # When
    refusal = _refusal(data, keys)
    # Then it is refused, saying why
    assert (refusal.code, refusal.details) == (ErrorCode.DECRYPT_FAILED, {"reason": "gzip"})
    assert refusal.message == (
        "The export's content is compressed with gzip, not with zlib as EDT and PRONOTE do; "
        "it was not made by them or was altered."
    )


@pytest.mark.parametrize("content", [_raw_deflate(INNER_XML), INNER_XML, b"x"], ids=["raw_deflate", "plain", "1_byte"])
def test_open_container_content_without_zlib_header_refused(keys: ContainerKeys, content: bytes) -> None:
    # Given a content declared compressed that has no RFC 1950 header (raw deflate, plain text, one byte)
    data = _as_compressed(keys, content)
    # When
    refusal = _refusal(data, keys)
    # Then
    assert (refusal.code, refusal.details) == (ErrorCode.DECRYPT_FAILED, {"reason": "zlib_header"})
    assert refusal.message == (
        "The export's content does not start with a zlib header (it may be raw deflate data); the file is damaged."
    )


@pytest.mark.parametrize("extra", [b"garbage", zlib.compress(b"<more/>")], ids=["trailing_bytes", "second_zlib_stream"])
def test_open_container_bytes_after_zlib_stream_refused(keys: ContainerKeys, extra: bytes) -> None:
    # Given a sound zlib stream followed by more bytes (they would be silently dropped)
    data = _as_compressed(keys, zlib.compress(INNER_XML) + extra)
    # When
    refusal = _refusal(data, keys)
    # Then
    assert (refusal.code, refusal.details) == (ErrorCode.DECRYPT_FAILED, {"reason": "zlib_trailing"})


def test_open_container_zlib_any_level_and_window_accepted(keys: ContainerKeys) -> None:
    # Given zlib streams of every level and a small window (all RFC 1950)
    for level, window in ((0, 15), (1, 9), (6, 12), (9, 15)):
        compressor = zlib.compressobj(level, zlib.DEFLATED, window)
        data = _as_compressed(keys, compressor.compress(INNER_XML) + compressor.flush())
        # When / Then
        assert open_container(data, private_key=keys.ours, partner=keys.partner)[1] == INNER_XML


@pytest.mark.parametrize(
    "software",
    [
        *(f"PRONOTE {year} - {year}.0.1.2" for year in range(2018, 2026)),
        *(f"EDT {year} - {year}.0.1.2" for year in range(2018, 2026)),
        "PRONOTE Réseau-PRONOTE 2019 - 2019.0.2.5",
        "EDT 2018 - 2018.0.1.2",
        "Index Education EDT 2021",
        "pronote 2020",
        "PRONOTE  2024",
    ],
)
def test_open_container_edt_or_pronote_2018_or_later_accepted(keys: ContainerKeys, software: str) -> None:
    # Given a container made by a supported program; When we open it; Then the software is reported as written
    info, inner = open_container(sealed(keys, software=software), private_key=keys.ours, partner=keys.partner)
    assert (info.software, inner) == (software, INNER_XML)


@pytest.mark.parametrize(
    "software",
    [
        "PRONOTE Monoposte-PRONOTE 2013 - 0.5.14",
        "EDT 2013 - 0.2.1",
        "EDT 2017 - 2017.0.3.1",
        "PRONOTE 2017 - 2017.0.1",
        "PRONOTE 2013 - 2019.0.1",
        "HYPERPLANNING 2022 - 1.0",
        "Index Education",
        "",
    ],
)
def test_open_container_older_or_other_program_refused_unless_allowed(keys: ContainerKeys, software: str) -> None:
    # Given a container made by PRONOTE/EDT before 2018, another program or an unnamed one
    data = sealed(keys, software=software)
    # When
    refusal = _refusal(data, keys)
    # Then it is unsupported_version, and accepted when any version is allowed
    assert (refusal.code, refusal.details) == (ErrorCode.UNSUPPORTED_VERSION, {"software": software})
    info, inner = open_container(data, private_key=keys.ours, partner=keys.partner, allow_any_version=True)
    assert (info.software, inner) == (software, INNER_XML)


def test_open_container_bomb_just_under_the_inflated_cap_stays_under_100_mb(keys: ContainerKeys) -> None:
    # Given the default limits and a content inflating to one byte less than their cap (zeros: not a timetable)
    limits = ReaderLimits()
    data = _as_compressed(keys, zeros_zlib(limits.max_inflated_bytes - 1))
    # When it is opened while tracing memory
    tracemalloc.start()
    try:
        _, inner = open_container(data, private_key=keys.ours, partner=keys.partner, limits=limits)
        size = len(inner)
        del inner
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Then it is inflated whole, and never held twice: the peak stays under ~100 MB
    assert size == limits.max_inflated_bytes - 1
    assert peak < 100 * MIB


def test_reader_limits_default_inflated_cap_is_64_mib() -> None:
    # A large cité scolaire's inner XML is a few MB; 64 MiB leaves a wide margin and bounds what a bomb costs.
    assert ReaderLimits() == ReaderLimits(max_upload_bytes=64 * MIB, max_inflated_bytes=64 * MIB)
