"""The metadata stage's shortcuts give the answers of the plain computations they replace."""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate

import pytest

from newsspider.core.agencies import credit_line
from newsspider.core.blocks import Page, parse_page
from newsspider.core.bylines import BylineReader
from newsspider.core.credits import CreditFinder
from newsspider.core.datelines import has_uppercase_run, uppercase_place
from newsspider.core.images import _LEAD_REACH, _NOT_PICTURE, _lead_nodes, _not_picture
from newsspider.core.taxonomy import MarkReader, Marks, _holding
from newsspider.core.zone import _showing, words_key

PAGE = parse_page(
    '<div class="breadcrumb"><a href="/">Home</a> › <a href="/Sports">Sports</a></div>'
    "<h1>Derby day</h1><div><img src='/a.jpg'><p>Lead line</p></div><p>Second</p>"
    "<figure><img src='/b.jpg'><figcaption>Fans</figcaption></figure><p>Third</p>"
    "<ul><li><a href='/news/sports'>More sports news</a></li><li>Fourth</li></ul>"
    "<div id='tags'><a href='/tag/derby'>Derby</a></div><p>Big news, DERBY day!</p>"
)


@pytest.mark.parametrize(
    "text",
    ["/img/Site-LOGO.png", "/img/harbour.jpg", "/ADS/x.gif", "/adsx/", "Share-Button", "",
     "ſhare", "ſ", "\u212aelvin-icon", "İcon", "ıcon", "صورة-logo", "صورة", "BLANK.GIF",
     "blankxgif", "1X1.png"],
)  # fmt: skip
def test_not_picture_answers_as_the_case_insensitive_pattern(text: str) -> None:
    assert _not_picture(text) == (_NOT_PICTURE.search(text) is not None)


def _below_headline(page: Page, headline: int, owner: int) -> bool:
    """The search per image that _lead_nodes replaced."""
    reach = list(accumulate((b.node for b in page.blocks), max))
    at = bisect_left(reach, owner)
    index = page.blocks[at].index if at < len(page.blocks) else -1
    return 0 < index - headline <= _LEAD_REACH


def test_lead_nodes_hold_the_owners_just_below_the_headline() -> None:
    for headline in range(len(PAGE.blocks)):
        low, high = _lead_nodes(PAGE, headline)
        for owner in range(len(PAGE.tags) + 1):
            assert (low < owner <= high) == _below_headline(PAGE, headline, owner)
    assert _lead_nodes(PAGE, -1) == (0, 0)


def test_holding_finds_the_links_a_per_link_test_finds() -> None:
    links = PAGE.links + [("/SPORTS/", "x"), ("http://sports.example/", "y"), ("", "z")]
    for words in (["sports"], ["news", "sports"], ["tag"], ["nothing"], []):
        expected = [i for i, (h, _) in enumerate(links) if any(w in h.lower() for w in words)]
        assert _holding(links, words) == expected


def test_showing_keeps_the_blocks_whose_words_are_the_key() -> None:
    for title in ("Derby day", "big news derby day", "Sports", ""):
        key = words_key(title)
        expected = [b for b in PAGE.blocks if not key or words_key(b.text) == key]
        assert _showing(PAGE.blocks, key) == expected


BYLINES = ("By Ann Lee TUNIS December 23, 2018", "By Ann Lee Tunis December 23", "BEIRUT 23 May",
           "A. Lee, 23 May 2018", "بيروت 23 مايو", "X. Y December 2", "ALGIERS, May 2")  # fmt: skip


def test_uppercase_run_is_needed_for_an_uppercase_place() -> None:
    calendar = frozenset({"december", "may"})
    places = [uppercase_place(text, calendar) for text in BYLINES]
    assert places.count(None) < len(places)
    for text, place in zip(BYLINES, places, strict=True):
        assert place is None or has_uppercase_run(text)
    assert not has_uppercase_run("Tunis, December 23") and has_uppercase_run("AP, 23 May")


def test_remembered_credit_lines_are_credit_lines() -> None:
    finder = CreditFinder(BylineReader(), remembered=2)
    texts = ["Source: AFP", "  (Reuters)  ", "— AP", "Officials told Reuters", "x" * 70]
    for text in texts * 2:  # the second round reads what the memo kept (and cleared)
        assert finder._credit_line(text) == credit_line(text)


def test_mark_reader_reads_known_token_sets_as_new_ones() -> None:
    reader = MarkReader()
    first, again = reader.read(PAGE), reader.read(PAGE)
    assert first == again == Marks.of(PAGE)
    assert first.breadcrumb == {".breadcrumb"} and first.tag_box == {"#tags"}
