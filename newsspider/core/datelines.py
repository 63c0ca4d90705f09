"""Datelines: the place a story was filed from, and the line or prefix that states it.

Three shapes: a line of its own ("Beirut - Al Maghrib Today", "بيروت - العرب اليوم"), a
prefix of the first paragraph ("BEIRUT (AFP) - Syrian troops...", "TUNIS: The..."), and an
upper-case place inside a byline or date line ("By Ann Lee BEIRUT December 23, 2018").

    >>> dateline_of("Beirut - Al Maghrib Today")
    Dateline(place='Beirut', kind='line', remainder='', agency=None)
    >>> dateline_of("KUWAIT CITY (AFP) - Ministers met on Sunday to discuss the budget.")
    Dateline(place='Kuwait City', kind='prefix', remainder='Ministers met on Sunday to discuss the budget.', agency='AFP')
    >>> dateline_of("Officials said - after a long night - that the talks failed.") is None
    True
    >>> uppercase_place("By Youssef Haddad TUNIS December 23, 2018 at 8:54 pm", frozenset({"december"}))
    'Tunis'
"""  # noqa: E501

from __future__ import annotations

import re
from dataclasses import dataclass

from newsspider.core.agencies import agencies_in, agency_of

_SPLIT = re.compile(r"^(?P<head>.{2,80}?)\s*(?P<sep>[-–—]{1,2}|:)\s+(?P<rest>\S.*)$")
_AGENCY_PAREN = re.compile(r"\((?P<agency>[^()]{1,40})\)\s*$")
_PLACE = re.compile(r"^[^\W\d_][^\W\d_'’. -]*(?:[ '’.-]+[^\W\d_][^\W\d_'’. -]*)*$")
_LATIN = re.compile(r"[A-Za-z]")
_UPPER_RUN = re.compile(r"(?<![\w'’-])([A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){0,2})(?![\w'’-])")
# How every run _UPPER_RUN matches starts: two capitals (or a capital and a dot...).
_RUN_START = re.compile(r"[A-Z][A-Z'’.-]")
_LABEL_BEFORE = re.compile(r"\s*(?:by|written by|posted by)\s*", re.I)
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_SENTENCE_END = (".", "!", "?", "؟", "…")
# Upper-case words before a colon or dash, or in a byline, that are not places.
_NOT_PLACES = frozenset(
    "GMT UTC EST EDT CST CDT PST PDT CET CEST BST IST MSK AM PM BY AND THE UPDATED UPDATE "
    "PUBLISHED POSTED NEWS VIDEO PHOTO PHOTOS LIVE BREAKING EXCLUSIVE OPINION ANALYSIS "
    "EDITORIAL FILE TODAY NOTE EDITOR EDITORS WATCH READ LISTEN CLOSE MORE SHARE EMAIL PRINT "
    "COMMENTS ADVERTISEMENT SPONSORED CORRECTION WARNING SPOILER NEW TOP HOT REVIEW INTERVIEW "
    "JAN FEB MAR APR MAY JUN JUL AUG SEP SEPT OCT NOV DEC JANUARY FEBRUARY MARCH APRIL JUNE "
    "JULY AUGUST SEPTEMBER OCTOBER NOVEMBER DECEMBER MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY "
    "SATURDAY SUNDAY REPORTER CORRESPONDENT WRITER STAFF COLUMNIST".split()
)
_PARTICLES = frozenset("al el de la le of on upon du des di da van von".split())
_MAX_PLACE_WORDS = 4
_MAX_LINE_REST_WORDS = 5
_MAX_DETAIL_WORDS = 3


@dataclass(frozen=True)
class Dateline:
    """A dateline found in a line: the place, its shape and what the line says besides.

    kind "line": the line is a dateline and nothing else (remainder ""); "prefix": the
    line goes on with the story (remainder is the line without its dateline).
    """

    place: str
    kind: str
    remainder: str
    agency: str | None


