from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsspider.core.blocks import parse_page
from newsspider.core.counting import LossyCounter
from newsspider.core.pagekind import is_article
from newsspider.core.state import LocalStateStore, StateError, safe_filename
from newsspider.core.urls import canonical_url, site_of


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Ex.com/a?utm_source=tw&utm_medium=social", "http://ex.com/a"),
        ("http://ex.com/a?b=2&a=1#frag", "http://ex.com/a?a=1&b=2"),
        ("https://ex.com:443/a?fbclid=XYZ&gclid=1", "https://ex.com/a"),
        ("http://ex.com:8080/news/1.html?print=1", "http://ex.com:8080/news/1.html"),
        ("http://ex.com/amp/news/1/", "http://ex.com/news/1/"),
        ("http://ex.com/search?q=word", "http://ex.com/search?q=word"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_site_is_the_netloc_with_port() -> None:
    assert site_of("http://127.0.0.1:8001/x") != site_of("http://127.0.0.1:8002/x")


def test_an_ipv6_host_keeps_its_brackets() -> None:
    assert (
        canonical_url("http://[2001:DB8::1]:8080/a?utm_source=x") == "http://[2001:db8::1]:8080/a"
    )
    assert site_of("https://[::1]:443/news/") == "[::1]"
    assert site_of("http://[::1]:8001/x") != site_of("http://[::1]:8002/x")


def test_listing_and_article_pages_are_told_apart() -> None:
    prose = "<p>" + "A long sentence of reporting about the news of the day. " * 10 + "</p>"
    teasers = "".join(
        f"<div class='t'><h2><a href='/a/{i}'>Headline number {i} here</a></h2>"
        f"<p>{'Summary words for the teaser of this story. ' * 3}</p></div>"
        for i in range(8)
    )
    assert is_article(parse_page(f"<body><div>{prose}</div></body>"), "http://x/a/1.html")[0]
    assert not is_article(parse_page(f"<body>{teasers}</body>"), "http://x/politics")[0]
    assert not is_article(parse_page(f"<body><div>{prose}</div></body>"), "http://x/")[0]
    assert not is_article(parse_page(f"<div>{prose}</div>"), "http://x/tag/economy")[0]
    marked = '<html><head><meta property="og:type" content="article"></head><body><p>Hi</p>'
    assert is_article(parse_page(marked), "http://x/")[0]


def test_state_files_stay_inside_the_state_dir(tmp_path: Path) -> None:
    store = LocalStateStore(tmp_path / "state")
    for hostile in ("../../etc/passwd", "..%2f..%2fetc", "/abs/path", "a\x00b", "con:"):
        store.save("templates", hostile, {"v": 1})
        assert store.load("templates", hostile) == {"v": 1}
        assert "/" not in safe_filename(hostile)
    written = [p.resolve() for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(p.is_relative_to((tmp_path / "state").resolve()) for p in written)


def test_corrupt_state_raises_state_error(tmp_path: Path) -> None:
    store = LocalStateStore(tmp_path)
    store.save("templates", "site", {"v": 1})
    store.path("templates", "site").write_text("{not json")
    with pytest.raises(StateError):
        store.load("templates", "site")
    store.path("templates", "site").write_text(json.dumps([1, 2]))
    with pytest.raises(StateError):
        store.load("templates", "site")


def test_lossy_counter_keeps_frequent_keys_and_stays_small() -> None:
    counter: LossyCounter[str] = LossyCounter(bucket_pages=10, max_entries=100)
    for page in range(1000):
        counter.add("menu")
        counter.add(f"paragraph-{page}")
        counter.end_page()
    assert counter.count("menu") == 1000
    assert len(counter) < 20
    restored = LossyCounter.from_dict(json.loads(json.dumps(counter.to_dict())), 10, 100)
    assert restored.count("menu") == 1000


def test_lossy_counter_tallies_equal_adds_per_key() -> None:
    pairs = [("a", 3), ("b", 1), ("a", 4), ("c", 0), ("a", 1)]
    one: LossyCounter[str] = LossyCounter(bucket_pages=10, max_entries=100)
    other: LossyCounter[str] = LossyCounter(bucket_pages=10, max_entries=100)
    for _ in range(2):  # a known key and a new one
        one.add_tallies(pairs)
        one.end_page()
        for key in dict.fromkeys(k for k, _ in pairs):
            values = [v for k, v in pairs if k == key]
            other.add(key, len(values), sum(values))
        other.end_page()
    assert one.to_dict() == other.to_dict()
    assert one.count("a") == 2


def test_short_article_beside_sidebar_teasers_is_an_article() -> None:
    teasers = "".join(
        f"<li><a href='/a/{i}'>Another headline number {i}</a><p>{'Teaser words here. ' * 5}</p>"
        "</li>"
        for i in range(6)
    )
    brief = (
        "<p>The minister resigned on Monday after a week of protests in the capital, "
        "officials said.</p>"
    )
    page = parse_page(
        f"<body><div class='main'>{brief}</div><ul class='side'>{teasers}</ul></body>"
    )
    assert is_article(page, "http://x/news/brief.html")[0]
    listing = parse_page(f"<body><ul>{teasers}</ul></body>")
    assert not is_article(listing, "http://x/news/world")[0]


def test_section_page_with_a_wordy_footer_is_not_an_article() -> None:
    teasers = "".join(
        f"<article><h2><a href='/a/{i}'>Headline number {i} of the day</a></h2>"
        f"<p>{'Summary words for the teaser of this story. ' * 3}</p></article>"
        for i in range(8)
    )
    footer = "<footer><p>" + "The Site is an independent newspaper, founded in 1901. " * 3
    page = parse_page(f"<body><main>{teasers}</main>{footer}</p></footer></body>")
    assert not is_article(page, "http://x/world/")[0]


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("http://127.0.0.1:8001/levant/2024/05/story-12.html",
         "http://127.0.0.1:8001/levant/2024/05/story-12.html"),
        ("http://news.example:80/a/b", "http://news.example/a/b"),
        ("https://news.example:443/a", "https://news.example/a"),
        ("https://news.example:99999/a", "https://news.example/a"),
        ("http://News.example/a", "http://news.example/a"),
        ("http://news.example/a/../b/./c", "http://news.example/b/c"),
        ("http://news.example/2018/story/amp", "http://news.example/2018/story"),
        ("http://news.example/story.amp.html", "http://news.example/story.html"),
        ("http://news.example/caf%C3%A9~x", "http://news.example/caf%C3%A9~x"),
        ("http://news.example/a b", "http://news.example/a%20b"),
    ],
)  # fmt: skip
def test_plain_urls_are_kept_and_others_canonicalized(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical
