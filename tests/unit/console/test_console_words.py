"""The console's words (console/js/i18n.js): both languages say the same things, every key the screens use
exists, and the controls carry the operator guide's own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edt_import.domain.errors import ErrorCode
from edt_import.domain.imports import ImportStatus
from edt_import.domain.plan import ActionType
from edt_import.usecases.admin.holds import APPROVAL_MISMATCH, NO_REKEY, NOT_HELD

CONSOLE = Path(__file__).resolve().parents[3] / "console"
_ENTRY = re.compile(r'^\s*"(?P<key>[a-z_.]+)":\s*"(?P<text>(?:[^"\\]|\\.)*)",\s*$', re.MULTILINE)
_USED = re.compile(r'\bt\(\s*"(?P<key>[a-z_.]+)"')
_PREFIXED = re.compile(r'codeSentence\(\s*"(?P<prefix>[a-z]+)"')


def _dictionary(name: str) -> dict[str, str]:
    source = (CONSOLE / "js" / "i18n.js").read_text(encoding="utf-8")
    block = re.search(rf"^const {name} = \{{\n(?P<body>.*?)^\}};", source, re.MULTILINE | re.DOTALL)
    assert block is not None, f"no dictionary {name} in i18n.js"
    return {m["key"]: m["text"] for m in _ENTRY.finditer(block["body"])}


def _scripts() -> list[Path]:
    return sorted((CONSOLE / "js").rglob("*.js"))


def test_console_words_french_and_english_have_the_same_keys() -> None:
    # Given both dictionaries
    french, english = _dictionary("fr"), _dictionary("en")
    # Then neither says something the other does not
    assert sorted(set(french) - set(english)) == []
    assert sorted(set(english) - set(french)) == []
    assert len(french) > 150


def test_console_words_every_key_a_screen_uses_exists() -> None:
    # Given every literal key passed to t() in the console's modules
    french = _dictionary("fr")
    used = {m["key"] for script in _scripts() for m in _USED.finditer(script.read_text(encoding="utf-8"))}
    # Then each is in the dictionary (a missing one would show its key to the administrator)
    assert used, "the scan found no t() call"
    assert sorted(used - set(french)) == []


def test_console_words_every_code_family_has_sentences() -> None:
    # Given the families codeSentence() looks up (err.*, warning.*, reason.*, action.*, hold.*, role.*)
    french = _dictionary("fr")
    prefixes = {m["prefix"] for script in _scripts() for m in _PREFIXED.finditer(script.read_text(encoding="utf-8"))}
    # Then each family has words
    assert prefixes == {"err", "warning", "reason", "action", "hold", "role"}
    for prefix in prefixes:
        assert any(key.startswith(f"{prefix}.") for key in french), prefix


@pytest.mark.parametrize(
    ("key", "guide_word"),
    [
        ("nav.manual", "Import Manuel"),
        ("manual.add", "Ajouter un fichier"),
        ("manual.import", "importer"),
        ("add", "Ajouter"),
        ("disable", "Désactiver"),
        ("next", "Suivant"),
        ("enable.all", "Tout activer"),
        ("disable.all", "Tout désactiver"),
        ("validate", "Valider"),
        ("history.title", "Historique des imports"),
        ("status.done", "Fait"),
    ],
)
def test_console_words_controls_carry_the_guides_words(key: str, guide_word: str) -> None:
    assert _dictionary("fr")[key] == guide_word


def test_console_words_each_import_status_and_action_type_has_a_label() -> None:
    # Given the statuses and action types the API returns
    french = _dictionary("fr")
    # Then the console can name each in French (and, by the first test, in English)
    assert sorted(s.value for s in ImportStatus if f"status.{s.value}" not in french) == []
    assert sorted(a.value for a in ActionType if f"action.{a.value}" not in french) == []
    assert {s.value: french[f"status.{s.value}"] for s in ImportStatus} == {s.value: s.label_fr for s in ImportStatus}


def test_console_words_refusal_codes_have_sentences() -> None:
    # Given the codes an export is refused with
    french = _dictionary("fr")
    refused = [
        ErrorCode.NOT_AN_EXPORT,
        ErrorCode.MALFORMED_XML,
        ErrorCode.KEY_MISMATCH,
        ErrorCode.DECRYPT_FAILED,
        ErrorCode.UNSUPPORTED_VERSION,
        ErrorCode.UAI_MISMATCH,
        ErrorCode.TOO_LARGE,
        ErrorCode.UPLOAD_MISSING,
    ]
    # Then each is told in a French sentence, not only by its code
    assert [code.value for code in refused if f"err.{code.value}" not in french] == []


def test_console_words_answers_to_a_held_import_or_a_rekeying_are_refused_in_sentences() -> None:
    # Given the codes approving a held import or confirming a re-keying can be refused with
    french = _dictionary("fr")
    refused = [
        ErrorCode.CONCURRENT_UPDATE.value,
        ErrorCode.IMPORT_MOVED_ON.value,
        NOT_HELD,
        APPROVAL_MISMATCH,
        NO_REKEY,
    ]
    # Then each is told in French, not in the API's English sentence
    assert [code for code in refused if f"err.{code}" not in french] == []
