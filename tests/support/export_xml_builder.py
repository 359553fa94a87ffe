"""Small inner timetable documents for the reader's tests, and the exact model the default one must give.

The default document looks like what PRONOTE writes (a default namespace, CRLF line endings, comments inside
empty elements, guardians, staff and equipment the product ignores) plus things a reader must tolerate:
unknown sections, elements and attributes, and every time format seen in the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time

from msgspec import structs

from edt_import.domain.timetable import (
    CasId,
    ClassPart,
    Grid,
    Group,
    Ident,
    Lesson,
    LessonLink,
    Membership,
    Place,
    PronoteId,
    Room,
    SchoolClass,
    SchoolYear,
    Sex,
    Student,
    Subject,
    Teacher,
    Timetable,
    Uai,
)
from edt_import.domain.week_mask import mask_of

NAMESPACE = "http://www.index-education.com/exportemploidutemps"
UAI = "0750001U"
LAST_WEEK = 44  # 2025-09-01 .. 2026-07-04
ALL_WEEKS = mask_of(range(1, LAST_WEEK + 1))
ODD_WEEKS = mask_of(range(1, LAST_WEEK + 1, 2))
EVEN_WEEKS = mask_of(range(2, LAST_WEEK + 1, 2))
WEEK_3 = mask_of([3])

SCHOOL_YEAR = '<AnneeScolaire DateDebut="2025-09-01" DateFin="2026-07-04" DatePremierJourSemaine1="2025-09-01"/>'
GRID = """<GrilleHoraire NombrePlacesParJour="3" DureePlace="55">
  <JoursOuvres><Jour>1</Jour><Jour>2</Jour><Jour> 4 </Jour><Jour>5</Jour></JoursOuvres>
  <PlacesParJour>
    <Place Numero="0" LibelleHeureDebut="08:00:00" LibelleHeureFin="08:55:00"/>
    <Place Numero="1" LibelleHeureDebut="9h00" LibelleHeureFin="09H55"/>
    <Place Numero="2" LibelleHeureDebut="10:05" LibelleHeureFin="11:00:00"/>
  </PlacesParJour>
</GrilleHoraire>"""
SUBJECTS = """<Matieres>
  <Matiere Ident="10" Code="AGL1" Libelle="ANGLAIS LV1"/>
  <Matiere Ident="11" Code="MATHS" Libelle="MATHS &amp; SCIENCES &lt;&#233;&gt; &#x26;" Couleur="rouge"/>
</Matieres>"""
TEACHERS = """<Professeurs>
  <Professeur Ident="20" Nom="MARTIN" Prenom="Claire" DateNaissance="1980-02-03" IDSTS="123" IDPN="PN20"
      IDCAS="cas20" CodePostal="75001"/>
  <Professeur Ident="21" Nom="DURAND" Prenom="Paul"/>
</Professeurs>"""
CLASSES = """<Classes>
  <Classe Ident="30" Nom="3A">
    <PartieDeClasse Ident="31"/>
    <!--Partie : ULIS-->
    <PartieDeClasse Ident="32" Nom="3A ULIS"/>
    <ProfesseurPrincipal Ident="20"/>
  </Classe>
  <Classe Ident="33" Nom="3B"/>
</Classes>"""
GROUPS = """<Groupes>
  <Groupe Ident="40" Nom="3AB LV1">
    <Classe Ident="30"/>
    <Classe Ident="33"/>
    <PartieDeClasse Ident="32"/>
    <Eleve Ident="50"/>
  </Groupe>
</Groupes>"""
ROOMS = """<Salles>
  <Salle Ident="60" Nom="S101"/>
</Salles>"""
STUDENTS = """<Eleves>
  <Eleve Ident="50" Nom="BERNARD" Prenom="Lea" DateNaissance="2011-05-06" Sexe="Feminin" NumeroNational="INE50"
      IDSconet="9" IDPN="PN50" IDCAS="cas50" IDEtablissement="7" CodePostal="75002">
    <Responsable Ident="1" RespLegal="1" Nom="BERNARD" Prenom="Anne" Adresse1="1 rue de la Paix"/>
    <Classe Ident="30" DateEntree="2025-09-01" DateSortie="2026-07-04"><!--Domaine : [1..44]--></Classe>
    <PartieDeClasse Ident="32" DateEntree="2025-09-01" DateSortie="2026-01-31"/>
  </Eleve>
  <Eleve Ident="51" Nom="PETIT" Prenom="Hugo" DateNaissance="2011-07-08" Sexe="Masculin">
    <Classe Ident="33" DateEntree="2025-09-01" DateSortie="2026-07-04"/>
  </Eleve>
