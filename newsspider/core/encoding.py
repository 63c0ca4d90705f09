"""Bytes of a fetched page -> text, even when the server lies about the charset.

The usual order (w3lib, browsers) is BOM, then the ``Content-Type`` header, then ``<meta>``.
Servers often send a default header (``charset=iso-8859-1``) whatever the page is, so a
header that cannot be right gives way:

* a generic Western charset (iso-8859-1, windows-1252, ascii) over bytes that are valid,
  non-ASCII UTF-8 gives way to UTF-8 (Latin-1 text is almost never valid UTF-8);
* a generic Western charset gives way to a different charset the page's ``<meta>`` declares;
* a charset the bytes are not valid in gives way to the next declaration the bytes are
  valid in, then to UTF-8.

    >>> body = '<meta charset="utf-8"><p>مرحبا</p>'.encode()
    >>> d = decode_html(body, "text/html; charset=iso-8859-1")
    >>> d.text[-12:], d.encoding, d.source, d.overruled
    ('<p>مرحبا</p>', 'utf-8', 'utf-8', True)
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([^\s;\"']+)", re.I)
# What servers and CMS templates declare by default, whatever the page holds.
_GENERIC = frozenset({"cp1252", "iso8859-1", "ascii"})
_WIDE = ("utf-16", "utf-32")
_FALLBACK = "cp1252"
_SNIFF = 4096
_MAGIC = (b"\x89PNG", b"%PDF-", b"PK\x03\x04", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BZh")
# C0 controls no text uses (tab, newlines, form feed and ESC, for ISO-2022, are kept).
_CONTROL = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}))
_MAX_CONTROL_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Decoded:
    """A page's text and how its encoding was chosen.

    `source` is where the encoding came from: ``bom``, ``header``, ``meta``, ``utf-8``
    (valid UTF-8 overruling a declaration) or ``default`` (nothing declared). `declared` is
    the first charset the page declared: the header's label as sent, else the meta's.
    `overruled` means a declaration was wrong or unusable; `lossy` that some bytes fit no
    candidate and became U+FFFD.
    """

    text: str
    encoding: str
    source: str
    declared: str | None = None
    overruled: bool = False
    lossy: bool = False


def decode_html(body: bytes, content_type: str | bytes | None = None) -> Decoded:
    """Decode an HTML (or any text) response body; never raises.

    >>> decode_html(b"caf\\xe9", "text/html").text, decode_html(b"caf\\xc3\\xa9").text
    ('café', 'café')
    """
    encoding, bom = read_bom(body)
    if encoding is not None and bom is not None:
        return _decode(body[len(bom) :], encoding, "bom")
    label = header_charset(content_type)
    header = resolve_encoding(label) if label else None
    meta = _meta_charset(body)
    declared = [(enc, src) for enc, src in ((header, "header"), (meta, "meta")) if enc]
    given = label or meta
    for encoding, source in _candidates(body, declared):
        if _decodes(body, encoding):
            header_lost = bool(label) and encoding != header
            meta_lost = bool(declared) and source == "utf-8"
            return _decode(body, encoding, source, given, header_lost or meta_lost)
    encoding, source = declared[0] if declared else (_FALLBACK, "default")
    return _decode(body, encoding, source, given, bool(label) and header is None)


def header_charset(content_type: str | bytes | None) -> str | None:
    """The charset label of a Content-Type header, as sent.

    >>> header_charset("text/html; charset=ISO-8859-1"), header_charset(b"text/html")
    ('ISO-8859-1', None)
    """
    if not content_type:
        return None
    if isinstance(content_type, str):
        content_type = content_type.encode("latin-1", "replace")
    match = _CHARSET.search(content_type)
    return match.group(1).decode("ascii", "replace") if match else None


def looks_binary(body: bytes) -> bool:
    """Whether a body claimed as text is binary: a known file signature or many control
    bytes (NUL included) at its start. A UTF-16/32 BOM marks text.

    >>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n..."), looks_binary("<p>نص</p>".encode())
    (True, False)
    """
    head = body[:_SNIFF]
    encoding, _ = read_bom(head)
    if encoding is not None:
        return False
    if head.startswith(_MAGIC):
        return True
    # Random or compressed bytes are ~10% controls; text has none, bar a stray NUL.
    controls = len(head) - len(head.translate(None, _CONTROL))
    return bool(head) and controls / len(head) > _MAX_CONTROL_SHARE


def _candidates(body: bytes, declared: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Encodings to try in order: the first in which `body` is valid wins."""
    if not declared:
        return [("utf-8", "default")]
    first = declared[0][0]
    preferred: list[tuple[str, str]] = []
    if _canonical(first) in _GENERIC and not body.isascii():
        preferred.append(("utf-8", "utf-8"))
        preferred += [d for d in declared[1:] if d[0] != first]
    return [*preferred, *declared, ("utf-8", "utf-8")]


def _meta_charset(body: bytes) -> str | None:
    meta = html_body_declared_encoding(body)
    # A document that can declare its charset in ASCII markup is not UTF-16 (HTML spec).
    return "utf-8" if meta and meta.startswith(_WIDE) else meta


def _canonical(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _decode(
    body: bytes,
    encoding: str,
    source: str,
    declared: str | None = None,
    overruled: bool = False,
) -> Decoded:
    try:
        return Decoded(body.decode(encoding), encoding, source, declared, overruled)
    except UnicodeDecodeError:
        text = body.decode(encoding, "replace")
    except LookupError:
        encoding, text = _FALLBACK, body.decode(_FALLBACK, "replace")
    return Decoded(text, encoding, source, declared, overruled, lossy=True)
