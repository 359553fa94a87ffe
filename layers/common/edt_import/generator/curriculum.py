"""What each level is taught each week: national subject codes and the shape of each teaching."""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct

# (Code, Libelle) as the national nomenclature spells them in exports.
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("FRANC", "FRANCAIS"),
    ("MATHS", "MATHEMATIQUES"),
    ("AGL1", "ANGLAIS LV1"),
    ("ESP2", "ESPAGNOL LV2"),
    ("ALL2", "ALLEMAND LV2"),
    ("HIGEO", "HISTOIRE-GEOGRAPHIE"),
    ("SVT", "SCIENCES VIE & TERRE"),
    ("PH-CH", "PHYSIQUE-CHIMIE"),
    ("TECHN", "TECHNOLOGIE"),
    ("EPS", "ED.PHYSIQUE & SPORT."),
    ("A-PLA", "ARTS PLASTIQUES"),
    ("EDMUS", "EDUCATION MUSICALE"),
    ("LATIN", "LATIN"),
    ("SES", "SCIENCES ECONO.& SOCIALES"),
    ("SNT", "SC. NUMERIQUES & TECHNOL."),
    ("NSI", "NUMERIQUE SC.INFORM."),
    ("ENSSC", "ENSEIGN.SCIENTIFIQUE"),
    ("PHILO", "PHILOSOPHIE"),
    ("HGGSP", "HIST.GEO.GEOPOL.S.P."),
    ("HLP", "HUMANITES LITTER. PHILO."),
    ("LLCA", "LLC ANGLAIS MONDE CONTEMP."),
    ("FLE", "FRANCAIS LANGUE ETRANGERE"),
    ("EMC", "ENS. MORAL & CIVIQUE"),
    ("AP", "ACCOMPAGNEMT. PERSO."),
    ("VSCOL", "VIE DE CLASSE"),
)


class Mode(StrEnum):
    CLASS = "class"  # the whole class
    HALVES = "halves"  # each half of the class (a group of one class part) at its own time
    ALTERNATE = "alternate"  # both halves in one slot, semaine A / semaine B
    LV2 = "lv2"  # language groups drawn from class parts of two or three classes
    OPTION = "option"  # an elective group whose pupils are listed in it (Latin)
    PAIR = "pair"  # one group made of two whole classes, two teachers


class Teaching(Struct, frozen=True, kw_only=True):
    code: str
    sessions: tuple[int, ...]  # places per weekly session
    mode: Mode = Mode.CLASS
    fortnightly: bool = False  # semaine A only


def _t(code: str, *sessions: int, mode: Mode = Mode.CLASS, fortnightly: bool = False) -> Teaching:
    return Teaching(code=code, sessions=sessions, mode=mode, fortnightly=fortnightly)


_VIE_DE_CLASSE = _t("VSCOL", 1, fortnightly=True)
# Cycle 4 (5e, 4e, 3e): technology in half classes, sport and the two arts.
_CYCLE_4_TECHNOLOGY_SPORT_ARTS = (_t("TECHN", 1, mode=Mode.HALVES), _t("EPS", 2, 1), _t("A-PLA", 1), _t("EDMUS", 1))
# 4e and 3e: French, maths, both languages and history-geography, the same hours.
_UPPER_CYCLE_4_CORE = (
    _t("FRANC", 1, 1, 1, 1),
    _t("MATHS", 1, 1, 1, 1),
    _t("AGL1", 1, 1, 1),
    _t("ESP2", 1, 1, 1, mode=Mode.LV2),
    _t("HIGEO", 1, 1, 1),
)
# Première and terminale: the common trunk after the first subjects.
_CYCLE_TERMINAL_TRUNK = (
    _t("ESP2", 1, 1, mode=Mode.LV2),
    _t("ENSSC", 1, 1),
    _t("EPS", 2, mode=Mode.PAIR),
    _t("EMC", 1),
    _VIE_DE_CLASSE,
)


