"""Dates as readers see them, read with :mod:`dateparser` from the blocks near the headline.

dateparser does the reading (month and weekday names of 200 languages, Arabic included);
this module only picks which blocks to read, puts a stamp into a shape dateparser accepts
(a leading "GMT", Arabic-Indic digits, "2018 - 12:22"), and tells a publication stamp from
an "Updated ..." one by the label before it.

    >>> reader = VisibleDateParser()
    >>> [(s.moment.isoformat(), s.precision) for s in reader.read("GMT 09:22 2018 Monday ,22 January", "en")]
    [('2018-01-22T09:22:00+00:00', 2)]
    >>> [(s.moment.isoformat(), s.update) for s in reader.read("آخر تحديث: الإثنين 22 يناير 2018 - 12:22", "ar")]
    [('2018-01-22T12:22:00', True)]
"""  # noqa: E501

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from dateparser.data.languages_info import language_order
from dateparser.date import DateDataParser
from dateparser.languages.loader import default_loader
from dateparser.search import search_dates
from dateparser.timezones import timezone_info_list

from newsspider.core.blocks import Block, Page
from newsspider.core.stampshapes import StampShapes
from newsspider.core.zone import ArticleZone

logger = logging.getLogger(__name__)

SETTINGS: dict[str, Any] = {
    "PREFER_DATES_FROM": "past",
    # A stamp must name its day, month and year: "09:03:51" alone is a clock, not a date,
    # and dateparser would fill the rest in from today.
    "REQUIRE_PARTS": ["day", "month", "year"],
    # No relative dates ("2 hours ago"): they would be read against the crawl's clock.
    "PARSERS": ["absolute-time", "custom-formats"],
}
_LANGUAGES = frozenset(language_order)
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ALEFS = str.maketrans("أإآ", "ااا")
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{4}\s*年")
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DATE_SHAPE = re.compile(r"(?<!\d)(?:19[89]\d|20\d\d)(?!\d)|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_ZONE_FIRST = re.compile(r"\b(GMT|UTC)\b\s*(?=\d)")
_YEAR_DASH_CLOCK = re.compile(r"(\d{4})\s*[-–|,]\s*(\d{1,2}[:.]\d{2})")
_TRAILING_CLOCK = re.compile(
    r"\s*(?:[-–|,]|at|à|um)?\s*(\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)", re.I
)
_HAS_CLOCK = re.compile(r"\d{1,2}[:.h]\d{2}")
_UPDATE_LABEL = re.compile(
    r"updated?|modified|last edit|mis à jour|aktualisiert|actualizado|aggiornato|"
    r"zaktualizowano|обновлено|更新|تحديث|تعديل",
    re.I,
)
_MAX_BLOCK_CHARS = 200
# What separates the parts of a byline or stamp line: "By Ann Lee | May 3, 2012 • World".
_SEPARATORS = re.compile(r"\s*[|•·│]\s*")
# A date line in the body is short; around a stamp, a byline and labels fit in this much.
_MAX_BODY_STAMP_CHARS = 100
_MAX_STAMP_CONTEXT = 80
_SPACED_WORD = re.compile(r"\S+")
_AFTER_WORD = ",;:|-–·"
# Readings a run that does not read whole may cost before it is left to dateparser's search.
_MAX_SPLIT_READINGS = 6
# Blocks at the end of the body where a "Published ..." line may close the article.
_TAIL_BLOCKS = 3
_FULL_PARSE_CHARS = 60
# Date runs: words, "a.m." as one word; what may join the words of one date.
_WORD = re.compile(r"[ap]\.m\.|[+-]\d{1,2}(?::?\d{2})?\b|\w+", re.I)  # "+02:00": one word
_AM_PM = re.compile(r"[ap]\.?m\.?")
_ZONE = re.compile(r"[A-Z]{2,5}")
_CLOCK_END = re.compile(r"(?:\d{1,2}[:.]\d{2}(?::\d{2})?|[ap]\.?m\.?)$", re.I)
_CLOCK_GAP = 8  # " alle ", " р. о "
_NUMBER = re.compile(r"\d+")
# Zone abbreviations dateparser reads ("EST", "JST"); others ("CT") it fails on.
_ZONE_NAMES = frozenset(name for info in timezone_info_list for name, _ in info["timezones"])
_TRAILING_ZONE = re.compile(r"\s+(?!(?:AM|PM)$)([A-Z]{2,5})$")
_WORD_OUTSIDE = re.compile(r"[^\W\d_]")
_ZONE_WORD = re.compile(r"\b[A-Z]{2,5}\b")
_JOINER = re.compile(r"\s*[,./:\-–—]?\s*")


class Stamp(NamedTuple):
    """A date read from visible text: precision 0 (day), 1 (time) or 2 (time and zone)."""

    moment: datetime
    precision: int
    text: str
    update: bool


def normalize_stamp(text: str) -> str:
    """A visible stamp in a shape dateparser reads.

    >>> normalize_stamp("GMT 09:22 2018 Monday ,22 January")
    '09:22 2018 Monday ,22 January GMT'
    >>> normalize_stamp("الإثنين ٢٢ يناير ٢٠١٨ - 12:22")
    'الإثنين 22 يناير 2018 12:22'
    """
    text = text.translate(_EASTERN_DIGITS)
    match = _ZONE_FIRST.search(text)
    if match:
        text = (text[: match.start()] + text[match.end() :]).strip() + " " + match[1]
    return _YEAR_DASH_CLOCK.sub(r"\1 \2", text)


def has_date_shape(text: str) -> bool:
    """Whether `text` holds a year or a numeric date, the least a full date needs."""
    return bool(_DATE_SHAPE.search(text.translate(_EASTERN_DIGITS)))


class VisibleDateParser:
    """Reads full dates (day, month and year) out of short visible texts.

    dateparser's parsers are built once per language and kept: building one costs more
    than reading a stamp. Stamps of a common shape are read without it once it agreed on
    their shape (:class:`~newsspider.core.stampshapes.StampShapes`), and the last
    `memory` texts read are remembered with their stamps: the renderings of one article
    (print, AMP) and the articles of one day repeat them.
    """

    def __init__(self, fallback_language: str = "en", memory: int = 4096) -> None:
        self.fallback = fallback_language
        self.memory = memory
        self._parsers: dict[str, DateDataParser] = {}
        self._month_names: dict[str | None, re.Pattern[str]] = {}
        self._calendar_words: dict[str | None, frozenset[str]] = {}
        self._shapes = StampShapes()
        self._read: dict[tuple[str, str | None], list[Stamp]] = {}

    def read(self, text: str, language: str | None) -> list[Stamp]:
        """Every full date in `text`, in order; `language` (ISO 639-1) is tried first."""
        if len(text) > _MAX_BLOCK_CHARS or not has_date_shape(text):
            return []
        key = (text, language)
        found = self._read.get(key)
        if found is None:
            found = self._read_anew(text, language)
            if self._read and len(self._read) >= self.memory:
                del self._read[next(iter(self._read))]  # the oldest
            if self.memory > 0:
                self._read[key] = found
        return list(found)

    def _read_anew(self, text: str, language: str | None) -> list[Stamp]:
        if not _NUMERIC_DATE.search(text) and not self._months(language).search(text.lower()):
            return []  # a year with no month named: "the 2012 budget"
        stamp = normalize_stamp(text)
        languages = self._languages(language)
        runs = _date_runs(stamp, self._names(language))
        if len(stamp) <= _FULL_PARSE_CHARS and _only_date_words(stamp, runs):
            moment = self._parse(stamp, languages)
            if moment is not None:
                return [Stamp(moment, _precision(stamp, moment), stamp, False)]
        found = self._read_segments(stamp, language, languages)
        if found is None:
            found = self._read_runs(stamp, runs, language, languages)
        return self._search(stamp, languages) if found is None else found

    def _read_segments(
        self, stamp: str, language: str | None, languages: list[str]
    ) -> list[Stamp] | None:
        """The stamps of a line cut by separators ("By Ann Lee | May 3, 2012 | World"),
        each date-shaped part read whole; None unless every such part reads as one date.

        dateparser's search (the fallback) costs several whole readings: a byline with its
        date is the common long stamp, and its date part alone reads whole.
        """
        parts = _SEPARATORS.split(stamp)
        if len(parts) < 2:
            return None
        found: list[Stamp] = []
        cursor = 0
        for part in parts:
            start = stamp.find(part, cursor)
            if not has_date_shape(part):
                continue
            if (
                len(part) > _FULL_PARSE_CHARS
                or not (_NUMERIC_DATE.search(part) or self._months(language).search(part.lower()))
                or not _only_date_words(part, _date_runs(part, self._names(language)))
            ):
                return None  # "Posted May 3, 2012": left to the runs
            moment = self._parse(part, languages)
            if moment is None:
                return None
            update = bool(_UPDATE_LABEL.search(stamp[cursor:start]))
            found.append(Stamp(moment, _precision(part, moment), part, update))
            cursor = start + len(part)
        return found or None

    def near_article(
        self, page: Page, zone: ArticleZone, language: str | None, reach: int
    ) -> list[tuple[int, Stamp]]:
        """(distance from the headline, stamp) from blocks in the article or near its start,
        nearest first.

        Blocks in list items outside the article (related stories, most read) are skipped,
        and so are blocks after the body, where comments and other articles' teasers sit.
        Reading stops one block after the first publication stamp: the nearest one wins.
        """
        found: list[tuple[int, Stamp]] = []
        stop = -1
        for position, (distance, block) in enumerate(_stamp_blocks(page, zone, reach)):
            if 0 <= stop < position:
                break
            for stamp in self.read(block.text, language):
                if len(block.text) - len(stamp.text) <= _MAX_STAMP_CONTEXT:
                    found.append((distance, stamp))
                    if not stamp.update and stop < 0:
                        stop = position + 1
        return found

    def _read_runs(
        self, stamp: str, runs: list[tuple[int, int]], language: str | None, languages: list[str]
    ) -> list[Stamp] | None:
        """The stamps of a line where each date is a run of date words amid other words
        ("by Jon Lee - Nov 20, 2013 9:55 pm UTC · 4 comments"), each run read whole or,
        failing that, split into the dates run together in it; None unless every
        date-shaped run reads as dates.

        A date word holds a digit or is a month or weekday name, "a.m."/"p.m." or, after a
        clock, a zone's capitals; only punctuation joins the words of a run. What cannot be
        read this way ("published on the 3rd", a date glued to other words) is left to
        dateparser's search, which costs several whole readings.
        """
        found: list[Stamp] = []
        cursor = 0
        dayless = 0
        for number, (start, end) in enumerate(runs):
            run = stamp[start:end]
            if not has_date_shape(run):
                continue  # "18 comments", a clock alone
            if _is_dayless(run):
                dayless += 1  # "in July 2006", "© 2012": no full date
                continue
            if len(run) > _FULL_PARSE_CHARS or not (
                _NUMERIC_DATE.search(run) or self._months(language).search(run.lower())
            ):
                return None
            zone = _TRAILING_ZONE.search(run)
            known = zone is None or zone[1] in _ZONE_NAMES
            moment = self._parse(run, languages) if known else None
            if moment is None and zone:  # a zone dateparser does not know ("6:45 PM CT")
                end -= len(zone[0])
                run = stamp[start:end]
                moment = self._parse(run, languages)
            if moment is None:
                dates = self._split_run(stamp, start, end, language, languages)
                if dates is None:
                    return None
                for date_start, date_end, date in dates:
                    text = stamp[date_start:date_end]
                    update = bool(_UPDATE_LABEL.search(stamp[cursor:date_start]))
                    found.append(Stamp(date, _precision(text, date), text, update))
                    cursor = date_end
                continue
            update = bool(_UPDATE_LABEL.search(stamp[cursor:start]))
            if not _HAS_CLOCK.search(run):  # "at 10:00 AM ET, 11/29/2011", "May 3 at 9:15"
                for clock in (number - 1, number + 1):
                    if 0 <= clock < len(runs) and _is_lone_clock(stamp, runs[clock], (start, end)):
                        joined = min(start, runs[clock][0]), max(end, runs[clock][1])
                        timed = self._parse(stamp[joined[0] : joined[1]], languages)
                        if timed is not None and timed.date() == moment.date():
                            moment, (start, end) = timed, joined
                            break
                run = stamp[start:end]
            found.append(Stamp(moment, _precision(run, moment), run, update))
            cursor = end
        if not found and dayless and dayless == len(_NUMBER.findall(stamp)):
            return []  # its numbers are years of months alone: no date for the search either
        return found or None

    def _split_run(
        self, stamp: str, start: int, end: int, language: str | None, languages: list[str]
    ) -> list[tuple[int, int, datetime]] | None:
        """(start, end, moment) of the dates of a run that does not read whole: two dates,
        or a date and a stray clock or number, run together ("April 8, 2017 04/08/2017
        2:24 p.m.", "13 October 2005 10:36 11:36 UK", "6 января 2012 8:39 0").

        From each word that may start a date (a number, a month or weekday name), the
        longest run of words that reads as a date, then on from the word after it; None if
        none does, or after `_MAX_SPLIT_READINGS` readings (dateparser's search takes over:
        it costs several times that much).
        """
        words = [  # each word's span without the punctuation after it ("2017:", "8,")
            (match.start(), match.start() + len(match[0].rstrip(_AFTER_WORD)))
            for match in _SPACED_WORD.finditer(stamp, start, end)
        ]
        names = self._names(language)
        found: list[tuple[int, int, datetime]] = []
        first, readings = 0, 0
        while first < len(words):
            word = stamp[words[first][0] : words[first][1]]
            if not (word[:1].isdigit() or word.casefold().translate(_ALEFS) in names):
                first += 1  # "@mattmegan5", "Updated:"
                continue
            for last in range(len(words) - 1, first - 1, -1):
                if first == 0 and last == len(words) - 1:
                    continue  # the whole run, read already
                text = stamp[words[first][0] : words[last][1]]
                if not has_date_shape(text) or _is_dayless(text):
                    continue
                readings += 1
                if readings > _MAX_SPLIT_READINGS:
                    return None
                moment = self._parse(text, languages)
                if moment is not None:
                    found.append((words[first][0], words[last][1], moment))
                    first = last
                    break
            first += 1
        return found or None

    def _with_clock(
        self, stamp: str, matched: str, moment: datetime, end: int, languages: list[str]
    ) -> tuple[datetime, str, int]:
        """A date read without its clock, the clock that follows it in `stamp` added
        ("May 3, 2012 at 10:15"): (moment, text, end) of the longer reading if it is the
        same day, else as given."""
        clock = _TRAILING_CLOCK.match(stamp, end)
        if clock and not _HAS_CLOCK.search(matched):
            timed = self._parse(matched + " " + clock[1], languages)
            if timed is not None and timed.date() == moment.date():
                return timed, matched + " " + clock[1], clock.end()
        return moment, matched, end

    def _search(self, stamp: str, languages: list[str]) -> list[Stamp]:
        try:
            hits = search_dates(stamp, languages=languages, settings=SETTINGS) or []
        except (ValueError, OverflowError) as exc:
            logger.debug("dateparser could not search %r: %s", stamp, exc)
            return []
        found: list[Stamp] = []
        cursor = 0
        for matched, moment in hits:
            start = stamp.find(matched, cursor)
            if start < 0 or not any(c.isdigit() for c in matched):
                continue
            update = bool(_UPDATE_LABEL.search(stamp[cursor:start]))
            moment, matched, cursor = self._with_clock(
                stamp, matched, moment, start + len(matched), languages
            )
            found.append(Stamp(moment, _precision(matched, moment), matched, update))
        return found

    def _parse(self, text: str, languages: list[str]) -> datetime | None:
        return self._shapes.read(
            text, tuple(languages), lambda stamp: self._dateparser(stamp, languages)
        )

    def _dateparser(self, text: str, languages: list[str]) -> datetime | None:
        key = ",".join(languages)
        parser = self._parsers.get(key)
        if parser is None:
            parser = self._parsers[key] = DateDataParser(languages=languages, settings=SETTINGS)
        moment: datetime | None = parser.get_date_data(text).date_obj
        return moment

    def _months(self, language: str | None) -> re.Pattern[str]:
        """A pattern matching a month name of `language` or of the fallback language."""
        pattern = self._month_names.get(language)
        if pattern is None:
            names = calendar_names([language or self.fallback, self.fallback], MONTHS)
            spelled = sorted((n for n in names if n.isalpha()), key=len, reverse=True)
            other = [re.escape(n) for n in names if not n.isalpha()]  # "1月", "sept."
            alternatives = [r"(?<!\w)(?:" + "|".join(map(re.escape, spelled)) + r")(?!\w)"]
            pattern = re.compile("|".join(alternatives + other))
            self._month_names[language] = pattern
        return pattern

    def _names(self, language: str | None) -> frozenset[str]:
        """Month and weekday names, and the words after a clock for morning and afternoon
        ("م", "пп"), of `language` and of the fallback language."""
        names = self._calendar_words.get(language)
        if names is None:
            names = calendar_names(
                [language or self.fallback, self.fallback], MONTHS + WEEKDAYS + ("am", "pm")
            )
            # A word ends before a combining mark ("مساءً" is read as "مساء").
            names |= {"".join(c for c in n if not unicodedata.combining(c)) for n in names}
            self._calendar_words[language] = names
        return names

    def _languages(self, language: str | None) -> list[str]:
        if language and language != self.fallback and language in _LANGUAGES:
            return [language, self.fallback]
        return [self.fallback]


def _stamp_blocks(page: Page, zone: ArticleZone, reach: int) -> list[tuple[int, Block]]:
    """Blocks that may hold the article's stamp, with their distance from its start."""
    found: list[tuple[int, Block]] = []
    last = zone.body[-1] if zone.body else len(page.blocks)
    body = set(zone.body)
    for block in page.blocks[: last + 2]:  # none after the block after the body
        distance = zone.distance(block.index)
        if distance > reach and block.index < last - _TAIL_BLOCKS:
            continue  # stamps open or close an article; mid-body dates are someone else's
        if block.link_ratio >= 0.5:
            continue
        if block.index in body and len(block.text) > _MAX_BODY_STAMP_CHARS:
            continue  # prose: "founded on May 24, 2003" is not the article's date
        if zone.contains(page, block.node) or (
            distance <= reach and not in_list_item(page, block.node)
        ):
            found.append((distance, block))
    found.sort(key=lambda entry: entry[0])
    return found


def _date_runs(stamp: str, names: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of date words in `stamp` joined by punctuation alone.

    >>> text = "by Jon Lee - Nov 20, 2013 9:55 pm UTC+2, 4 comments"
    >>> [text[a:b] for a, b in _date_runs(text, frozenset({"nov"}))]
    ['Nov 20, 2013 9:55 pm UTC+2', '4']
    """
    runs: list[tuple[int, int]] = []
    start = end = -1
    zoned = False  # the run ends in a time zone: nothing but an offset belongs to it
    for match in _WORD.finditer(stamp):
        word = match[0]
        folded = word.casefold()
        joined = (
            start >= 0
            and (not zoned or word[0] in "+-")
            and _JOINER.fullmatch(stamp, end, match.start())
        )
        dated = (
            any(c.isdigit() for c in word)
            or folded.translate(_ALEFS) in names
            or _AM_PM.fullmatch(folded) is not None
        )
        zone = (
            not dated and joined and _ZONE.fullmatch(word) and _CLOCK_END.search(stamp, start, end)
        )
        if start >= 0 and not (joined and (dated or zone)):
            runs.append((start, end))
            start = -1
        if dated or zone:
            if start < 0:
                start = match.start()
            end, zoned = match.end(), bool(zone) or (zoned and word[0] in "+-")
    if start >= 0:
        runs.append((start, end))
    return runs


def _is_dayless(run: str) -> bool:
    """Whether a date-shaped run names no day: its only number is a year ("July 2006")."""
    numbers = _NUMBER.findall(run)
    return len(numbers) == 1 and len(numbers[0]) == 4 and not _NUMERIC_DATE.search(run)


def _only_date_words(stamp: str, runs: list[tuple[int, int]]) -> bool:
    """Whether no word of `stamp` lies outside its date `runs` (capitals that may name a
    zone aside): what dateparser may read whole. Other words ("Posted by Ann on") make
    it fail, after a whole reading's cost."""
    parts, cursor = [], 0
    for start, end in runs:
        parts.append(stamp[cursor:start])
        cursor = end
    parts.append(stamp[cursor:])
    return not _WORD_OUTSIDE.search(_ZONE_WORD.sub("", " ".join(parts)))


def _is_lone_clock(stamp: str, run: tuple[int, int], date: tuple[int, int]) -> bool:
    """Whether `run` is a clock with no date, a few characters (" at ", ", ") from the
    run `date`."""
    gap = run[0] - date[1] if run[0] >= date[1] else date[0] - run[1]
    text = stamp[run[0] : run[1]]
    return gap <= _CLOCK_GAP and bool(_HAS_CLOCK.search(text)) and not has_date_shape(text)


def calendar_names(languages: Sequence[str], keys: Sequence[str]) -> frozenset[str]:
    """Month (or weekday) names of `languages` from dateparser's data: case-folded, alefs
    folded ("الإثنين" and "الاثنين" alike). Unknown languages are skipped."""
    names: set[str] = set()
    for code in dict.fromkeys(languages):
        if code not in _LANGUAGES:
            continue
        info = default_loader.get_locale(code).info
        for key in keys:
            names.update(str(n).casefold().translate(_ALEFS) for n in info.get(key, []))
    return frozenset(n for n in names if len(n) > 2 or not n.isascii())


def _precision(text: str, moment: datetime) -> int:
    if not _HAS_CLOCK.search(text):
        return 0
    return 2 if moment.tzinfo is not None else 1


def in_list_item(page: Page, node: int) -> bool:
    """Whether `node` lies inside an ``li`` element (a list of links, teasers, comments)."""
    return any(page.tags[n] == "li" for n in page.ancestors(node))
