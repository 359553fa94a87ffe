"""Open an uploaded export end to end: size, container or clear XML, timetable, validation, establishment.

This is the one entry point the use cases and the CLI call; everything it refuses raises an
``ExportRejectedError`` carrying its code, and everything merely suspicious comes back as warnings.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from msgspec import structs

from edt_import.domain.container import (
    DEFAULT_LIMITS,
    ReaderLimits,
    check_upload_size,
    is_container,
    open_container,
)
from edt_import.domain.dangling_references import drop_dangling_references
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.timetable import ContainerInfo, Export, ReadWarning, Timetable, Uai
from edt_import.domain.timetable_validation import WarningCode, printable_ident, shown, validate_timetable
from edt_import.domain.uai import is_valid_uai, normalise_uai
from edt_import.domain.xml_reader import parse_timetable


def read_export(
    data: bytes,
    *,
    private_key: RSAPrivateKey | None = None,
    partner: str = "ITSLEARNING",
    expected_uai: str | None = None,
    allow_any_version: bool = False,
    limits: ReaderLimits = DEFAULT_LIMITS,
) -> Export:
    """An opened, validated export; raise ``ExportRejectedError`` (or ``ConfigError`` without a key) otherwise.

    ``data`` is an encrypted container or, for tests and tools, the clear inner XML (told apart by the root
    element). With ``expected_uai``, the export must belong to that establishment (``uai_mismatch``).
    """
    check_upload_size(data, limits)
    container: ContainerInfo | None = None
    inner = data
    if is_container(data):
        container, inner = open_container(
            data, private_key=private_key, partner=partner, limits=limits, allow_any_version=allow_any_version
        )
    _check_element_count(inner, limits)
    timetable, read_warnings = parse_timetable(inner, max_bytes=limits.max_inflated_bytes)
    if not timetable.uai and container is not None and container.uai:
        # Sync keys are built from the timetable's UAI: a root without one takes the container's (checked alike).
        timetable = structs.replace(timetable, uai=Uai(normalise_uai(container.uai)))
    # References are resolved first, so that the checks count what will be imported (a pupil whose only class
    # is undefined is a pupil without a class).
    timetable, dangling = drop_dangling_references(timetable)
    checks = validate_timetable(timetable)
    establishment = check_establishment(timetable, container, expected_uai)
    if not timetable.uai:
        # Every sync key starts with the UAI, so an export naming no establishment cannot be imported
        # (with an expected UAI, check_establishment has already refused it as uai_mismatch).
        raise rejected(
            ErrorCode.INVALID_TIMETABLE,
            "The export does not say which establishment it belongs to (no UAI in the file).",
            element="ExportEmploiDuTemps",
            attribute="UAI",
        )
    return Export(
        container=container, timetable=timetable, warnings=(*read_warnings, *checks, *dangling, *establishment)
    )


def _check_element_count(inner: bytes, limits: ReaderLimits) -> None:
    # Counting '<' runs at memory speed and over-counts only (comments, a '<' inside one): it bounds the model
    # before a byte of it is built, as the inflated-size cap alone would not (small records cost more than bytes).
    if inner.count(b"<") > limits.max_elements:
        raise rejected(
            ErrorCode.TOO_LARGE,
            f"The timetable holds more than {limits.max_elements} elements, far more than any establishment's; "
            "it is refused.",
            limit_elements=limits.max_elements,
        )


def check_establishment(
    timetable: Timetable, container: ContainerInfo | None, expected_uai: str | None
) -> tuple[ReadWarning, ...]:
    """Raise ``uai_mismatch`` when the export is not ``expected_uai``'s; warn about other establishments it covers.

    A multi-establishment export (``Etablissements``) belongs to each establishment it lists (plus its root
    ``UAI``); otherwise the container's UAI and the timetable's, where present, must both be the expected one.
    """
    # The container's UAI is quoted as read: the timetable's own UAI was checked to be letters and digits.
    container_uai = printable_ident(normalise_uai(container.uai)) if container is not None and container.uai else ""
    inner_uai = timetable.uai
    listed = [establishment.uai for establishment in timetable.establishments.values() if establishment.uai]
    warnings: list[ReadWarning] = []
    if container_uai and container_uai != inner_uai:
        if not is_valid_uai(container_uai):
            warnings.append(
                ReadWarning(
                    code=WarningCode.INVALID_UAI,
                    message=f"The container's establishment code {container_uai} does not end with its check letter.",
                )
            )
        if expected_uai is None and inner_uai and not listed:
            warnings.append(
                ReadWarning(
                    code=WarningCode.CONTAINER_UAI_DIFFERS,
                    message=f"The container names establishment {container_uai} but the timetable {inner_uai}.",
                )
            )
    if expected_uai is None:
        return tuple(warnings)
    expected = printable_ident(normalise_uai(expected_uai))
    if listed:
        known = dict.fromkeys(uai for uai in (inner_uai, *listed, container_uai) if uai)
        if expected not in known:
            raise _mismatch(expected, next(iter(known)), sorted(known))
        others = [uai for uai in known if uai != expected]
        if others:
            warnings.append(
                ReadWarning(
                    code=WarningCode.OTHER_ESTABLISHMENTS,
                    message=f"The export also covers establishment(s) {shown(others)}; "
                    f"only what belongs to {expected} is meant for this import.",
                )
            )
        return tuple(warnings)
    present = [uai for uai in (container_uai, inner_uai) if uai]
    if not present:
        raise rejected(
            ErrorCode.UAI_MISMATCH,
            f"The export does not say which establishment it belongs to, so it cannot be imported into {expected}.",
            expected=expected,
        )
    for uai in present:
        if uai != expected:
            raise _mismatch(expected, uai, present)
    return tuple(warnings)


def _mismatch(expected: str, found: str, uais: list[str]) -> Exception:
    return rejected(
        ErrorCode.UAI_MISMATCH,
        f"This export belongs to establishment {found}, not to {expected}.",
        expected=expected,
        found=uais,
    )
