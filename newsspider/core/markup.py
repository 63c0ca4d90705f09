"""Repairs of markup the HTML parser cannot take as it is.

libxml2 stops reading a document nested deeper than its limit (2048 elements with
``huge_tree``): everything after the deep part, the article often, would be lost. Browsers
cap nesting instead (Chrome at 512) and read on; :func:`cap_nesting` does the same to the
markup before it is parsed again.
"""

from __future__ import annotations

import re

MAX_DEPTH = 512
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
_VOID = frozenset(
    b"area base br col embed hr img input link meta param source track wbr".split()
)  # fmt: skip


def cap_nesting(markup: bytes, max_depth: int = MAX_DEPTH) -> bytes:
    """`markup` with the tags that would open an element deeper than `max_depth` removed,
    and their end tags with them; text is kept.

    >>> cap_nesting(b"<div><div><div>x</div></div></div><p>y</p>", 2)
    b'<div><div>x</div></div><p>y</p>'
    """
    open_tags: list[tuple[bytes, bool]] = []  # (name, kept) of each element still open
    out: list[bytes] = []
    pos = 0
    for match in _TAG.finditer(markup):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        keep = True
        if closing:
            keep = _close(open_tags, name)
        elif name not in _VOID and not self_closing:
            keep = len(open_tags) < max_depth
            open_tags.append((name, keep))
        if not keep:
            out.append(markup[pos : match.start()])
            pos = match.end()
    out.append(markup[pos:])
    return b"".join(out)


def _close(open_tags: list[tuple[bytes, bool]], name: bytes) -> bool:
    """Close the innermost open `name` (and what it holds); whether its end tag is kept."""
    for i in range(len(open_tags) - 1, -1, -1):
        if open_tags[i][0] == name:
            kept = open_tags[i][1]
            del open_tags[i:]
            return kept
    return True
