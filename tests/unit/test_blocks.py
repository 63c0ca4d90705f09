from __future__ import annotations

from newsspider.core.blocks import class_tokens, parse_page


def test_blocks_follow_block_elements_and_count_link_text() -> None:
    page = parse_page(
        "<html><body><div id='main'><h1>Title</h1><p>First <b>bold</b> para "
        "<a href='/x'>link</a>.</p><ul><li><a href='/a'>Menu</a></li></ul></div></body></html>"
    )
    assert [b.text for b in page.blocks] == ["Title", "First bold para link.", "Menu"]
    assert page.blocks[1].link_chars == 4
    assert page.blocks[2].link_ratio == 1.0
    assert ("/x", "link") in page.links


def test_block_paths_name_the_same_place_on_another_page() -> None:
    a = parse_page("<div class='post-1 entry'><p>One</p></div>")
    b = parse_page("<div class='entry post-22'><p>Two</p></div>")
    node_a = a.parents[a.blocks[0].node]
    node_b = b.parents[b.blocks[0].node]
    assert a.tokens[node_a] == b.tokens[node_b] == (".entry", ".post-0")


def test_scripts_styles_and_comments_are_not_text() -> None:
    page = parse_page(
        "<html><head><title>T</title><script>var x=1;</script></head><body>"
        "<style>p{}</style><!-- hidden --><p>Visible</p><script>alert(1)</script></body></html>"
    )
    assert [b.text for b in page.blocks] == ["Visible"]
    assert page.title == "T"


def test_head_metadata_is_collected() -> None:
    page = parse_page(
        '<html lang="ar"><head><meta property="og:title" content="Hello">'
        '<link rel="canonical" href="/a/1"><script type="application/ld+json">{"@type":'
        '"NewsArticle"}</script></head><body><p>x</p></body></html>'
    )
    assert page.lang == "ar"
    assert page.meta["og:title"] == "Hello"
    assert page.canonical == "/a/1"
    assert page.json_ld == ['{"@type":"NewsArticle"}']


def test_broken_and_empty_markup_never_raises() -> None:
    assert parse_page("").blocks == []
    assert parse_page(b"\x00\xff\xfe garbage").blocks is not None
    page = parse_page("<div><p>unclosed <b>bold<div>nested</p></span>")
    assert "nested" in " ".join(b.text for b in page.blocks)


def test_windows_1256_bytes_decode_with_their_encoding() -> None:
    text = "بيروت - العرب اليوم"
    page = parse_page(f"<p>{text}</p>".encode("cp1256"), encoding="cp1256")
    assert page.blocks[0].text == text


def test_class_tokens_drop_hash_like_tokens_and_fold_digits() -> None:
    assert class_tokens("item-42", "a " + "x" * 40) == ("#item-0", ".a")


def test_amp_rendering_is_a_link_and_canonical_is_kept() -> None:
    page = parse_page(
        '<html><head><link rel="canonical" href="/a/1"><link rel="amphtml" href="/amp/a/1">'
        "</head><body><p>x</p></body></html>"
    )
    assert page.canonical == "/a/1"
    assert ("/amp/a/1", "") in page.links


def test_hidden_elements_are_not_text_but_their_links_are_links() -> None:
    page = parse_page(
        '<div><p>Shown<span style="display: none">a copy <a href="/x">for robots</a></span>'
        ' and more</p><div hidden><p>Collapsed</p></div><p style="visibility:hidden">Not seen'
        '</p><p style="color: red">Seen</p></div>'
    )
    assert [b.text for b in page.blocks] == ["Shown and more", "Seen"]
    assert page.links == [("/x", "for robots")]


def test_a_page_hidden_until_its_scripts_run_is_still_read() -> None:
    page = parse_page('<html style="visibility:hidden"><body style="display: none"><p>Story</p>')
    assert [b.text for b in page.blocks] == ["Story"]


def test_upper_case_markup_and_blank_text_between_blocks() -> None:
    page = parse_page(
        "<HTML LANG=en><BODY><DIV CLASS=Post-7>\n  <P>Hello <A HREF=/x>You</A><BR>there</P>\n"
        "  <P>\n </P></DIV></BODY></HTML>"
    )
    assert [(b.text, b.link_chars) for b in page.blocks] == [("Hello You", 3), ("there", 0)]
    assert list(zip(page.tags, page.tokens, strict=True)) == [
        ("html", ()), ("body", ()), ("div", (".post-0",)), ("p", ()), ("p", ()),
    ]  # fmt: skip
    assert page.links == [("/x", "You")] and page.lang == "en"


def test_text_after_an_early_end_of_document_is_read_as_browsers_do() -> None:
    # An ad snippet that writes "</body></html>" mid-page (big9 forbes-2005 has one): libxml2
    # alone drops everything after it, the article included; browsers read on.
    markup = (
        "<html><body><table><tr><td><p>Ad</p></body></html></td></tr></table>"
        "<div><p>The article.</p></div></body></html>"
    )
    for data in (markup, markup.encode("utf-8")):
        page = parse_page(data)
        assert [b.text for b in page.blocks] == ["Ad", "The article."]
    upper = parse_page("<p>a</p></BODY></HTML >\n<p>b</p>")
    assert [b.text for b in upper.blocks] == ["a", "b"]


def test_link_text_is_the_words_a_reader_sees_in_it() -> None:
    page = parse_page(
        "<div><a href='/a'><script>load('#img-1');</script>3 hrs ago <b>Big</b> story</a>"
        " after</div><a href='/b'><svg><title>Logo</title></svg></a><a name='top'>Top</a>"
    )
    assert page.links == [("/a", "3 hrs ago Big story"), ("/b", "")]
    assert [(b.text, b.link_chars) for b in page.blocks] == [
        ("3 hrs ago Big story after", 17),
        ("Top", 3),  # an anchor without href: not followed, still link text
    ]