def dateline_of(line: str) -> Dateline | None:
    """The dateline `line` starts with, if it has one."""
    match = _SPLIT.match(line.strip())
    if match is None:
        return None
    head, rest = match["head"].strip(), match["rest"].strip()
    agency = None
    paren = _AGENCY_PAREN.search(head)
    if paren:
        found = agencies_in(paren["agency"])
        if not found:
            return None
        agency, head = found[0], head[: paren.start()].strip()
    place, _, detail = head.partition(",")
    place = place.strip()
    if len(detail.split()) > _MAX_DETAIL_WORDS:
        return None  # "KENNEWICK, Wash." or "SAO PAULO, Nov 7"; not a clause before a dash
    style = _place_style(place)
    # "BEIRUT: ..." is a dateline; "Analysis: ...", "ΚΚΕ: ..." (a party) are labels.
    if style is None or (match["sep"] == ":" and (style != "upper" or not _LATIN.search(place))):
        return None
    rest_agency = agency_of(rest)
    is_line = rest_agency is not None or _is_brand(rest)
    if not is_line and not _prefix_allowed(style, place, agency):
        return None
    name = place_name(place) if style == "upper" else place
    if is_line:
        return Dateline(name, "line", "", agency or rest_agency)
    return Dateline(name, "prefix", rest, agency)


def _place_style(place: str) -> str | None:
    """ "upper" (BEIRUT), "title" (Beirut, Kuwait City), "script" (بيروت), else None."""
    words = place.split()
    if not 1 <= len(words) <= _MAX_PLACE_WORDS or not _PLACE.match(place):
        return None
    if agency_of(place) is not None or any(
        w.upper().removesuffix("'S").removesuffix("’S") in _NOT_PLACES for w in words
    ):
        return None
    if place.isupper() and len(place) > 2:
        return "upper"
    if not any(c.islower() for c in place):
        return "script"  # Arabic, Hebrew, CJK...: no case to tell a place from a clause
    if all(w[0].isupper() or w.lower() in _PARTICLES for w in words) and words[0][0].isupper():
        return "title" if len(words) <= 3 else None
    return None


def _is_brand(text: str) -> bool:
    """A short name after the dash, as in "Beirut - Al Maghrib Today": not a sentence."""
    words = text.split()
    if not 1 <= len(words) <= _MAX_LINE_REST_WORDS or text.endswith(_SENTENCE_END):
        return False
    return all(not w.isascii() or w[0].isupper() or w.lower() in _PARTICLES for w in words)


def _prefix_allowed(style: str, place: str, agency: str | None) -> bool:
    """A prefix dateline in prose: upper case, a short non-Latin place, or an agency credit.

    "Beirut - Syrian troops..." is accepted only with its agency: a title-case phrase
    before a dash is as often a name or a clause.
    """
    if style == "upper":
        return True
    if style == "script":
        return len(place.split()) <= 2
    return agency is not None


def uppercase_place(text: str, calendar: frozenset[str] = frozenset()) -> str | None:
    """An upper-case place in a byline or date line, right before its date, in title case.

    `calendar` holds month and weekday names (case-folded): in "BEIRUT December 23" a date
    follows the place; in "tells KBKW that", "BUILD 2012" or "By JOHN SMITH" none does.
    """
    for match in _UPPER_RUN.finditer(text):
        run = match[1].strip(".-'’")
        words = run.split()
        # Three capitals alone are an acronym (CNN, BBC) more often than a place.
        if any(w in _NOT_PLACES for w in words) or (len(words) == 1 and len(run) < 4):
            continue
        if agency_of(run) is not None or any(agency_of(w) for w in words):
            continue
        if _LABEL_BEFORE.fullmatch(text[: match.start()]):
            continue  # "By JOHN SMITH": the byline's name
        if not _date_follows(text[match.end() :], calendar):
            continue
        return place_name(run)
    return None


def has_uppercase_run(text: str) -> bool:
    """Whether `text` has what :func:`uppercase_place` needs, an upper-case run's start: a
    cheap test that spares a caller its costlier ones when there is none.

    >>> has_uppercase_run("By Ann Lee TUNIS 23 May"), has_uppercase_run("بقلم أحمد، 23 مايو")
    (True, False)
    """
    return _RUN_START.search(text) is not None


def _date_follows(text: str, calendar: frozenset[str]) -> bool:
    """Whether `text` opens with a date: "December 23, 2018", "23 December", "12/23/2018"."""
    words = [w.casefold().strip(",.") for w in text.lstrip(" ,.|-–—").split()[:2]]
    if not words:
        return False
    if words[0] in calendar or _NUMERIC_DATE.match(words[0]):
        return True
    return words[0].isdigit() and len(words[0]) <= 2 and len(words) > 1 and words[1] in calendar


def place_name(place: str) -> str:
    """An upper-case place as written in running text.

    >>> place_name("RIO DE JANEIRO"), place_name("ВАШИНГТОН")
    ('Rio de Janeiro', 'Вашингтон')
    """
    words = place.title().split()
    return " ".join([words[0]] + [w.lower() if w.lower() in _PARTICLES else w for w in words[1:]])
