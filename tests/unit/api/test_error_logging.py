"""An unforeseen error in the admin API: logged once with its type and stack frames, never with its message."""

from __future__ import annotations

from edt_import.api import errors
from edt_import.domain.imports import ImportRecord
from tests.support.admin_api import UAI, ApiWorld, admin_of
from tests.support.log_capture import captured_log

PUPIL = "Dupont Marie-Hélène"


def test_unexpected_error_log_names_its_type_and_frames_but_never_its_message() -> None:
    # Given a store failing on a person's record, its message (and its cause's) naming the pupil
    world = ApiWorld()

    def account_of(name: str) -> str:
        return {"Martin Paul": "p1"}[name]

    def broken(uai: str, *, limit: int, before: object = None) -> list[ImportRecord]:
        try:
            account_of(PUPIL)
        except KeyError as exc:
            raise RuntimeError(f"no account for {PUPIL}, born 2012-03-04") from exc
        return []

    world.history.newest = broken  # type: ignore[method-assign]
    # When the history is asked for
    with captured_log(errors.logger.name) as log:
        status, body, _ = world.call("GET", f"/establishments/{UAI}/imports", claims=admin_of(UAI))
    # Then the answer is a bare 500, and the one log line says what failed and where, not who
    assert (status, body["code"]) == (500, "internal_error")
    assert "Dupont" not in log.text
    assert "Marie" not in log.text
    assert "2012" not in log.text
    [entry] = log.entries()
    assert (entry["level"], entry["message"]) == ("ERROR", "unexpected error")
    assert (entry["error_type"], entry["caused_by"]) == ("RuntimeError", ["KeyError"])
    innermost = entry["frames"][-1]
    assert innermost["function"] == "broken"
    assert innermost["file"].endswith("tests/unit/api/test_error_logging.py")
    assert isinstance(innermost["line"], int)
    assert set(innermost) == {"file", "line", "function"}
    assert "exception" not in entry
    assert "stack_trace" not in entry
