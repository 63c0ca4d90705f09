"""Common date stamps read exactly, without dateparser: ISO 8601, numeric dates, month names.

dateparser reads anything, at about half a millisecond a stamp; most stamps on a site come
in one or two shapes ("December 3, 2005", "18 December 2012 11:32 GMT", "2011-11-20
21:03:52", "01/10/2012 6:32 PM", "4 января 2012 г., 14:07", "2011年12月09日 14:31").
:class:`StampShapes` reads those shapes with one regular expression and gives the same
datetime dateparser would; it is the cheap path, dateparser the reference.

Each shape (which pattern and which optional parts matched, the languages asked for, the
zone named) is checked against dateparser on its first ``checks`` stamps (one by default:
on the corpus's 1763 pages no shape that agreed on its first stamp disagreed on its second
or third, and each shape the patterns know is compared with dateparser by the tests); a
shape that ever disagrees is left to dateparser from then on. A stamp this module cannot
read for sure (a numeric date invalid in the order dateparser reads it, a two-digit year of
late, a zone dateparser does not know) goes to dateparser without a guess.

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
from datetime import date, datetime
from typing import Any, NamedTuple

from dateparser.data.languages_info import language_order
from dateparser.languages.loader import default_loader
from dateparser.timezone_parser import (
    StaticTzInfo,
    is_timezone_token,
    pop_tz_offset_from_string,
)

Shape = tuple[str, ...]
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
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")  # fmt: skip
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LANGUAGE_POSITIONS = {language: i for i, language in enumerate(language_order)}
_CLOCK = (
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<ampm>[ap])\.?m\.?)?"
)
# A zone dateparser names: capitals ("EST", "IST"), or GMT and UTC however written.
_ZONE = r"(?P<zone>(?-i:[A-Z]{2,5})|GMT|UTC)"
# Not "-": dateparser reads "2002.10.05-04:00" with a UTC offset.
_CLOCK_AFTER = r"(?:,?\s+(?:(?P<at>at|@|/)\s+)?" + _CLOCK + r")?(?:\s+" + _ZONE + r")?"
_CLOCK_BEFORE = _CLOCK + r"(?:\s+" + _ZONE + r")?(?P<on>,?\s+(?:on\s+)?)"
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:(?P<t>[T ])(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"(?:\s+(?P<zone>GMT|UTC))?"
)
# "2012.01.12", "1/30/09", "29-12-2011": which number is the day is the language's order.
_NUMERIC = r"(?P<n1>\d{4}|\d{1,2})(?P<sep>[/.-])(?P<n2>\d{1,2})(?P=sep)(?P<n3>\d{4}|\d{2})"
_CJK = r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日"
# Where a two-digit year's century stops being sure: dateparser takes a date it reads in
# the future as a hundred years older ("12/31/26" is 1926 before that day).
_SURE_YEARS_BACK = 2


class StampShapes:
    """Reads stamps of a few fixed shapes itself, once dateparser agreed on each shape.

    :meth:`read` is given dateparser's reading (``reference``) and returns what it would:
    it calls ``reference`` for a stamp of no shape here, of a shape refused, or of a shape
    not yet checked `checks` times; a shape ``reference`` once disagreed with is refused.
    Month and weekday names, the words after a year ("г.") and the order of a numeric
    date's day and month are those of dateparser's locale data for the languages given.
    """

    def __init__(self, checks: int = 1, this_year: int | None = None) -> None:
        self.checks = checks
        self.this_year = this_year or date.today().year
        self._agreed: dict[Shape, int] = {}
        self._refused: set[Shape] = set()
        self._patterns: dict[tuple[str, ...], _Patterns] = {}
        self._zones: dict[str, StaticTzInfo | None] = {}

    def read(
        self, text: str, languages: tuple[str, ...], reference: Callable[[str], datetime | None]
    ) -> datetime | None:
        """The moment `text` names, as ``reference(text)`` gives it."""
        found = self._match(text, languages)
        if found is None or found[1] in self._refused:
            return reference(text)
        moment, shape = found
        agreed = self._agreed.get(shape, 0)
        if moment is not None and agreed >= self.checks:
            return moment
        expected = reference(text)
        if moment is None:
            return expected  # not readable here for sure: no guess, no verdict
        if expected is None or not _same(moment, expected):
            self._refused.add(shape)
        else:
            self._agreed[shape] = agreed + 1
        return expected

    def _match(self, text: str, languages: tuple[str, ...]) -> tuple[datetime | None, Shape] | None:
        patterns = self._patterns.get(languages)
        if patterns is None:
            patterns = self._patterns[languages] = _Patterns(stamp_names(languages))
        for name, pattern in patterns.shapes:
            match = pattern.fullmatch(text)
            if match is None:
                continue
            parts = match.groupdict()
            zone_name = (parts.get("zone") or "").upper()
            zone = self._zone(zone_name) if zone_name else None
            if zone_name and (zone is None or zone_name.lower() in patterns.names.locale_words):
                return None  # a zone dateparser does not know, or a word ("ET" is French)
            named = [k for k, v in parts.items() if v]
            forms = [
                _form(parts.get("month"), patterns.names),
                _form(parts.get("weekday"), patterns.names),
                (parts.get("yearword") or "").lower(),
                _layout(parts),
                " ".join((parts.get(k) or "").strip().lower() for k in ("at", "on")),
                _order(parts, patterns.names) if parts.get("n1") else "",
            ]
            moment = self._moment(parts, patterns.names)
            if moment is not None and zone is not None:
                moment = moment.replace(tzinfo=zone)
            return moment, (name, *languages, *named, *forms, zone_name, _spacing(text))
        return None

    def _zone(self, name: str) -> StaticTzInfo | None:
        """The zone dateparser reads for the abbreviation `name`, its name and offset."""
        if name not in self._zones:
            self._zones[name] = pop_tz_offset_from_string("2012 " + name)[1]
        return self._zones[name]

    def _moment(self, parts: dict[str, str | None], names: StampNames) -> datetime | None:
        ymd = (
            _numeric_date(parts, _order(parts, names))
            if parts.get("n1")
            else _named_date(parts, names)
        )
        if ymd is None:
            return None
        year = ymd[0]
        if len(parts.get("n3") or "") == 2 and len(parts.get("n1") or "") != 4:
            # dateparser's century: %y's, then a hundred years back if in the future
            year += 2000 if year < 69 else 1900
            if year > self.this_year - _SURE_YEARS_BACK:
                return None
        elif year < 1000:
            return None  # "0099": not a year a stamp gives
        hour = int(parts.get("hour") or 0)
        if parts.get("ampm"):
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if (parts["ampm"] or "").lower() == "p" else 0)
        try:
            return datetime(
                year,
                ymd[1],
                ymd[2],
                hour,
                int(parts.get("minute") or 0),
                int(parts.get("second") or 0),
            )
        except ValueError:
            return None


class _Patterns:
    """The shapes' regular expressions for one tuple of languages, first match wins."""

    def __init__(self, names: StampNames) -> None:
        self.names = names
        weekday = r"(?:(?P<weekday>" + _alternatives(names.weekday_orders) + r")\.?,?\s+)?"
        month = r"(?P<month>" + _alternatives(names.months) + r")\.?"
        year_word = (
            r"(?:\s+(?P<yearword>" + _alternatives(names.year_words) + r")\.?)?"
            if names.year_words
            else ""
        )
        day = r"(?P<day>\d{1,2})(?P<th>st|nd|rd|th)?"
        year = r"(?P<year>\d{4})" + year_word
        cores = {
            "numeric": weekday + _NUMERIC,
            "month_first": weekday + month + r"\s+" + day + r",?\s+" + year,
            "day_first": weekday + day + r"\s+" + month + r",?\s+" + year,
            "cjk": _CJK,
        }
        self.shapes = [("iso", _ISO)]
        self.shapes += [
            (name, re.compile(core + _CLOCK_AFTER, re.I)) for name, core in cores.items()
        ]
        self.shapes += [
            ("clock_" + name, re.compile(_CLOCK_BEFORE + core, re.I))
            for name, core in cores.items()
            if name != "cjk"
        ]


