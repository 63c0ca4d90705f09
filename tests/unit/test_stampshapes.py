"""StampShapes: stamps of common shapes read as dateparser reads them, without it."""

from __future__ import annotations

from datetime import datetime

import pytest
from dateparser.date import DateDataParser

from newsspider.core.stampshapes import StampShapes, stamp_names
from newsspider.core.visibledates import SETTINGS

# (stamp, languages as VisibleDateParser asks for them): one of each shape read here.
_SHAPED = [
    ("6/26/2009", ("en",)),
    ("1/30/09", ("en",)),
    ("01/10/2012 6:32 PM", ("en",)),
    ("12/28/2005 3:13:17 PM", ("en",)),
    ("1/30/09 at 5:50 PM", ("en",)),
    ("4/25/2013 @ 10:14AM", ("en",)),
    ("08-17-2012", ("en",)),
    ("11.09.12", ("en",)),
    ("Tuesday, 11.06.2012 / 4:54 PM", ("en",)),
    ("04.08.05, 1:21 PM ET", ("en",)),
    ("03.01.2012 11:13", ("pl", "en")),  # dateparser tries English first: March 1
    ("06.01.12", ("ru", "en")),
    ("07/12/2011 07:07", ("el", "en")),
    ("Pią, 2011-06-03 14:20", ("pl", "en")),
    ("2012.01.12 02:09 am", ("zh", "en")),
    ("Nov 29, 2011 03:00 PM EST", ("en",)),
    ("Aug 15, 2012 06:30 PM EDT", ("en",)),
    ("Jan 12, 2012 at 12:40pm IST", ("en",)),
    ("Wednesday, Jan. 11, 2012 5:00PM EST", ("en",)),
    ("4:42 PM on 12/07/2012", ("en",)),
    ("12:05 PM on 15th December 2011", ("en",)),
    ("02:18 GMT, Tuesday, 10 March 2009", ("en",)),
    ("3:00 PM Thursday Jan 12, 2012", ("en",)),
    ("3:45 PM PDT, August 30, 2005", ("en",)),
    ("4 января 2012", ("ru", "en")),
    ("4 января 2012 г., 14:07", ("ru", "en")),
    ("26 ноября 2011 15:28", ("ru", "en")),
    ("05 Ιαν. 2012 10:51", ("el", "en")),
    ("9 Νοεμβρίου 2011", ("el", "en")),
    ("3 stycznia 2012", ("pl", "en")),
    ("2011年12月09日 14:31", ("zh", "en")),
    ("2012年01月11日 10:22:11", ("zh", "en")),
    ("2012年1月12日", ("zh", "en")),
    ("December 3, 2005", ("ru", "en")),
]


def _dateparser(text: str, languages: tuple[str, ...]) -> datetime | None:
    parser = DateDataParser(languages=list(languages), settings=SETTINGS)
    moment: datetime | None = parser.get_date_data(text).date_obj
    return moment


def _unused(text: str) -> datetime | None:
    raise AssertionError(f"dateparser was asked to read {text!r}")


class _Reference:
    """dateparser's reading in `languages` (none without them), each stamp asked recorded."""

    def __init__(self, languages: tuple[str, ...] = ()) -> None:
        self.languages = languages
        self.calls: list[str] = []

    def __call__(self, text: str) -> datetime | None:
        self.calls.append(text)
        return _dateparser(text, self.languages) if self.languages else None


@pytest.mark.parametrize(("stamp", "languages"), _SHAPED)
def test_each_shape_is_read_as_dateparser_reads_it(stamp: str, languages: tuple[str, ...]) -> None:
    trusting = StampShapes(checks=0)  # every shape trusted at once: its own reading
    moment = trusting.read(stamp, languages, _unused)
    expected = _dateparser(stamp, languages)
    assert moment is not None and expected is not None
    assert (moment, moment.tzname(), moment.utcoffset()) == (
        expected,
        expected.tzname(),
        expected.utcoffset(),
    )


def test_a_new_shape_dateparser_disagrees_with_is_refused() -> None:
    calls: list[str] = []

    def day_first(text: str) -> datetime | None:  # a reader of "07/12/2011" as 7 December
        calls.append(text)
        day, month, year = (int(n) for n in text.split("/"))
        return datetime(year, month, day)

    shapes = StampShapes(checks=1)
    assert shapes.read("07/12/2011", ("en",), day_first) == datetime(2011, 12, 7)
    assert shapes.read("07/11/2011", ("en",), day_first) == datetime(2011, 11, 7)
    assert calls == ["07/12/2011", "07/11/2011"]


