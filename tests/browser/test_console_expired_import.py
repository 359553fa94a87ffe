"""The summary of an import that expired for want of its file: the reason, when the file came too late, and no
claim about lessons it never read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from msgspec import structs
from playwright.sync_api import Route, expect

from edt_import.domain.imports import ImportKind, ImportStatus, advanced, new_import
from edt_import.domain.upload_expiry import late_upload_section, upload_missing
from edt_import.usecases.admin.import_views import detail_view
from tests.browser.conftest import Console
from tests.support.served_stack import GeneratedSchool, ServedStack

IMPORT_ID = "e" * 32
CREATED = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)


def test_console_summary_of_an_expired_import_says_its_file_came_too_late_and_was_not_read(
    console: Callable[..., Console], stack: ServedStack, school: GeneratedSchool
) -> None:
    # Given an import expired at 06:30 whose 292 KB file arrived at 06:41, as the API shows it
    record = new_import(uai=school.uai, import_id=IMPORT_ID, kind=ImportKind.MANUAL, now=CREATED, upload_key="")
    expired_at = CREATED + timedelta(minutes=30)
    record = advanced(record, status=ImportStatus.EXPIRED, now=expired_at, error=upload_missing())
    late = late_upload_section(now=CREATED + timedelta(minutes=41), size_bytes=298_969)
    record = structs.replace(record, summary={**record.summary, late[0]: late[1]})
    document = detail_view(record, None).model_dump_json()

    def answer(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=document)

    tab = console()
    tab.page.route(f"**/establishments/{school.uai}/imports/{IMPORT_ID}", answer)
    # When the administrator opens its summary
    tab.sign_in(stack.token(school.uai), f"/{school.uai}/history/{IMPORT_ID}")
    # Then the status, the reason, and the late file with its time (Paris) and size show
    facts = tab.page.locator("#import-facts")
    expect(facts).to_contain_text("Expiré (fichier non reçu)")
    expect(tab.page.get_by_role("alert")).to_contain_text("Le fichier n’est jamais arrivé")
    expect(tab.page.locator("#late-upload")).to_have_text(
        "reçu le 03/05/2027 08:41:00 (292 Ko), après l’expiration de l’autorisation d’envoi : "
        "refusé et supprimé sans être lu. Lancez un nouvel import pour l’envoyer."
    )
    expect(facts.locator("dt")).to_contain_text(["Statut", "Fichier arrivé trop tard"])
    # and it does not claim that every lesson was imported: none was read
    expect(tab.page.locator("#lessons-unknown")).to_have_text(
        "Aucune : l’import s’est arrêté avant de lire les séances."
    )
    tab.shoot("summary")
