"""Metadata extraction: each source alone, and what wins when sources disagree."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from newsspider.core.blocks import parse_page
from newsspider.core.bylines import BylineReader
from newsspider.core.metadata import Metadata, MetadataExtractor
from newsspider.core.profile import SiteProfile
from newsspider.core.stampshapes import StampShapes
from newsspider.core.visibledates import VisibleDateParser

URL = "http://news.example/world/2018/01/22/talks-resume.html"
NOW = datetime(2019, 1, 1, tzinfo=UTC)
BODY = (
    "Negotiators from both sides met again in the capital on Monday after a pause of "
    "three weeks, officials said.\n"
    "The talks are expected to last until the end of the week, according to a statement."
)


@pytest.fixture(scope="module")
def extractor() -> MetadataExtractor:
    return MetadataExtractor()


def page_html(
    head: str = "",
    header: str = "",
    body: str = BODY,
    after: str = "",
    title: str = "Talks resume in the capital | Daily Example",
    h1: str = "Talks resume in the capital",
    lang: str = "en",
) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n"))
    return f"""<html lang="{lang}"><head><title>{title}</title>{head}</head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/world/">World</a></li></ul></nav>
    <div class="article"><h1>{h1}</h1>{header}<div class="text">{paragraphs}</div></div>
    {after}<footer>All rights reserved</footer></body></html>"""


def extract(
    extractor: MetadataExtractor,
    html: str,
    text: str = BODY,
    profile: SiteProfile | None = None,
    url: str = URL,
) -> Metadata:
    return extractor.extract(parse_page(html), url, text, profile, now=NOW)


def ld_script(data: dict[str, Any]) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


RELATED = """<div class="related"><ul>
<li><a href="/a">Another story</a><span class="date">March 3, 2017</span>
<img src="/thumbs/a.jpg"></li>
<li><a href="/b">A second story</a><time datetime="2017-03-04T10:00:00Z">Mar 4</time></li>
</ul></div>"""


# -- title ------------------------------------------------------------------------------------


def test_title_from_og_title_without_site_suffix(extractor: MetadataExtractor) -> None:
    head = '<meta property="og:title" content="Talks resume in the capital">'
    meta = extract(extractor, page_html(head=head))
    assert (meta.title, meta.sources["title"]) == ("Talks resume in the capital", "og_title")


def test_title_suffix_the_h1_reveals_is_cut_from_og_title(extractor: MetadataExtractor) -> None:
    head = '<meta property="og:title" content="Talks resume in the capital | Daily Example">'
    meta = extract(extractor, page_html(head=head))
    assert (meta.title, meta.sources["title"]) == ("Talks resume in the capital", "og_title")


def test_title_prefix_without_separator_is_learned_and_cut(extractor: MetadataExtractor) -> None:
    profile = SiteProfile()
    for n in range(2):
        html = page_html(title=f"Daily Ex, daily ex Story number {n} is here", h1="-")
        html = html.replace("<h1>-</h1>", f"<h1>Story number {n} is here</h1>")
        extract(extractor, html, profile=profile)
    # A page with neither h1 nor og:title: only the learned affix can cut its <title>.
    bare = page_html(title="Daily Ex, daily ex Markets rally after the vote", h1="Markets")
    assert extract(extractor, bare, profile=profile).title == "Markets rally after the vote"


def test_a_blog_name_in_h1_does_not_make_the_post_title_an_affix(
    extractor: MetadataExtractor,
) -> None:
    html = page_html(title="The Fischbowl: The Eliot Era?", h1="The Fischbowl")
    assert extract(extractor, html).title == "The Fischbowl: The Eliot Era?"


def test_title_json_ld_headline_wins_unless_cut_short(extractor: MetadataExtractor) -> None:
    og = '<meta property="og:title" content="Talks resume in the capital (og)">'
    full = ld_script({"@type": "NewsArticle", "headline": "Talks resume in the capital"})
    assert extract(extractor, page_html(head=og + full)).sources["title"] == "json_ld"
    cut = ld_script({"@type": "NewsArticle", "headline": "Talks resume in the…"})
    assert extract(extractor, page_html(head=og + cut)).sources["title"] == "og_title"


# -- dates ------------------------------------------------------------------------------------


def test_published_from_json_ld_inside_graph(extractor: MetadataExtractor) -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Daily Example"},
            {"@type": "NewsArticle", "headline": "x", "datePublished": "2018-01-22T09:22:00Z"},
        ],
    }
    meta = extract(extractor, page_html(head=ld_script(graph)))
    assert (meta.published, meta.sources["published"]) == ("2018-01-22T09:22:00+00:00", "json_ld")


def test_json_ld_of_a_related_article_is_not_the_page_s(extractor: MetadataExtractor) -> None:
    data = [
        {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "NewsArticle", "url": "http://news.example/other",
                 "datePublished": "2017-05-05"},
            ],
        },
        {"@type": "NewsArticle", "url": URL, "datePublished": "2018-01-22"},
    ]  # fmt: skip
    meta = extract(
        extractor, page_html(head=f'<script type="application/ld+json">{json.dumps(data)}</script>')
    )
    assert meta.published == "2018-01-22"


@pytest.mark.parametrize(
    ("head", "source"),
    [
        ('<meta property="article:published_time" content="2018-01-22T09:22:00+01:00">', "meta"),
        ('<meta itemprop="datePublished" content="2018-01-22T09:22:00+01:00">', "microdata"),
        ('<meta name="DC.date.issued" content="2018-01-22T09:22:00+01:00">', "dublin_core"),
    ],
)
def test_published_from_each_meta_source(
    extractor: MetadataExtractor, head: str, source: str
) -> None:
    meta = extract(extractor, page_html(head=head))
    assert (meta.published, meta.sources["published"]) == ("2018-01-22T09:22:00+01:00", source)


def test_time_element_in_article_not_in_related_list(extractor: MetadataExtractor) -> None:
    header = '<p class="meta"><time datetime="2018-01-22T09:22:00Z">Jan 22</time></p>'
    meta = extract(extractor, page_html(header=header, after=RELATED))
    assert (meta.published, meta.sources["published"]) == (
        "2018-01-22T09:22:00+00:00",
        "time_element",
    )
    assert extract(extractor, page_html(after=RELATED)).published is None


def test_visible_gmt_stamp_and_arabic_date(extractor: MetadataExtractor) -> None:
    header = '<div class="date">GMT 09:22 2018 Monday ,22 January</div>'
    meta = extract(extractor, page_html(header=header, after=RELATED))
    assert (meta.published, meta.sources["published"]) == ("2018-01-22T09:22:00+00:00", "visible")
    arabic = '<div class="date">الإثنين 22 يناير 2018 - 12:22</div>'
    body = "أعلن الجيش اللبناني اليوم عن خطة أمنية جديدة في العاصمة بعد اجتماع طويل للحكومة."
    html = page_html(header=arabic, body=body, lang="ar", title="خطة أمنية", h1="خطة أمنية")
    assert extract(extractor, html, text=body).published == "2018-01-22T12:22:00"


def test_clock_relative_and_future_stamps_are_never_dates(extractor: MetadataExtractor) -> None:
    for stamp in ("Last Updated : GMT 09:03:51", "2 hours ago", "March 3, 2031"):
        header = f'<div class="date">{stamp}</div>'
        assert extract(extractor, page_html(header=header)).published is None, stamp


def test_updated_stamp_is_modified_not_published(extractor: MetadataExtractor) -> None:
    header = "<p>January 22, 2018 at 9:05 am Updated January 24, 2018 at 1:00 pm</p>"
    meta = extract(extractor, page_html(header=header))
    assert (meta.published, meta.modified) == ("2018-01-22T09:05:00", "2018-01-24T13:00:00")


def test_more_specific_source_wins_and_the_loser_is_recorded(
    extractor: MetadataExtractor,
) -> None:
    head = ld_script({"@type": "NewsArticle", "datePublished": "2018-01-22T09:22:00Z"})
    head += '<meta property="article:published_time" content="2018-01-25T10:00:00Z">'
    header = '<div class="date">GMT 11:00 2018 Friday ,26 January</div>'
    meta = extract(extractor, page_html(head=head, header=header))
    assert meta.sources["published"] == "json_ld"
    assert [c[0] for c in meta.candidates["published"]] == ["json_ld", "meta", "visible"]


def test_visible_stamps_are_read_only_when_markup_leaves_the_dates_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extractor = MetadataExtractor()
    reads: list[str] = []
    near_article = extractor.dates.parser.near_article

    def counted(page: Any, *args: Any) -> Any:
        reads.append(page.title)
        return near_article(page, *args)

    monkeypatch.setattr(extractor.dates.parser, "near_article", counted)
    header = "<p>January 22, 2018 at 9:05 am Updated January 24, 2018 at 1:00 pm</p>"
    full = {"@type": "NewsArticle", "datePublished": "2018-01-22T09:22:00Z"}
    full["dateModified"] = "2018-01-23T08:00:00+01:00"
    meta = extract(extractor, page_html(head=ld_script(full), header=header))
    assert (meta.published, meta.modified) == (
        "2018-01-22T09:22:00+00:00",
        "2018-01-23T08:00:00+01:00",
    )
    assert reads == []  # both dates given with their zone: the text could not change them
    del full["dateModified"]
    meta = extract(extractor, page_html(head=ld_script(full), header=header))
    assert (meta.published, meta.modified) == ("2018-01-22T09:22:00+00:00", "2018-01-24T13:00:00")
    assert len(reads) == 1  # no modified date in markup: the "Updated" stamp gives it


def test_same_day_from_a_weaker_source_adds_precision(extractor: MetadataExtractor) -> None:
    head = ld_script({"@type": "NewsArticle", "datePublished": "2018-01-22"})
    head += '<meta property="article:published_time" content="2018-01-22T09:22:00Z">'
    assert extract(extractor, page_html(head=head)).published == "2018-01-22T09:22:00+00:00"


def test_page_date_after_markup_modification_is_misread(extractor: MetadataExtractor) -> None:
    head = '<meta property="article:modified_time" content="2012-01-11T10:00:00Z">'
    header = '<div class="date">11/01/2012</div>'  # 11 January, read the US way
    meta = extract(extractor, page_html(head=head, header=header))
    assert (meta.published, meta.modified) == (None, "2012-01-11T10:00:00+00:00")
    assert meta.notes and "before published" in meta.notes[0]


def test_modified_before_published_is_dropped(extractor: MetadataExtractor) -> None:
    head = ld_script(
        {"@type": "NewsArticle", "datePublished": "2018-01-22", "dateModified": "2017-01-01"}
    )
    meta = extract(extractor, page_html(head=head))
    assert (meta.published, meta.modified) == ("2018-01-22", None)


# -- authors, source, dateline ----------------------------------------------------------------


def test_json_ld_persons_are_authors_and_an_agency_is_the_source(
    extractor: MetadataExtractor,
) -> None:
    authors = [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Sam Roe"}]
    people = {"@type": "NewsArticle", "author": authors}
    meta = extract(extractor, page_html(head=ld_script(people), header="<p>By Someone Else</p>"))
    assert (meta.authors, meta.sources["authors"]) == (["Ann Lee", "Sam Roe"], "json_ld")
    agency = {
        "@type": "NewsArticle",
        "author": {"@type": "Organization", "name": "Agence France-Presse"},
    }
    meta = extract(extractor, page_html(head=ld_script(agency)))
    assert (meta.authors, meta.source, meta.sources["source"]) == ([], "AFP", "json_ld_author")


def test_meta_author_and_visible_bylines(extractor: MetadataExtractor) -> None:
    meta = extract(extractor, page_html(head='<meta name="author" content="Ann Lee">'))
    assert (meta.authors, meta.sources["authors"]) == (["Ann Lee"], "meta")
    meta = extract(extractor, page_html(header="<p>By Ann Lee and Sam Roe, Reuters</p>"))
    assert (meta.authors, meta.source) == (["Ann Lee", "Sam Roe"], "Reuters")


def test_arabic_byline_with_a_glued_date() -> None:
    reader = BylineReader()
    assert reader.read("بقلم: سارة خليلالخميس 13 ديسمبر 2018 - 17:37", "ar") == (["سارة خليل"], [])
    assert reader.read("By Staff Writer", "en") == ([], [])


@pytest.mark.parametrize(
    ("line", "agency"),
    [("Source: AFP", "AFP"), ("المصدر: أ ف ب", "AFP"), ("— Agence France-Presse", "AFP"),
     ("(AP)", "AP"), ("المصدر: رويترز", "Reuters")],
)  # fmt: skip
def test_credit_lines_give_the_source_and_leave_the_text(
    extractor: MetadataExtractor, line: str, agency: str
) -> None:
    text = BODY + "\n" + line
    meta = extract(extractor, page_html(body=text), text=text)
    assert (meta.source, meta.sources["source"]) == (agency, "credit_line")
    assert meta.text == BODY


def test_a_photo_credit_is_not_the_story_s_source(extractor: MetadataExtractor) -> None:
    text = BODY + "\n(JOHN DOE/AFP/Getty Images)"
    assert extract(extractor, page_html(body=text), text=text).source is None


def test_an_agency_named_in_a_sentence_is_not_the_source(extractor: MetadataExtractor) -> None:
    text = BODY + "\nA spokesman told Reuters the talks would go on."
    assert extract(extractor, page_html(body=text), text=text).source is None


def test_dateline_lines_and_prefixes_leave_the_text(extractor: MetadataExtractor) -> None:
    text = "Beirut - Daily Example\n" + BODY
    meta = extract(extractor, page_html(body=text), text=text)
    assert (meta.dateline, meta.sources["dateline"], meta.text) == ("Beirut", "text_line", BODY)
    arabic = "بيروت - العرب اليوم\nأعلن الجيش اللبناني اليوم عن خطة أمنية جديدة في العاصمة."
    meta = extract(extractor, page_html(body=arabic, lang="ar"), text=arabic)
    assert meta.dateline == "بيروت" and meta.text is not None and "العرب اليوم" not in meta.text
    text = "TUNIS (AFP) - " + BODY
    meta = extract(extractor, page_html(body=text), text=text)
    assert (meta.dateline, meta.source, meta.text) == ("Tunis", "AFP", BODY)


def test_dateline_between_headline_and_body_or_in_the_byline(
    extractor: MetadataExtractor,
) -> None:
    meta = extract(extractor, page_html(header='<p class="dl">Kuwait City - Daily Example</p>'))
    assert (meta.dateline, meta.sources["dateline"], meta.text) == (
        "Kuwait City",
        "page_line",
        BODY,
    )
    header = "<div>By Ann Lee KUWAIT CITY January 22, 2018 at 9:05 am</div>"
    meta = extract(extractor, page_html(header=header))
    assert (meta.dateline, meta.authors) == ("Kuwait City", ["Ann Lee"])


@pytest.mark.parametrize(
    "first",
    [
        "Officials said - after a long night - that the talks had failed.",
        "Κοκκινίλες, ερεθισμοί, τραχιά όψη, λεπτές ρυτίδες που γίνονται - αυτά λέει ο γιατρός.",
        "FILE: A view of the harbour before the storm reached the coast.",
        "By JOHN SMITH",
        "The station KBKW reported on March 3, 2012 that the object was found.",
    ],
)
def test_what_is_not_a_dateline_stays_in_the_text(extractor: MetadataExtractor, first: str) -> None:
    text = first + "\n" + BODY
    meta = extract(extractor, page_html(body=text), text=text)
    assert (meta.dateline, meta.text) == (None, text)


# -- images, section, tags, language ----------------------------------------------------------


def test_article_images_with_captions_not_logos_avatars_or_teasers(
    extractor: MetadataExtractor,
) -> None:
    head = '<meta property="og:image" content="http://news.example/up/lead.jpg">'
    header = (
        '<img src="/static/logo.png" alt="Daily Example">'
        '<figure><img src="/up/lead.jpg" alt="alt text"><figcaption>The harbour at dawn'
        '</figcaption></figure><img src="data:image/gif;base64,R0lGOD">'
    )
    after = RELATED + '<div class="comments"><img class="avatar" src="/avatars/1.png"></div>'
    meta = extract(extractor, page_html(head=head, header=header, after=after))
    assert meta.images == [
        {"url": "http://news.example/up/lead.jpg", "caption": "The harbour at dawn"}
    ]


def test_a_share_image_on_every_page_is_the_site_s_not_the_article_s(
    extractor: MetadataExtractor,
) -> None:
    profile = SiteProfile()
    head = '<meta property="og:image" content="http://news.example/default-share.jpg">'
    for _ in range(4):
        meta = extract(extractor, page_html(head=head), profile=profile)
    assert meta.images == []


def test_section_sources_in_order(extractor: MetadataExtractor) -> None:
    crumbs = '<ol class="breadcrumb"><li><a href="/">Home</a></li>'
    crumbs += '<li><a href="/w">Middle East</a></li></ol>'
    assert extract(extractor, page_html(header=crumbs)).section == "Middle East"
    meta_section = '<meta property="article:section" content="Politics">'
    meta = extract(extractor, page_html(head=meta_section, header=crumbs))
    assert (meta.section, meta.sources["section"]) == ("Politics", "meta")
    meta = extract(extractor, page_html())
    assert (meta.section, meta.sources["section"]) == ("World", "url")


def test_tags_without_site_name_or_headline(extractor: MetadataExtractor) -> None:
    head = '<meta property="og:site_name" content="Daily Example">'
    keywords = "talks resume in the capital, Daily Example, diplomacy، peace"
    head += f'<meta name="keywords" content="{keywords}">'
    meta = extract(extractor, page_html(head=head))
    assert (meta.tags, meta.sources["tags"]) == (["diplomacy", "peace"], "keywords")
    ld = ld_script({"@type": "NewsArticle", "keywords": ["talks", "UN"]})
    assert extract(extractor, page_html(head=head + ld)).tags == ["talks", "UN"]


def test_visible_tag_box(extractor: MetadataExtractor) -> None:
    box = '<div class="tags">Tags: <a href="/tag/un">UN</a>, <a href="/tag/peace">peace</a></div>'
    html = page_html().replace("</div></div>", "</div>" + box + "</div>")
    assert extract(extractor, html).tags == ["UN", "peace"]


def test_language_declared_checked_against_the_text(extractor: MetadataExtractor) -> None:
    meta = extract(extractor, page_html(lang="en-GB"))
    assert (meta.language, meta.sources["language"]) == ("en", "html_lang")
    arabic = "أعلن الجيش اللبناني اليوم عن خطة أمنية جديدة في العاصمة بعد اجتماع طويل للحكومة."
    meta = extract(extractor, page_html(body=arabic, lang="en"), text=arabic)
    assert (meta.language, meta.sources["language"]) == ("ar", "langid")
    meta = extract(extractor, page_html(body="بيروت", lang="ar"), text="بيروت")
    assert meta.language == "ar"


def test_site_profile_survives_serialization() -> None:
    profile = SiteProfile()
    for _ in range(3):
        profile.observe({"suffix:daily"}, set(), {"news"}, {"http://x/logo.png"})
    again = SiteProfile.from_dict(json.loads(json.dumps(profile.to_dict())))
    assert again.is_affix("suffix:daily") and again.is_site_keyword("news")
    with pytest.raises(ValueError):
        SiteProfile.from_dict({"version": 0})


_STAMPS = [
    "December 3, 2005", "Tuesday, May 22, 2007", "18 December 2012 11:32 GMT",
    "2011-11-20 21:03:52", "Nov 21, 2013 2:00 pm UTC", "Sept 5, 2013", "May 5th, 2017",
    "March 5, 2013 at 10:27 am", "22 January 2018 9:22 p.m.", "Mon, 22 Jan 2018 09:22:00 GMT",
    "February 30, 2013", "13:45 PM December 3, 2005",
]  # fmt: skip


def test_common_stamp_shapes_read_as_dateparser_reads_them() -> None:
    reference = VisibleDateParser()
    reference._shapes.checks = 10**9  # never trusted: dateparser reads every stamp
    fast = VisibleDateParser(memory=0)
    for _ in range(5):  # past the checks, each shape is read without dateparser
        for stamp in _STAMPS:
            assert fast.read(stamp, "en") == reference.read(stamp, "en"), stamp


def test_a_shape_dateparser_disagrees_with_is_left_to_it() -> None:
    calls: list[str] = []

    def reference(text: str) -> datetime | None:
        calls.append(text)
        return datetime(2007, 5, 22)

    shapes = StampShapes(checks=1)
    assert shapes.read("May 23, 2007", ("en",), reference) == datetime(2007, 5, 22)
    assert shapes.read("May 24, 2007", ("en",), reference) == datetime(2007, 5, 22)
    assert len(calls) == 2


def test_stamp_lines_cut_by_separators_are_read_part_by_part() -> None:
    reader = VisibleDateParser()
    read = [
        [(s.moment.isoformat(), s.update, s.text) for s in reader.read(line, "en")]
        for line in (
            "4/25/2013 @ 10:14AM |13,730 views",  # dateparser's search finds no date here
            "PTI | 05:01 PM,Jan 17,2012",
            "May 3, 2012 | Updated | May 4, 2012 9:00 am | World",
        )
    ]
    assert read == [
        [("2013-04-25T10:14:00", False, "4/25/2013 @ 10:14AM")],
        [("2012-01-17T17:01:00", False, "05:01 PM,Jan 17,2012")],
        [
            ("2012-05-03T00:00:00", False, "May 3, 2012"),
            ("2012-05-04T09:00:00", True, "May 4, 2012 9:00 am"),
        ],
    ]


def test_dates_amid_words_are_read_without_dateparsers_search(monkeypatch: Any) -> None:
    import newsspider.core.visibledates as visibledates

    def no_search(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("dateparser's search was called")

    monkeypatch.setattr(visibledates, "search_dates", no_search)
    reader = VisibleDateParser()
    read = [
        [(s.moment.isoformat(), s.update, s.text) for s in reader.read(line, "en")]
        for line in (
            "by Jon Lee - Nov 20, 2013 9:55 pm UTC",
            "Page last updated at 02:18 GMT, Tuesday, 10 March 2009",
            "Posted by Ann Lee on July 18, 2012 at 11:00 AM",
            "by Ann Lee Published Nov. 7, 2012 1:21 pm Updated Nov. 7, 2012 4:01 pm",
            "Posted on September 28th, 2012 and 18 comments",
            "By Ann Lee | Last updated February 26, 2009 6:45 PM CT",  # a zone it cannot read
            "It first tested the missile in July 2006, but it failed.",  # no day: no date
            "© 2012 The Associated Press. This material may not be published",
        )
    ]
    assert read == [
        [("2013-11-20T21:55:00+00:00", False, "Nov 20, 2013 9:55 pm UTC")],
        [("2009-03-10T02:18:00+00:00", True, "02:18 GMT, Tuesday, 10 March 2009")],
        [("2012-07-18T11:00:00", False, "July 18, 2012 at 11:00 AM")],
        [
            ("2012-11-07T13:21:00", False, "Nov. 7, 2012 1:21 pm"),
            ("2012-11-07T16:01:00", True, "Nov. 7, 2012 4:01 pm"),
        ],
        [("2012-09-28T00:00:00", False, "September 28th, 2012")],
        [("2009-02-26T18:45:00", True, "February 26, 2009 6:45 PM")],
        [],
        [],
    ]


def test_dates_run_together_are_read_one_by_one(monkeypatch: Any) -> None:
    import newsspider.core.visibledates as visibledates

    def no_search(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("dateparser's search was called")

    monkeypatch.setattr(visibledates, "search_dates", no_search)
    reader = VisibleDateParser()
    read = [
        [(s.moment.isoformat(), s.update, s.text) for s in reader.read(line, language)]
        for line, language in (
            ("April 7, 2017 04/07/2017 11:06 p.m.", "en"),  # two dates, no words between
            ("Last Updated: Thursday, 13 October 2005 10:36 11:36 UK", "en"),  # two clocks
            ("by Ann Lee @annlee5 March 27, 2017: 4:46 PM ET", "en"),
            ("6 января 2012 8:39 0", "ru"),  # a comment count after the clock
        )
    ]
    assert read == [
        [
            ("2017-04-07T00:00:00", False, "April 7, 2017"),
            ("2017-04-07T23:06:00", False, "04/07/2017 11:06 p.m."),
        ],
        [("2005-10-13T10:36:00", True, "Thursday, 13 October 2005 10:36")],
        [("2017-03-27T00:00:00", False, "March 27, 2017")],
        [("2012-01-06T08:39:00", False, "6 января 2012 8:39")],
    ]


def test_a_date_glued_to_words_is_searched(monkeypatch: Any) -> None:
    import newsspider.core.visibledates as visibledates

    searched: list[str] = []
    search_dates = visibledates.search_dates

    def search(text: str, **kwargs: Any) -> Any:
        searched.append(text)
        return search_dates(text, **kwargs)

    monkeypatch.setattr(visibledates, "search_dates", search)
    found = VisibleDateParser().read("2012年01月16日09:13华商晨报", "zh")
    assert searched and [s.moment.isoformat() for s in found] == ["2012-01-16T09:13:00"]


@pytest.mark.parametrize(
    ("language", "line", "expected"),
    [
        ("es", "Por Juan Pérez | 3 de mayo de 2012", "2012-05-03T00:00:00"),
        ("pt", "Publicado em 3 de maio de 2012 às 10h15", "2012-05-03T10:15:00"),
        ("en", "Posted on the 3rd of May 2012 at 10:15", "2012-05-03T10:15:00"),
        ("ar", "السبت 3 مارس 2018 | 10:15 م", "2018-03-03T22:15:00"),
        ("ar", "السبت 3 مارس 2018 - 10:15 مساءً", "2018-03-03T22:15:00"),
        ("en", "By Jon - Nov 20, 2013 9:55 GMT+2", "2013-11-20T09:55:00+02:00"),
        ("en", "By Jon - Nov 20, 2013 9:55 +0200", "2013-11-20T09:55:00+02:00"),
        ("it", "Di Anna Rossi, 3 maggio 2012 alle 10:15", "2012-05-03T10:15:00"),
        ("uk", "22 січня 2018 р. о 12:22", "2018-01-22T12:22:00"),
    ],
)
def test_stamps_amid_words_in_other_languages(language: str, line: str, expected: str) -> None:
    assert [s.moment.isoformat() for s in VisibleDateParser().read(line, language)] == [expected]


def test_a_zone_one_language_cannot_read_stays_read_in_another() -> None:
    reader = VisibleDateParser()
    reader.read("记者 张三 2012年05月03日 10:15 EST 来源：新华社", "zh")
    found = reader.read("By Bob - 4 May 2012 10:15 EST", "en")
    assert [s.moment.isoformat() for s in found] == ["2012-05-04T10:15:00-05:00"]


def test_capital_am_pm_after_a_clock_is_not_a_zone() -> None:
    found = VisibleDateParser().read("12/28/2005 3:13:17 PM, by Ken Fisher", "en")
    assert [s.moment.isoformat() for s in found] == ["2005-12-28T15:13:17"]