</Eleves>"""
LESSONS = f"""<Cours>
  <Cours Jour="1" NumeroPlaceDebut="0" NombrePlaces="2">
    <Matiere Ident="10"/>
    <Professeur Ident="20" Semaines="{ALL_WEEKS}"><!--Domaine : [1..44]--></Professeur>
    <Groupe Ident="40" Semaines="{ALL_WEEKS}"/>
    <Salle Ident="60" Semaines="{ODD_WEEKS}"><!--Domaine : [1,3..43]--></Salle>
    <Personnel Ident="70" Semaines="{ALL_WEEKS}"/>
    <Materiel Ident="80" Semaines="{ALL_WEEKS}"/>
  </Cours>
  <!--Cours annulé en semaine 3-->
  <Cours Jour="2" NumeroPlaceDebut="2" NombrePlaces="1" SemainesAnnulation="{WEEK_3}" Couleur="bleu">
    <Professeur Ident="21" SemainesInclusion="{ALL_WEEKS}"/>
    <Matiere Ident="11"/>
    <Classe Ident="30" Semaines="{ALL_WEEKS}"/>
    <PartieDeClasse Ident="31" Semaines="{EVEN_WEEKS}"/>
    <Eleve Ident="51" Semaines="{ODD_WEEKS}"/>
    <Etiquette Ident="1"/>
  </Cours>
</Cours>"""
IGNORED = """<Personnels>
  <Personnel Ident="70" Nom="LEROY" Prenom="Marc"/>