class StampNames(NamedTuple):
    """The words of stamps in some languages, lower-cased, and their numeric date order."""

    months: dict[str, int]
    weekday_orders: dict[str, str]  # a weekday name: the order of the language that knows it
    year_words: frozenset[str]
    full_names: frozenset[str]
    date_order: str
    locale_words: frozenset[str]  # every word of the languages' dateparser data
    known_in: dict[str, str]  # a word: the languages that know it (dateparser reads a
    # stamp in one language: "zaterdag 9 may" is not read, "zaterdag 9 mei" is)


def stamp_names(languages: tuple[str, ...]) -> StampNames:
    """Month and weekday names from dateparser's locales, and this module's English ones;
    a word naming two months, or a month and a weekday, is left out.

    dateparser tries the languages in its own order (English first), the first that knows
    every word reads the stamp: a numeric date is read in the order of the language of
    its weekday ("Pią, 03.08.2004" is Polish), else the first language's; a name an
    earlier language reads otherwise ("st", an English suffix) is left out.

    >>> names = stamp_names(("ru", "en"))
    >>> names.months["января"], names.months["jan"], "г" in names.year_words
    (1, 1, True)
    >>> names.date_order, names.weekday_orders["пятница"], names.weekday_orders["friday"]
    ('MDY', 'DMY', 'MDY')
    """
    months: dict[str, set[int]] = {}
    weekday_orders: dict[str, str] = {}
    year_words: set[str] = set()
    earlier: set[str] = set()  # the words of the languages dateparser tries before
    taken: set[str] = set()  # words an earlier language reads otherwise ("st" in English)
    known_in: dict[str, str] = {}  # a word: the languages whose data hold it, "+en+nl"
    for code in sorted(
        set(languages) & _LANGUAGE_POSITIONS.keys(), key=_LANGUAGE_POSITIONS.__getitem__
    ):
        info = default_loader.get_locale(code).info
        words = _locale_words(info, english=code == "en")
        for number, key in enumerate(_MONTH_KEYS, start=1):
            for name in _own(words, (key,)):
                if name in earlier and name not in months:
                    taken.add(name)
                months.setdefault(name, set()).add(number)
        for name in _own(words, _WEEKDAY_KEYS):
            if name in earlier and name not in weekday_orders:
                taken.add(name)
            weekday_orders.setdefault(name, str(info.get("date_order", "MDY")))
        if code != "en":  # "2012 г."; no English word after a year
            year_words.update(_own(words, ("year",)))
        earlier.update(*words.values())
        for word in set().union(*words.values()):
            known_in[word] = known_in.get(word, "") + "+" + code
    months = {name: numbers for name, numbers in months.items() if name not in taken}
    weekday_orders = {name: o for name, o in weekday_orders.items() if name not in taken}
    single = {name: numbers.pop() for name, numbers in months.items() if len(numbers) == 1}
    month_names = {name: n for name, n in single.items() if name not in weekday_orders}
    return StampNames(
        month_names,
        {name: order for name, order in weekday_orders.items() if name not in months},
        frozenset(year_words - months.keys() - weekday_orders.keys()),
        frozenset(n for n in (*month_names, *weekday_orders) if len(n) > 4 or n == "may"),
        _first_order(languages),
        frozenset(earlier),
        known_in,
    )


