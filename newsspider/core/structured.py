"""The machine-readable side of a page: JSON-LD objects and the meta tags metadata reads.

JSON-LD comes as raw script texts (:attr:`Page.json_ld`); this module parses them, flattens
``@graph`` and nested objects, resolves ``{"@id": ...}`` references and picks the object that
describes *this* page's article rather than a related one.

    >>> ld = ['{"@graph": [{"@type": "WebSite", "name": "Daily"},'
    ...       ' {"@type": "NewsArticle", "headline": "Hi", "author": {"@id": "#p"}},'
    ...       ' {"@id": "#p", "@type": "Person", "name": "Ann Lee"}]}']
    >>> data = parse_json_ld(ld)
    >>> article = data.article("http://x/a", "Hi")
    >>> article["headline"], data.names(article.get("author"))
    ('Hi', ['Ann Lee'])
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

# Types whose object is an article (schema.org's Article subtypes news sites use).
ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
        "asknewsarticle", "satiricalarticle", "blogposting", "liveblogposting",
        "techarticle", "report", "socialmediaposting",
    }
)  # fmt: skip
# Types that describe the page around an article: a weaker source of dates and language.
PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage"})
_MAX_DEPTH = 6
_COMMENT_WRAP = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
_LIST_SPLIT = re.compile(r"\s*[,;،]\s*")
_WORD = re.compile(r"\w+")


@dataclass
class JsonLd:
    """The JSON-LD objects of a page, flattened, with an index of their ``@id``."""

    objects: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """(depth, object) for every typed object; depth 0 is a top-level or ``@graph`` member."""
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: int = 0
    """Script texts that were not JSON."""

    def of_types(self, types: frozenset[str]) -> list[tuple[int, dict[str, Any]]]:
        """The objects with one of `types` (lower-case, without a vocabulary prefix)."""
        return [(d, o) for d, o in self.objects if types.intersection(type_names(o))]

    def article(self, url: str, title: str = "") -> dict[str, Any] | None:
        """The article object that describes the page at `url` (or headed `title`).

        An object naming the page's URL wins; then one whose headline is the title; then
        the shallowest one (a related article sits deeper, inside a list or a ``hasPart``).
        """
        articles = self.of_types(ARTICLE_TYPES)
        if not articles:
            return None
        page_key = url_key(url)
        title_words = set(_WORD.findall(title.lower()))

        def rank(entry: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
            depth, obj = entry
            own = page_key != "" and page_key in {url_key(u) for u in self._urls_of(obj)}
            headline = set(_WORD.findall(self.text(obj.get("headline")).lower()))
            same = bool(title_words) and len(headline & title_words) >= 0.8 * len(title_words)
            return (-int(own), -int(same), depth)

        return min(articles, key=rank)[1]

    def page_object(self) -> dict[str, Any] | None:
        """The shallowest WebPage-like object, if any."""
        pages = sorted(self.of_types(PAGE_TYPES), key=lambda entry: entry[0])
        return pages[0][1] if pages else None

    def resolve(self, value: Any) -> Any:
        """A ``{"@id": ...}`` reference replaced by the object it names, when known."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
            return self.ids.get(str(value["@id"]), value)
        return value

    def text(self, value: Any) -> str:
        """A plain string from a value that may be a string, a list or a named object."""
        value = self.resolve(value)
        if isinstance(value, list):
            return next((t for t in (self.text(v) for v in value) if t), "")
        if isinstance(value, dict):
            for key in ("@value", "name", "alternateName", "url", "@id"):
                if isinstance(value.get(key), str):
                    return str(value[key]).strip()
            return ""
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value).strip()
        return ""

    def names(self, value: Any) -> list[str]:
        """Names in an author-like value: strings, Person/Organization objects, or lists."""
        items = value if isinstance(value, list) else [value]
        found: list[str] = []
        for item in items:
            item = self.resolve(item)
            name = self.text(item.get("name")) if isinstance(item, dict) else self.text(item)
            if name and not name.startswith(("http://", "https://", "#")):
                found.append(name)
        return found

    def list_of(self, value: Any) -> list[str]:
        """A keyword-like value as a list: lists kept, comma-separated strings split."""
        if isinstance(value, list):
            return [t for t in (self.text(v) for v in value) if t]
        return [t for t in _LIST_SPLIT.split(self.text(value)) if t]

    def images(self, value: Any) -> list[tuple[str, str]]:
        """(url, caption) of an ``image`` value: URL strings, ImageObjects or lists of them."""
        items = value if isinstance(value, list) else [value]
        found: list[tuple[str, str]] = []
        for item in items:
            item = self.resolve(item)
            if isinstance(item, str) and item.strip():
                found.append((item.strip(), ""))
            elif isinstance(item, dict):
                url = self.text(item.get("url") or item.get("contentUrl"))
                if url:
                    found.append((url, self.text(item.get("caption") or item.get("description"))))
        return found

    def _urls_of(self, obj: Mapping[str, Any]) -> Iterable[str]:
        for key in ("url", "@id"):
            if isinstance(obj.get(key), str):
                yield obj[key]
        main = obj.get("mainEntityOfPage")
        if isinstance(main, dict):
            main = main.get("@id") or main.get("url")
        if isinstance(main, str):
            yield main


def parse_json_ld(scripts: Iterable[str]) -> JsonLd:
    """Parse a page's JSON-LD script texts; a script that is not JSON is counted, skipped."""
    data = JsonLd()
    for raw in scripts:
        try:
            value = json.loads(_COMMENT_WRAP.sub("", raw), strict=False)
        except (json.JSONDecodeError, RecursionError) as exc:
            data.errors += 1
            logger.debug("JSON-LD not parsed: %s", exc)
            continue
        _collect(value, 0, data)
    return data


def _collect(value: Any, depth: int, data: JsonLd) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            _collect(item, depth, data)
        return
    if not isinstance(value, dict):
        return
    if "@type" in value:
        data.objects.append((depth, value))
        if isinstance(value.get("@id"), str) and len(value) > 2:
            data.ids.setdefault(value["@id"], value)
    for key, child in value.items():
        if key == "@graph":
            _collect(child, depth, data)
        elif isinstance(child, dict | list) and not key.startswith("@"):
            _collect(child, depth + 1, data)


def type_names(obj: Mapping[str, Any]) -> set[str]:
    """An object's ``@type`` values, lower-cased, vocabulary prefixes removed.

    >>> sorted(type_names({"@type": ["schema:NewsArticle", "http://schema.org/Article"]}))
    ['article', 'newsarticle']
    """
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/:#]", v)[-1].lower() for v in values if isinstance(v, str)}


def url_key(url: str) -> str:
    """A URL compared loosely: no scheme, no ``www.``, no fragment, no trailing slash.

    >>> url_key("https://www.Example.com/a/b/#top")
    'example.com/a/b'
    """
    key = re.sub(r"^[a-z]+://(www\.)?", "", url.strip().lower()).split("#", 1)[0]
    return key.rstrip("/")


def meta_value(meta: Mapping[str, str], names: Iterable[str]) -> tuple[str, str] | None:
    """The first of `names` the page's meta tags give a non-empty value: (name, value)."""
    for name in names:
        value = meta.get(name, "").strip()
        if value:
            return name, value
    return None