COLLEGE_LEVELS: dict[str, tuple[Teaching, ...]] = {
    "6": (
        _t("FRANC", 1, 1, 1, 1, 1),
        _t("MATHS", 1, 1, 1, 1),
        _t("AGL1", 1, 1, 1, 1),
        _t("HIGEO", 1, 1, 1),
        _t("SVT", 1),
        _t("PH-CH", 1),
        _t("TECHN", 1, mode=Mode.HALVES),
        _t("EPS", 2, 2),
        _t("A-PLA", 1),
        _t("EDMUS", 1),
        _t("AP", 1),
        _VIE_DE_CLASSE,
    ),
    "5": (
        _t("FRANC", 1, 1, 1, 1, 1),
        _t("MATHS", 1, 1, 1, 1),
        _t("AGL1", 1, 1, 1),
        _t("ESP2", 1, 1, mode=Mode.LV2),
        _t("HIGEO", 1, 1, 1),
        _t("SVT", 1),
        _t("SVT", 1, mode=Mode.ALTERNATE),
        _t("PH-CH", 1),
        *_CYCLE_4_TECHNOLOGY_SPORT_ARTS,
        _t("LATIN", 1, mode=Mode.OPTION),
        _VIE_DE_CLASSE,
    ),
    "4": (
        *_UPPER_CYCLE_4_CORE,
        _t("SVT", 1),
        _t("PH-CH", 1),
        _t("PH-CH", 1, mode=Mode.ALTERNATE),
        *_CYCLE_4_TECHNOLOGY_SPORT_ARTS,
        _t("LATIN", 2, mode=Mode.OPTION),
        _VIE_DE_CLASSE,
    ),
    "3": (
        *_UPPER_CYCLE_4_CORE,
        _t("SVT", 1),
        _t("SVT", 1, mode=Mode.ALTERNATE),
        _t("PH-CH", 1),
        _t("PH-CH", 1, mode=Mode.ALTERNATE),
        *_CYCLE_4_TECHNOLOGY_SPORT_ARTS,
        _t("LATIN", 2, mode=Mode.OPTION),
        _VIE_DE_CLASSE,
    ),
}

LYCEE_LEVELS: dict[str, tuple[Teaching, ...]] = {
    "2": (
        _t("FRANC", 1, 1, 1, 1),
        _t("MATHS", 1, 1, 1, 1),
        _t("AGL1", 1, 1, 1),
        _t("ESP2", 1, 1, mode=Mode.LV2),
        _t("HIGEO", 1, 1, 1),
        _t("SES", 1, 1),
        _t("PH-CH", 1, 1),
        _t("PH-CH", 1, mode=Mode.HALVES),
        _t("SVT", 1),
        _t("SVT", 1, mode=Mode.ALTERNATE),
        _t("SNT", 1, mode=Mode.HALVES),
        _t("EPS", 2),
        _t("EMC", 1),
        _t("AP", 1),
        _VIE_DE_CLASSE,
    ),
    "1": (
        _t("FRANC", 1, 1, 1, 1),
        _t("HIGEO", 1, 1, 1),
        _t("AGL1", 1, 1, 1),
        *_CYCLE_TERMINAL_TRUNK,
    ),
    "T": (
        _t("PHILO", 1, 1, 1, 1),
        _t("HIGEO", 1, 1, 1),
        _t("AGL1", 1, 1),
        *_CYCLE_TERMINAL_TRUNK,
    ),
}

# Spécialités: each barrette is a time block shared by every class of the level; a pupil takes one
# spécialité per barrette. Weights are how often pupils choose it.
SPECIALITY_BARRETTES: dict[str, tuple[tuple[tuple[str, int], ...], ...]] = {
    "1": (
        (("MATHS", 6), ("HLP", 1), ("LLCA", 2)),
        (("PH-CH", 4), ("SES", 3), ("HGGSP", 2)),
        (("SVT", 4), ("NSI", 2), ("A-PLA", 1)),
    ),
    "T": (
        (("MATHS", 5), ("SES", 2), ("HLP", 1), ("SVT", 2)),
        (("PH-CH", 4), ("HGGSP", 2), ("NSI", 1), ("LLCA", 1)),
    ),
}
SPECIALITY_SESSIONS: dict[str, tuple[int, ...]] = {"1": (2, 2), "T": (2, 2, 2)}

# Year of birth of a pupil at the expected age for each level in 2026-2027.
BIRTH_YEAR: dict[str, int] = {"6": 2015, "5": 2014, "4": 2013, "3": 2012, "2": 2011, "1": 2010, "T": 2009}
LEVEL_PREFIX: dict[str, str] = {"6": "6", "5": "5", "4": "4", "3": "3", "2": "2", "1": "1", "T": "T"}
MAX_TEACHER_PLACES = 19
SPECIALITY_GROUP_SIZE = 28

ROOM_KINDS: dict[str, str] = {
    "SVT": "lab",
    "PH-CH": "lab",
    "EPS": "gym",
    "TECHN": "it",
    "SNT": "it",
    "NSI": "it",
    "A-PLA": "art",
    "EDMUS": "music",
}
ROOM_NAMES: dict[str, str] = {
    "general": "SALLE {n:03d}",
    "lab": "LABO {n}",
    "gym": "GYMNASE {n}",
    "it": "SALLE INFO {n}",
    "art": "ARTS PLASTIQUES {n}",
    "music": "MUSIQUE {n}",
}
