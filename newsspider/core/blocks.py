"""HTML -> ordered text blocks that keep their structural place in the page.

A *block* is the text one block-level element holds directly (its inline descendants
included, its block-level descendants not), so a paragraph, a list item, a heading or a
table cell each become one block. Every block-level element becomes a *node*, numbered in
document order, with its tag and its class/id tokens; a block points at the node that owns
it, and nodes point at their parent, so a template model can name the same place on another
page of the site. (Inline elements, ``a``, ``span``, ``b``..., are not nodes: their text
belongs to the block of the block-level element around them.)

    >>> page = parse_page('<div class="post-17"><p>Hello <a href="/x">you</a></p></div>')
    >>> [(b.text, b.link_chars) for b in page.blocks]
    [('Hello you', 3)]
    >>> node = page.blocks[0].node
    >>> page.tags[node], page.tokens[page.parents[node]]
    ('p', ('.post-0',))
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from lxml import etree

from newsspider.core.markup import cap_nesting
from newsspider.core.memo import Memo

logger = logging.getLogger(__name__)

# Elements whose text a reader never sees as prose.
_SKIPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object",
        "embed", "select", "option", "textarea", "head", "math", "video", "audio", "map",
        "button",
    }
)  # fmt: skip
# Elements that start a new block of text.
_BLOCK_TAGS = frozenset(
    {
        "html", "body", "p", "div", "section", "article", "main", "aside", "header", "footer",
        "nav", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table",
        "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "blockquote", "pre", "figure",
        "figcaption", "form", "fieldset", "legend", "address", "center", "hr", "details",
        "summary", "hgroup", "menu", "dialog", "frame", "frameset", "noframes",
    }
)  # fmt: skip
# Inline elements whose attributes metadata needs.
_INLINE_DATA_TAGS = frozenset({"img", "time", "link", "meta"})
# What the walk does with an element, by tag: one lookup per event. Tags not named here
# are inline (their text joins the block around them); comments and entities are skipped.
_INLINE, _BLOCK, _LINK, _BREAK, _DATA, _SKIPPED = range(6)
_KINDS: dict[object, int] = {
    **dict.fromkeys(("span", "b", "i", "em", "strong", "small", "font", "u", "label"), _INLINE),
    **dict.fromkeys(_BLOCK_TAGS, _BLOCK),
    **dict.fromkeys(_INLINE_DATA_TAGS, _DATA),
    **dict.fromkeys(_SKIPPED_TAGS, _SKIPPED),
    "a": _LINK,
    "br": _BREAK,
}
_DIGITS = re.compile(r"\d+")
_TOKEN_SPLIT = re.compile(r"[\s]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# HTML5 parsers never close an element at </body> or </html> (content after them still goes
# into the body); libxml2 drops whatever follows </html>, and an ad snippet that writes one
# mid-page takes the article with it.
_DOCUMENT_END_TAGS = re.compile(rb"</(?:body|html)\s*>", re.I)
# Pages hide these until scripts or fonts have loaded ("anti-flicker"): their text is shown.
_NEVER_HIDDEN = frozenset({"html", "body"})
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_MAX_TOKEN_LEN = 32
_TOKEN_MEMORY = 20_000  # (id, class) pairs a PageParser remembers; cleared when full
_MAX_REMEMBERED_CHARS = 300  # longer attribute values are not remembered
_TokenKey = tuple[str | None, str | None]  # an element's (id, class) attribute values


@dataclass(slots=True)
class Block:
    """The text an element holds directly, with how much of it is link text."""

    text: str
    node: int
    link_chars: int
    index: int = 0

    @property
    def link_ratio(self) -> float:
        """Share of the block's characters that sit inside links."""
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass(slots=True)
class Page:
    """A parsed page: its nodes, blocks, links and the head data metadata needs.

    A node's number indexes `tags`, `tokens` (normalized id/class tokens) and `parents`
    (-1 at the root). Three lists, not a record per node: a page has hundreds of nodes,
    and records are objects the cyclic garbage collector visits on every full collection
    while a site's pages are held (template warm-up), where lists of strings, numbers and
    token tuples are not (~0.2 ms a page on the corpus, measured by untracking).
    """

    tags: list[str] = field(default_factory=list)
    tokens: list[tuple[str, ...]] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    title: str = ""
    lang: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    canonical: str = ""
    json_ld: list[str] = field(default_factory=list)
    images: list[tuple[int, str, str]] = field(default_factory=list)
    times: list[tuple[int, str]] = field(default_factory=list)

    def ancestors(self, node: int) -> list[int]:
        """Node indexes from `node` up to the root, `node` first."""
        chain = []
        while node >= 0:
            chain.append(node)
            node = self.parents[node]
        return chain

    @property
    def text_length(self) -> int:
        """Characters of visible text on the page."""
        return sum(len(b.text) for b in self.blocks)


