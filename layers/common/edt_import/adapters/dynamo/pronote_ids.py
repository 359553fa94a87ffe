"""``DynamoPronoteIdStore``: the IDPN → account mappings, one item per (establishment, IDPN)."""

from __future__ import annotations

from collections.abc import Mapping

from edt_import.adapters.dynamo.models import PronoteIdItem, bind
from edt_import.domain.directory import PersonKey


class DynamoPronoteIdStore:
    def __init__(self, table_name: str) -> None:
        bind(PronoteIdItem, table_name)

    def load(self, uai: str) -> dict[str, PersonKey]:
        return {item.idpn: PersonKey(item.person_key) for item in PronoteIdItem.query(uai, consistent_read=True)}

    def save(self, uai: str, mappings: Mapping[str, PersonKey]) -> None:
        with PronoteIdItem.batch_write() as batch:
            for idpn, person_key in mappings.items():
                batch.save(PronoteIdItem(uai, idpn, person_key=person_key))
