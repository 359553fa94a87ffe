"""The encrypted container's elements as Index Education's schema orders them: the expected side of sealing tests."""

from __future__ import annotations

CONTAINER_ELEMENTS = [
    "VERSION",
    "LOGICIEL",
    "CLES",
    "CONTENU",
    "VERIFICATION",
    "DATEHEURE",
    "UAI",
    "NOMETABLISSEMENT",
    "CODEPOSTALVILLE",
]