def normalize_text(text: str) -> str:
    """Whitespace folded, ends stripped: ``' a \\n b '`` -> ``'a b'``."""
    return " ".join(text.split())  # splits where a str pattern's \\s matches


def class_tokens(element_id: str | None, classes: str | None) -> tuple[str, ...]:
    """Normalized id and class tokens of an element, digits folded to ``0``.

    Tokens too long to be a designer's name (hashes, encoded state) are left out.

    >>> class_tokens("post-4711", "entry  Content b3f9a8c2d1e0f4a5b6c7d8e9f0a1b2c3d4")
    ('#post-0', '.content', '.entry')
    """
    found: set[str] = set()
    if element_id:
        token = _DIGITS.sub("0", element_id.strip().lower())
        if 0 < len(token) <= _MAX_TOKEN_LEN:
            found.add("#" + token)
    if classes:
        for raw in _TOKEN_SPLIT.split(classes.lower()):
            if 0 < len(raw) <= _MAX_TOKEN_LEN:
                found.add("." + _DIGITS.sub("0", raw))
    return tuple(sorted(found))


def parse_page(markup: str | bytes, encoding: str | None = None) -> Page:
    """Parse HTML into a :class:`Page`; broken markup is repaired, never raised on.

    An empty or unparsable document gives a page with no blocks. (One page: a crawl
    parses with one :class:`PageParser`.)
    """
    return PageParser().parse(markup, encoding)


class PageParser:
    """Parses pages as :func:`parse_page` does, remembering across pages the class/id
    tokens of the attribute values it met (a site's pages repeat them): at most
    `memory` pairs of values of up to 300 characters, forgotten all at once when full."""

    def __init__(self, memory: int = _TOKEN_MEMORY) -> None:
        self.tokens: Memo[_TokenKey, tuple[str, ...]] = Memo(_tokens_of, memory)

    def parse(self, markup: str | bytes, encoding: str | None = None) -> Page:
        """The :class:`Page` of `markup` (see :func:`parse_page`)."""
        root = _parse_tree(markup, encoding)
        page = Page()
        if root is None:
            return page
        _Walker(page, self.tokens).walk(root)
        return page


def _tokens_of(key: _TokenKey) -> tuple[str, ...]:
    return class_tokens(*key)


def _parse_tree(markup: str | bytes, encoding: str | None) -> etree._Element | None:
    if isinstance(markup, str):
        markup = _XML_DECL.sub("", markup, count=1)
        if not markup.strip():
            return None
        data = markup.encode("utf-8", "surrogatepass")
        encoding = "utf-8"
    elif encoding is not None:
        try:  # Python knows more codecs than libxml2 ("latin-1" is not one of its names)
            return _parse_tree(markup.decode(encoding, "replace"), None)
        except LookupError:
            data, encoding = markup, None  # unknown to both: let libxml2 sniff
    else:
        data = markup
    if not data.strip():
        return None
    data = _DOCUMENT_END_TAGS.sub(b"", data)
    # Plain etree elements: lxml.html's element classes cost a lookup per element.
    # huge_tree: libxml2 stops reading at 256 levels of nesting without it, 2048 with it.
    # collect_ids: no id -> element table (nothing looks elements up by id), 8% less time.
    parser = etree.HTMLParser(
        encoding=encoding, remove_comments=True, remove_pis=True, huge_tree=True, collect_ids=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
        if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
            root = etree.fromstring(cap_nesting(data), parser=parser)  # read on past it
        return root
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, LookupError) as exc:
        logger.debug("unparsable document: %s", exc)
        return None