def _locale_words(info: dict[str, Any], english: bool) -> dict[str, set[str]]:
    """Each word list of a dateparser locale, lower-cased, a final dot dropped ("янв."
    and "янв" alike); this module's English names added to English's months and weekdays."""
    words = {
        key: {str(w).lower().removesuffix(".") for w in value if isinstance(w, str)}
        for key, value in info.items()
        if isinstance(value, list)
    }
    if english:
        for name, number in _MONTHS.items():
            words.setdefault(_MONTH_KEYS[number - 1], set()).add(name)
        words.setdefault("monday", set()).update(_WEEKDAYS)
    return words


def _own(words: dict[str, set[str]], keys: tuple[str, ...]) -> set[str]:
    """The words of `keys` and of no other list ("mo" is a weekday and a month unit in
    English), alphabetic, and not what dateparser may take for a zone ("Mit", "wt")."""
    found = set().union(*(words.get(key, set()) for key in keys))
    found -= set().union(*(w for key, w in words.items() if key not in keys))
    return {name for name in found if name.isalpha() and not is_timezone_token(name)}


def _first_order(languages: tuple[str, ...]) -> str:
    """The numeric date order of the language dateparser tries first among `languages`."""
    known = [code for code in languages if code in _LANGUAGE_POSITIONS]
    if not known:
        return ""
    first = min(known, key=_LANGUAGE_POSITIONS.__getitem__)
    return str(default_loader.get_locale(first).info.get("date_order", "MDY"))


def _alternatives(words: frozenset[str] | dict[str, int] | dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _order(parts: dict[str, str | None], names: StampNames) -> str:
    """The order a numeric date is read in: its weekday's language's, else the first's."""
    weekday = (parts.get("weekday") or "").lower()
    return names.weekday_orders.get(weekday, "") if weekday else names.date_order


def _numeric_date(parts: dict[str, str | None], order: str) -> tuple[int, int, int] | None:
    """(year, month, day) of "1/30/2009" in `order` as dateparser reads it: a leading
    four-digit year starts year, month, day; else the order's day and month come first."""
    first, second, third = (parts[k] or "" for k in ("n1", "n2", "n3"))
    if len(first) == 4:
        readable = len(third) <= 2 and order not in ("", "YDM")
        return (int(first), int(second), int(third)) if readable else None
    if order == "MDY":
        return int(third), int(first), int(second)
    if order == "DMY":
        return int(third), int(second), int(first)
    return None


def _named_date(parts: dict[str, str | None], names: StampNames) -> tuple[int, int, int] | None:
    month_text = parts["month"] or ""
    month = int(month_text) if month_text.isdigit() else names.months.get(month_text.lower())
    if month is None:
        return None
    return int(parts["year"] or 0), month, int(parts["day"] or 0)


def _form(word: str | None, names: StampNames) -> str:
    """How a month or weekday is written: number, abbreviation, full name, capitals, and
    which languages know it."""
    if not word:
        return ""
    if word.isdigit():
        return "digits"
    size = "full" if word.lower() in names.full_names else word.lower()
    case = "upper" if word.isupper() else "title" if word.istitle() else "lower"
    return f"{size}:{case}:{names.known_in.get(word.lower(), '')}"


def _layout(parts: dict[str, str | None]) -> str:
    """Where a numeric date's year is and how long it is: "year first", "year 4", "year 2"."""
    if not parts.get("n1"):
        return ""
    return "year first" if len(parts["n1"] or "") == 4 else f"year {len(parts['n3'] or '')}"


def _spacing(text: str) -> str:
    """The text's punctuation and spacing, digits and letters left out: part of a shape."""
    return re.sub(r"[\w]+", "", text)


def _same(a: datetime, b: datetime) -> bool:
    return (
        a.replace(tzinfo=None) == b.replace(tzinfo=None)
        and a.utcoffset() == b.utcoffset()
        and a.tzname() == b.tzname()
    )