def test_a_numeric_date_invalid_in_the_languages_order_is_left_to_dateparser() -> None:
    reference = _Reference(("el", "en"))
    shapes = StampShapes(checks=1)
    # English comes first in dateparser's order: month, day, year; 29 is no month.
    assert shapes.read("29/11/2011", ("el", "en"), reference) == datetime(2011, 11, 29)
    assert shapes.read("29/11/2011", ("el", "en"), reference) == datetime(2011, 11, 29)
    # Not a disagreement: the shape still reads what it can, once checked.
    assert shapes.read("07/12/2011", ("el", "en"), reference) == datetime(2011, 7, 12)
    assert shapes.read("07/13/2011", ("el", "en"), reference) == datetime(2011, 7, 13)
    assert reference.calls == ["29/11/2011", "29/11/2011", "07/12/2011"]


def test_a_recent_two_digit_year_is_left_to_dateparser() -> None:
    reference = _Reference()
    shapes = StampShapes(checks=0, this_year=2013)
    assert shapes.read("1/30/09", ("en",), reference) == datetime(2009, 1, 30)
    # dateparser reads a two-digit year it would put in the future a century back.
    assert shapes.read("1/30/12", ("en",), reference) is None
    assert reference.calls == ["1/30/12"]


def test_a_zone_dateparser_does_not_know_is_left_to_it() -> None:
    reference = _Reference()
    shapes = StampShapes(checks=0)
    assert shapes.read("Feb 26, 2009 6:45 PM CT", ("en",), reference) is None
    assert reference.calls == ["Feb 26, 2009 6:45 PM CT"]


def test_names_come_from_dateparsers_locales_with_ambiguous_words_left_out() -> None:
    names = stamp_names(("pl", "en"))
    assert names.months["stycznia"] == 1 and names.months["sep"] == 9
    assert names.weekday_orders["pią"] == "DMY" and names.date_order == "MDY"
    assert stamp_names(("ru",)).date_order == "DMY"
    assert "mit" not in stamp_names(("de", "en")).weekday_orders  # dateparser's zone MIT
    assert "st" not in stamp_names(("cs", "en")).weekday_orders  # English reads "1st"
    for word, month in names.months.items():
        assert word not in names.weekday_orders, word
        assert _dateparser(f"3 {word} 2012", ("pl", "en")) in (datetime(2012, month, 3), None)


def _checked(shapes: StampShapes, stamp: str, languages: tuple[str, ...]) -> datetime | None:
    return shapes.read(stamp, languages, lambda text: _dateparser(text, languages))


def test_a_numeric_date_is_read_in_the_order_of_its_weekdays_language() -> None:
    shapes = StampShapes(checks=1)
    # A Polish weekday: dateparser reads it in Polish, day first.
    assert _checked(shapes, "Pią, 03.08.2004", ("pl", "en")) == datetime(2004, 8, 3)
    assert shapes.read("Pią, 06.08.2004", ("pl", "en"), _unused) == datetime(2004, 8, 6)
    # An English one: English comes first in dateparser's order, month first.
    assert _checked(shapes, "Fri, 05.07.2004", ("pl", "en")) == datetime(2004, 5, 7)
    assert shapes.read("Fri, 06.08.2004", ("pl", "en"), _unused) == datetime(2004, 6, 8)
    # Hungarian's order has the year first: "sze, 03.08.2004" is no shape read here.
    assert shapes.read("sze, 03.08.2004", ("hu", "en"), lambda text: None) is None


def test_a_stamp_mixing_languages_is_a_shape_of_its_own() -> None:
    shapes = StampShapes(checks=1)
    assert _checked(shapes, "Friday 13 December 2014", ("nl", "en")) == datetime(2014, 12, 13)
    assert shapes.read("Friday 12 December 2014", ("nl", "en"), _unused) == datetime(2014, 12, 12)
    # Dutch weekday, English month: dateparser reads it in no one language.
    assert _checked(shapes, "Zaterdag 9 May 2002", ("nl", "en")) is None
    assert _checked(shapes, "Zaterdag 9 May 2002", ("nl", "en")) is None


def test_a_clock_after_a_dash_is_left_to_dateparser() -> None:
    shapes = StampShapes(checks=0)
    # dateparser reads "-04:00" as a UTC offset, "-10:18" as a clock: no one shape.
    assert shapes.read("2002.10.05-04:00", ("en",), lambda text: None) is None
    assert shapes.read("01/11/11-10:18", ("el", "en"), lambda text: None) is None


def test_a_zone_that_is_a_word_of_the_language_is_left_to_dateparser() -> None:
    reference = _Reference(("fr", "en"))
    shapes = StampShapes(checks=0)
    # "et" is French for "and": dateparser reads no zone here.
    assert shapes.read("19 mars 2000 / 10:55 ET", ("fr", "en"), reference) == datetime(
        2000, 3, 19, 10, 55
    )
    assert reference.calls == ["19 mars 2000 / 10:55 ET"]