</Personnels>
<Etiquettes/>"""

SECTIONS: dict[str, str] = {
    "AnneeScolaire": SCHOOL_YEAR,
    "GrilleHoraire": GRID,
    "Matieres": SUBJECTS,
    "Professeurs": TEACHERS,
    "Classes": CLASSES,
    "Groupes": GROUPS,
    "Salles": ROOMS,
    "Eleves": STUDENTS,
    "Personnels": IGNORED,
    "Cours": LESSONS,
}


def export_xml(
    *,
    sections: Mapping[str, str | None] | None = None,
    order: Sequence[str] | None = None,
    uai: str = UAI,
    version: str = "1.1",
    namespace: str | None = NAMESPACE,
    prefix: str | None = None,
    newline: str = "\r\n",
    prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n<!--Export EDT-->\n',
) -> bytes:
    """The default document with ``sections`` replaced (None removes one), in ``order`` if given.

    With ``prefix``, every element is written ``prefix:Name`` under that namespace instead of a default one.
    """
    chosen = {**SECTIONS, **(sections or {})}
    names = list(order) if order is not None else list(chosen)
    body = "\n".join(text for name in names if (text := chosen.get(name)) is not None)
    declaration = ""
    if namespace is not None:
        declaration = f' xmlns:{prefix}="{namespace}"' if prefix else f' xmlns="{namespace}"'
    document = (
        f'{prolog}<ExportEmploiDuTemps{declaration} Version="{version}" UAI="{uai}" Editeur="Index">\n'
        f"{body}\n</ExportEmploiDuTemps>\n"
    )
    if prefix:
        document = _prefixed(document, prefix)
    return document.replace("\n", newline).encode()


def _prefixed(document: str, prefix: str) -> str:
    """Every element tag of ``document`` with ``prefix:`` (comments and the declaration left alone)."""
    out: list[str] = []
    for piece in document.split("<"):
        if out and piece[:1].isalpha():
            out.append(f"{prefix}:{piece}")
        elif out and piece[:1] == "/" and piece[1:2].isalpha():
            out.append(f"/{prefix}:{piece[1:]}")
        else:
            out.append(piece)
    return "<".join(out)


def _link(ident: str, weeks: int) -> LessonLink:
    return LessonLink(ident=Ident(ident), weeks=weeks)


def expected_timetable() -> Timetable:
    """The model of the default document, written out by hand."""
    year_membership = Membership(ident=Ident("30"), entry=date(2025, 9, 1), exit=date(2026, 7, 4))
    return Timetable(
        uai=Uai(UAI),
        version="1.1",
        school_year=SchoolYear(start=date(2025, 9, 1), end=date(2026, 7, 4), week1_monday=date(2025, 9, 1)),
        grid=Grid(
            places_per_day=3,
            place_minutes=55,
            working_days=(1, 2, 4, 5),
            places={
                0: Place(number=0, start=time(8, 0), end=time(8, 55)),
                1: Place(number=1, start=time(9, 0), end=time(9, 55)),
                2: Place(number=2, start=time(10, 5), end=time(11, 0)),
            },
        ),
        subjects={
            Ident("10"): Subject(ident=Ident("10"), code="AGL1", label="ANGLAIS LV1"),
            Ident("11"): Subject(ident=Ident("11"), code="MATHS", label="MATHS & SCIENCES <é> &"),
        },
        teachers={
            Ident("20"): Teacher(
                ident=Ident("20"),
                last_name="MARTIN",
                first_name="Claire",
                birth_date=date(1980, 2, 3),
                sts_id="123",
                pronote_id=PronoteId("PN20"),
                cas_id=CasId("cas20"),
            ),
            Ident("21"): Teacher(ident=Ident("21"), last_name="DURAND", first_name="Paul"),
        },
        classes={
            Ident("30"): SchoolClass(ident=Ident("30"), name="3A", part_idents=(Ident("31"), Ident("32"))),
            Ident("33"): SchoolClass(ident=Ident("33"), name="3B"),
        },
        class_parts={
            Ident("31"): ClassPart(ident=Ident("31"), class_ident=Ident("30")),
            Ident("32"): ClassPart(ident=Ident("32"), class_ident=Ident("30"), name="3A ULIS"),
        },
        groups={
            Ident("40"): Group(
                ident=Ident("40"),
                name="3AB LV1",
                class_idents=(Ident("30"), Ident("33")),
                class_part_idents=(Ident("32"),),
                student_idents=(Ident("50"),),
            )
        },
        rooms={Ident("60"): Room(ident=Ident("60"), name="S101")},
        students={
            Ident("50"): Student(
                ident=Ident("50"),
                last_name="BERNARD",
                first_name="Lea",
                birth_date=date(2011, 5, 6),
                sex=Sex.FEMALE,
                national_id="INE50",
                pronote_id=PronoteId("PN50"),
                cas_id=CasId("cas50"),
                classes=(year_membership,),
                class_parts=(Membership(ident=Ident("32"), entry=date(2025, 9, 1), exit=date(2026, 1, 31)),),
            ),
            Ident("51"): Student(
                ident=Ident("51"),
                last_name="PETIT",
                first_name="Hugo",
                birth_date=date(2011, 7, 8),
                sex=Sex.MALE,
                classes=(Membership(ident=Ident("33"), entry=date(2025, 9, 1), exit=date(2026, 7, 4)),),
            ),
        },
        lessons=(
            Lesson(
                index=0,
                day=1,
                start_place=0,
                place_count=2,
                subject=Ident("10"),
                teachers=(_link("20", ALL_WEEKS),),
                groups=(_link("40", ALL_WEEKS),),
                rooms=(_link("60", ODD_WEEKS),),
            ),
            Lesson(
                index=1,
                day=2,
                start_place=2,
                place_count=1,
                subject=Ident("11"),
                cancelled_weeks=WEEK_3,
                teachers=(_link("21", ALL_WEEKS),),
                classes=(_link("30", ALL_WEEKS),),
                class_parts=(_link("31", EVEN_WEEKS),),
                students=(_link("51", ODD_WEEKS),),
            ),
        ),
    )


def with_lesson(timetable: Timetable, index: int, **changes: object) -> Timetable:
    """``timetable`` with lesson ``index`` changed."""
    lessons = list(timetable.lessons)
    lessons[index] = structs.replace(lessons[index], **changes)
    return structs.replace(timetable, lessons=tuple(lessons))
