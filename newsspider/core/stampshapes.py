"""Common date stamps read exactly, without dateparser: ISO 8601 and English month names.

dateparser reads anything, at about half a millisecond a stamp; most stamps on a site come
in one or two shapes ("December 3, 2005", "18 December 2012 11:32 GMT", "2011-11-20
21:03:52"). :class:`StampShapes` reads those shapes with one regular expression and gives
the same datetime dateparser would; it is the cheap path, dateparser the reference.

Each shape (which pattern and which optional parts matched, and the languages asked for)
is checked against dateparser on its first ``checks`` stamps; a shape that ever disagrees
is left to dateparser from then on.

    >>> calls = []
    >>> def reference(text):  # dateparser in real use
    ...     calls.append(text)
    ...     return datetime(2007, 5, 22 + len(calls) - 1, 15, 5)
    >>> shapes = StampShapes(checks=1)
    >>> shapes.read("Tuesday, May 22, 2007 at 3:05 pm", ("en",), reference)
    datetime.datetime(2007, 5, 22, 15, 5)
    >>> shapes.read("Wednesday, May 23, 2007 at 3:05 pm", ("en",), reference), len(calls)
    (datetime.datetime(2007, 5, 23, 15, 5), 1)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from dateparser.timezone_parser import StaticTzInfo

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?P<weekday>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+)?"
_CLOCK = (
    r"(?:,?\s+(?P<at>at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<ampm>[ap])\.?m\.?)?)?"
)
_ZONE = r"(?:\s+(?P<zone>GMT|UTC))?"
_SHAPES = {
    "iso": re.compile(
        r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
        r"(?:(?P<t>[T ])(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?" + _ZONE
    ),
    "month_first": re.compile(
        _WEEKDAY + _MONTH + r"\s+(?P<day>\d{1,2})(?P<th>st|nd|rd|th)?,?\s+(?P<year>\d{4})"
        + _CLOCK + _ZONE,
        re.I,
    ),
    "day_first": re.compile(
        _WEEKDAY + r"(?P<day>\d{1,2})(?P<th>st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})"
        + _CLOCK + _ZONE,
        re.I,
    ),
}  # fmt: skip
_FULL_NAMES = frozenset(name for name in (*_MONTHS, *_WEEKDAYS) if len(name) > 4 or name == "may")
_ANY_LANGUAGE = frozenset({"iso"})  # shapes without words: the same in every language

Shape = tuple[str, ...]


class StampShapes:
    """Reads stamps of a few fixed shapes itself, once dateparser agreed on each shape.

    :meth:`read` is given dateparser's reading (``reference``) and returns what it would:
    it calls ``reference`` for a stamp of no shape here, of a shape refused, or of a shape
    not yet checked `checks` times; a shape ``reference`` once disagreed with is refused.
    """

    def __init__(self, checks: int = 3) -> None:
        self.checks = checks
        self._agreed: dict[Shape, int] = {}
        self._refused: set[Shape] = set()

    def read(
        self, text: str, languages: tuple[str, ...], reference: Callable[[str], datetime | None]
    ) -> datetime | None:
        """The moment `text` names, as ``reference(text)`` gives it."""
        found = self._match(text, languages)
        if found is None:
            return reference(text)
        moment, shape = found
        if shape in self._refused:
            return reference(text)
        agreed = self._agreed.get(shape, 0)
        if agreed >= self.checks:
            return moment
        expected = reference(text)
        if expected is None or moment is None or not _same(moment, expected):
            self._refused.add(shape)
        else:
            self._agreed[shape] = agreed + 1
        return expected

    def _match(self, text: str, languages: tuple[str, ...]) -> tuple[datetime | None, Shape] | None:
        for name, pattern in _SHAPES.items():
            if name not in _ANY_LANGUAGE and languages != ("en",):
                continue
            match = pattern.fullmatch(text)
            if match is None:
                continue
            parts = match.groupdict()
            named = [k for k, v in parts.items() if v]
            forms = [_form(parts.get(k)) for k in ("month", "weekday")]
            return _moment(parts), (name, *languages, *named, *forms, _spacing(text))
        return None


def _form(word: str | None) -> str:
    """How a month or weekday is written: number, abbreviation, full name, capitals."""
    if not word:
        return ""
    if word.isdigit():
        return "digits"
    size = "full" if word.lower() in _FULL_NAMES else word.lower()
    return f"{size}:{'upper' if word.isupper() else 'title' if word.istitle() else 'lower'}"


def _moment(parts: dict[str, str | None]) -> datetime | None:
    month_text = parts["month"] or ""
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
    hour = int(parts.get("hour") or 0)
    if parts.get("ampm"):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if (parts["ampm"] or "").lower() == "p" else 0)
    try:
        moment = datetime(
            int(parts["year"] or 0),
            month,
            int(parts["day"] or 0),
            hour,
            int(parts.get("minute") or 0),
            int(parts.get("second") or 0),
        )
    except ValueError:
        return None
    zone = parts.get("zone")
    return moment.replace(tzinfo=StaticTzInfo(zone.upper(), timedelta(0))) if zone else moment


def _spacing(text: str) -> str:
    """The text's punctuation and spacing, digits and letters left out: part of a shape."""
    return re.sub(r"[\w]+", "", text)


def _same(a: datetime, b: datetime) -> bool:
    return (
        a.replace(tzinfo=None) == b.replace(tzinfo=None)
        and a.utcoffset() == b.utcoffset()
        and a.tzname() == b.tzname()
    )
