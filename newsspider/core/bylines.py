"""Bylines: the author names in "By Ann Lee and Sam Roe", "بقلم: سارة خليل", "Von Max Muster".

A byline line often carries more than names: a dateline ("BEIRUT"), a date (its weekday
sometimes glued to the last name when inline elements touch: "سارة خليلالخميس 13 ديسمبر"),
a role ("Staff Writer") or an agency ("John Smith, Reuters"). Names end where those begin;
weekday and month names come from :mod:`dateparser`'s language data.

    >>> reader = BylineReader()
    >>> reader.read("By Youssef Haddad and Leila Aoun BEIRUT December 23, 2018 at 8:54 pm", "en")
    (['Youssef Haddad', 'Leila Aoun'], [])
    >>> reader.read("بقلم: سارة خليلالخميس 13 ديسمبر 2018 - 17:37", "ar")
    (['سارة خليل'], [])
    >>> reader.read("By John Smith, Reuters", "en")
    (['John Smith'], ['Reuters'])
"""

from __future__ import annotations

import logging
import re

from newsspider.core.agencies import agency_of
from newsspider.core.visibledates import MONTHS, WEEKDAYS, calendar_names

logger = logging.getLogger(__name__)

CALENDAR = MONTHS + WEEKDAYS

_LABEL = re.compile(
    r"^\s*(?:(?:written|posted|reported|story|words|text)\s+by|by|par|von|por|di|door|"
    r"av|autor(?:ka)?|автор|από|بقلم|كتب(?:ت)?|إعداد|作者|記者|记者)\s*[:：]?\s*",
    re.I,
)
_CUT = re.compile(r"\s*(?:[|•·\d]|\s[-–—]\s|\b(?:updated?|published|posted|on|at)\b)", re.I)
_SPLIT = re.compile(r"\s*(?:,|،|&|\band\b|\bund\b|\bet\b|\by\b|\bi\b|\s+و\s+|\s+и\s+)\s*")
# Lower-case words that belong in a byline: name particles and the words joining names.
_PARTICLES = frozenset(
    "al el bin ibn bint abu de da di du dos das del della van von der den ten ter la le st "
    "and und et y i".split()
)
# Words that make a byline part a role or an outlet, not a person's name.
_ROLES = frozenset(
    "staff writer writers reporter reporters correspondent correspondents editor editors "
    "contributor contributors columnist team desk newsroom agencies agency photographer "
    "photo photos bureau producer producers manager director president chief news press "
    "media online magazine blog admin administrator webmaster".split()
)
_DOMAIN_LIKE = re.compile(r"\w{2,}\.\w{2,}")
_MAX_WORDS = 5
_MAX_NAME_CHARS = 60
_ALEFS = str.maketrans("أإآ", "ااا")


def has_byline_label(text: str) -> bool:
    """Whether `text` opens with a byline label ("By", "بقلم:", "Von"...) and a name."""
    match = _LABEL.match(text)
    return match is not None and match.end() < len(text) and text[match.end()].isalpha()


class BylineReader:
    """Splits byline texts into author names and agencies; calendar words per language."""

    def __init__(self) -> None:
        self._calendar: dict[str, frozenset[str]] = {}

    def read(self, text: str, language: str | None) -> tuple[list[str], list[str]]:
        """(names, agencies) of a byline text, its label removed when it has one."""
        text = _LABEL.sub("", text, count=1)
        cut = _CUT.search(text)
        if cut:
            text = text[: cut.start()]
        words = self._until_not_a_name(text.split(), language)
        names: list[str] = []
        agencies: list[str] = []
        for part in _SPLIT.split(" ".join(words)):
            part = part.strip(" .:;-–—()")
            agency = agency_of(part) if part else None
            if agency is not None:
                agencies.append(agency)
            elif part and _is_name(part):
                names.append(_as_written(part))
        return list(dict.fromkeys(names)), list(dict.fromkeys(agencies))

    def _until_not_a_name(self, words: list[str], language: str | None) -> list[str]:
        """The leading words that may belong to names: stop at a dateline or a date word."""
        calendar = self.calendar_words(language)
        shouting = all(w.upper() == w for w in words)
        kept: list[str] = []
        for word in words:
            folded = word.casefold().translate(_ALEFS).strip(",.")
            if folded in calendar:
                break
            glued = next((c for c in calendar if len(c) > 2 and folded.endswith(c)), None)
            if glued is not None and len(folded) > len(glued) + 1:
                kept.append(word[: len(word) - len(glued)])
                break
            if not shouting and len(word) > 2 and word.isupper() and word.isalpha():
                break  # an upper-case dateline after the names: "Ann Lee BEIRUT"
            if word[:1].islower() and folded not in _PARTICLES and word.isascii():
                break
            kept.append(word)
        return kept

    def calendar_words(self, language: str | None) -> frozenset[str]:
        """Month and weekday names of `language` and English, case-folded, alefs folded."""
        language = language or "en"
        words = self._calendar.get(language)
        if words is None:
            words = self._calendar[language] = calendar_names([language, "en"], CALENDAR)
        return words


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= _MAX_WORDS or len(text) > _MAX_NAME_CHARS:
        return False
    if any(ch.isdigit() for ch in text) or "@" in text or "/" in text:
        return False
    if _DOMAIN_LIKE.search(text):
        return False
    if any(w.casefold() in _ROLES for w in words):
        return False
    return any(ch.isalpha() for ch in text) and (len(words) > 1 or not text.isascii())


def _as_written(name: str) -> str:
    """A name in upper case ("JOHN SMITH") in title case; any other name as written."""
    return name.title() if name.isupper() and name.isascii() else name
