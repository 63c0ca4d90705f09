"""Charset choice for pages whose server lies, binary sniffing, and nesting caps."""

from __future__ import annotations

import pytest

from newsspider.core.blocks import parse_page
from newsspider.core.encoding import decode_html, header_charset, looks_binary
from newsspider.core.markup import cap_nesting

ARABIC = "<p>أعلنت الحكومة خطة جديدة لتطوير النقل العام في العاصمة</p>"
META_UTF8 = '<meta charset="utf-8">'
META_1256 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'


def page(head: str, body: str = ARABIC) -> str:
    return f"<html><head>{head}<title>t</title></head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("content_type", "html", "encoding", "expected"),
    [
        # Declared honestly: header, meta, BOM, or nothing but valid UTF-8.
        ("text/html; charset=utf-8", page(""), "utf-8", ("utf-8", "header", False)),
        ("text/html", page(META_1256), "cp1256", ("cp1256", "meta", False)),
        ("text/html", page('<meta charset="ISO-8859-6">'), "iso-8859-6",
         ("iso8859-6", "meta", False)),
        ("text/html", page(""), "utf-8-sig", ("utf-8", "bom", False)),
        ("text/html; charset=windows-1252", page(""), "utf-8-sig", ("utf-8", "bom", False)),
        (None, page(""), "utf-8", ("utf-8", "default", False)),
        # The header lies: the body or its meta tells the truth.
        ("text/html; charset=iso-8859-1", page(META_UTF8), "utf-8", ("utf-8", "utf-8", True)),
        ("text/html; charset=iso-8859-1", page(""), "utf-8", ("utf-8", "utf-8", True)),
        ("text/html; charset=ISO-8859-1", page(META_1256), "cp1256", ("cp1256", "meta", True)),
        ("text/html; charset=utf-8", page(META_1256), "cp1256", ("cp1256", "meta", True)),
        ("text/html; charset=x-bogus", page(META_UTF8), "utf-8", ("utf-8", "meta", True)),
        # The meta lies (a CMS template's default) over UTF-8 bytes.
        ("text/html", page('<meta charset="windows-1252">'), "utf-8", ("utf-8", "utf-8", True)),
    ],
)  # fmt: skip
def test_arabic_decodes_without_mojibake(
    content_type: str | None, html: str, encoding: str, expected: tuple[str, str, bool]
) -> None:
    decoded = decode_html(html.encode(encoding), content_type)
    assert (decoded.encoding, decoded.source, decoded.overruled) == expected
    assert ARABIC in decoded.text and "\ufffd" not in decoded.text
    assert not decoded.lossy


def test_latin1_page_stays_latin1() -> None:
    html = page("", "<p>Caf\u00e9 cr\u00e8me, d\u00e9j\u00e0 vu</p>")
    decoded = decode_html(html.encode("latin-1"), "text/html; charset=iso-8859-1")
    assert (decoded.encoding, decoded.overruled) == ("cp1252", False)
    assert "Café crème, déjà vu" in decoded.text


def test_ascii_page_keeps_its_header_whatever_the_meta_says() -> None:
    decoded = decode_html(page(META_1256, "<p>plain</p>").encode(), "text/html; charset=latin1")
    assert (decoded.source, decoded.overruled) == ("header", False)


def test_undecodable_bytes_are_flagged_not_hidden() -> None:
    body = "<p>مرحبا</p>".encode() + b"\xff\xfe\xfd"
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert decoded.lossy and decoded.encoding == "utf-8"
    assert decoded.text.startswith("<p>مرحبا</p>") and "\ufffd" in decoded.text


def test_meta_claiming_utf16_is_read_as_utf8() -> None:
    decoded = decode_html(page('<meta charset="utf-16">').encode(), "text/html")
    assert decoded.encoding == "utf-8" and ARABIC in decoded.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text/html; charset=UTF-8", "UTF-8"),
        (b'text/html; charset="windows-1256"', "windows-1256"),
        ("text/html", None),
        (None, None),
    ],
)
def test_header_charset(value: str | bytes | None, expected: str | None) -> None:
    assert header_charset(value) == expected


@pytest.mark.parametrize(
    ("body", "binary"),
    [
        (bytes(range(256)) * 8, True),
        (b"\x89PNG\r\n\x1a\n" + b"<p>" * 100, True),
        (b"%PDF-1.7\n", True),
        ("<p>نص عربي</p>".encode("cp1256"), False),
        ("<p>text</p>".encode("utf-16"), False),  # BOM: text
        (b"<p>a stray NUL\x00 in a page</p>" * 20, False),
        (b"\x1b$B", False),  # ISO-2022-JP escapes
        (b"", False),
    ],
)
def test_looks_binary(body: bytes, binary: bool) -> None:
    assert looks_binary(body) is binary


def test_cap_nesting_drops_tags_not_text() -> None:
    deep = b"<div>" * 10 + b"<p>deep</p>" + b"</div>" * 10 + b"<p>after</p>"
    capped = cap_nesting(deep, 3)
    assert capped == b"<div>" * 3 + b"deep" + b"</div>" * 3 + b"<p>after</p>"


def test_cap_nesting_leaves_void_and_stray_tags() -> None:
    html = b"<div><br><img src=x></span><p>a</p></div>"
    assert cap_nesting(html, 1) == b"<div><br><img src=x></span>a</div>"


def test_parse_page_reads_past_nesting_deeper_than_libxml2_allows() -> None:
    html = "<h1>T</h1>" + "<div class='ad'>" * 5000 + "Ad" + "</div>" * 5000 + "<p>Body</p>"
    assert [b.text for b in parse_page(html).blocks] == ["T", "Ad", "Body"]


def test_parse_page_bytes_in_an_encoding_libxml2_does_not_name() -> None:
    page_ = parse_page("<p>café</p>".encode("latin-1"), "latin-1")
    assert [b.text for b in page_.blocks] == ["café"]
