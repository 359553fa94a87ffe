"""The generator's encrypted export is what Index Education's container schema describes."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from edt_import.generator.establishment import Size
from edt_import.generator.files import write_generated
from tests.support import cached, schema_check
from tests.support.container_layout import CONTAINER_ELEMENTS

SCHEMA_PATH = Path(schema_check.__file__).with_name("ConteneurExportChiffre.xsd")
# Added after the 2013 schema (the flag telling whether the content was compressed): removed before validating.
NEWER_ATTRIBUTE = "CompresseAvantChiffrement"


def test_generated_container_validates_against_2013_container_schema(tmp_path: Path) -> None:
    # Given the generated college's encrypted export on disk
    paths = write_generated(tmp_path, cached.establishment(Size.COLLEGE))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    document = etree.parse(str(paths["export"]), parser)
    # When the newer attribute is removed
    for element in document.iter("{*}CONTENU"):
        del element.attrib[NEWER_ATTRIBUTE]
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    # Then the container is valid, all its elements present in the schema's order
    assert schema.validate(document), str(schema.error_log)
    assert [etree.QName(child).localname for child in document.getroot()] == CONTAINER_ELEMENTS