class _Walker:
    """One pass over the tree: nodes, blocks, links and head data."""

    def __init__(self, page: Page, tokens: Memo[_TokenKey, tuple[str, ...]]) -> None:
        self.page = page
        self.tokens = tokens  # (id, class) -> class_tokens, shared by the parser's pages
        self.owners: list[int] = []  # node index owning each open block
        # Text of the innermost open block since its last flush, and how much of it is link
        # text. Only the innermost can hold any: a block's start and end flush the text
        # before them, so an outer block's text is always a block already.
        self.parts: list[str] = []
        self.link_chars = 0

    def walk(self, root: etree._Element) -> None:
        # The hot path of parsing (two iterations per element of every page): one lookup
        # of the tag says what to do, the open-block bookkeeping is inlined and its stacks
        # held in locals.
        page = self.page
        parts, owners = self.parts, self.owners
        tags, node_tokens, parents, remember = page.tags, page.tokens, page.parents, self.tokens
        cache = remember.entries
        kinds = _KINDS
        hidden: etree._Element | None = None  # the outermost element a reader cannot see
        # One entry per open <a>: where its (href, text) goes in page.links (-1: no href)
        # and its text so far, hidden text included.
        open_links: list[tuple[int, list[str]]] = []
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            tag = el.tag  # libxml2's HTML parser gives element names in lower case
            kind = kinds.get(tag)
            if kind is None:
                kind = _INLINE if tag.__class__ is str else _SKIPPED  # comments, entities
            if kind == _SKIPPED:
                if event == "start":
                    walker.skip_subtree()  # its end event still comes, for the tail
                    if tag == "head":
                        self._read_head(el)
                    elif tag == "script":
                        self._read_script(el)
                    continue
                text = el.tail
            elif event == "start":
                if hidden is None and tag not in _NEVER_HIDDEN:
                    # Hidden from readers: the ``hidden`` attribute, or an inline
                    # display: none / visibility: hidden (collapsed boxes, off-screen copies).
                    style = el.get("style")
                    if el.get("hidden") is not None or (
                        style and _HIDING_STYLE.search(style) is not None
                    ):
                        hidden = el  # its text is not shown; its links are still links
                if kind == _BLOCK:
                    if parts:
                        self._flush()
                    key = (el.get("id"), el.get("class"))
                    tokens = cache.get(key)
                    if tokens is None:
                        short = len(key[1] or "") + len(key[0] or "") <= _MAX_REMEMBERED_CHARS
                        tokens = remember(key) if short else class_tokens(*key)
                    parents.append(owners[-1] if owners else -1)
                    owners.append(len(tags))
                    tags.append(tag)
                    node_tokens.append(tokens)
                    if tag == "html":
                        page.lang = (el.get("lang") or el.get("xml:lang") or "").strip()
                elif kind == _LINK:
                    href = el.get("href")
                    if href:
                        open_links.append((len(page.links), []))
                        page.links.append((href, ""))
                    else:
                        open_links.append((-1, []))
                elif kind == _BREAK:
                    if parts:
                        self._flush()
                elif kind == _DATA:
                    self._read_inline(el, tag)
                text = el.text
            else:
                if kind == _BLOCK:
                    if parts:
                        self._flush()
                    owners.pop()
                elif kind == _LINK:
                    at, words = open_links.pop()
                    if at >= 0:
                        page.links[at] = (page.links[at][0], normalize_text("".join(words)))
                if el is hidden:
                    hidden = None
                text = el.tail
            if not text:
                continue
            for _, words in open_links:
                words.append(text)
            # Whitespace before a block's first words is no part of its text.
            if owners and hidden is None and (parts or not text.isspace()):
                parts.append(text)
                if open_links:
                    self.link_chars += len(text.strip())
        if parts and owners:
            self._flush()

    def _read_inline(self, el: etree._Element, tag: str) -> None:
        page = self.page
        owner = self.owners[-1] if self.owners else -1
        if tag == "img":
            src = el.get("src") or el.get("data-src") or ""
            if src:
                page.images.append((owner, src.strip(), el.get("alt") or ""))
        elif tag == "time":
            stamp = el.get("datetime")
            if stamp:
                page.times.append((owner, stamp.strip()))
        elif tag == "link":
            self._read_link(el)
        elif tag == "meta":
            self._read_meta(el)

    def _flush(self) -> None:
        """The pending text becomes a block of the innermost open block element."""
        text = normalize_text("".join(self.parts))
        if text:
            blocks = self.page.blocks
            links = min(self.link_chars, len(text))
            blocks.append(Block(text, self.owners[-1], links, len(blocks)))
        self.parts.clear()
        self.link_chars = 0

    def _read_head(self, head: etree._Element) -> None:
        for el in head.iter():
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if tag == "title" and not self.page.title:
                self.page.title = normalize_text("".join(el.itertext()))
            elif tag == "meta":
                self._read_meta(el)
            elif tag == "link":
                self._read_link(el)
            elif tag == "script":
                self._read_script(el)

    def _read_link(self, el: etree._Element) -> None:
        """``rel=canonical`` names the page; ``rel=amphtml`` is another rendering of it,
        kept among the links so that the crawl knows (and records) that URL too."""
        rel = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rel:
            self.page.canonical = self.page.canonical or href
        elif "amphtml" in rel and href:
            self.page.links.append((href, ""))

    def _read_meta(self, el: etree._Element) -> None:
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = el.get("content")
        if key and value and key not in self.page.meta:
            self.page.meta[key] = value.strip()

    def _read_script(self, el: etree._Element) -> None:
        if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
            self.page.json_ld.append(el.text)
