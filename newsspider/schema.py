"""The JSON schema of an output record (one line of the JSON Lines feed), and its validator.

The schema is the contract readers of the feed rely on; :class:`~newsspider.items.ArticleItem`
documents each field, this module states what a valid value is. A record has exactly the
exported fields, no others (``debug`` only with NEWSSPIDER_DEBUG). Dates are ISO 8601, URLs
absolute http(s), the language an ISO 639-1 code, and every string encodes to UTF-8 (no lone
surrogates), so a line of the feed is always valid UTF-8.

    >>> validator = ArticleValidator()
    >>> validator.errors({"url": "http://example.com/a", "text": "Body"})[:1]
    ["(record): 'canonical_url' is a required property"]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator

from newsspider.items import output_fields

# Any string without lone surrogates (they cannot be written as UTF-8).
_TEXT = r"^[^\ud800-\udfff]*$"
_URL = r"^https?://[^\s\ud800-\udfff]+$"
_ISO_8601 = (
    r"^\d{4}-\d{2}-\d{2}"
    r"([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$"
)


def _string(pattern: str = _TEXT, nullable: bool = True) -> dict[str, Any]:
    """A string matching `pattern`; a required one (not `nullable`) is never empty."""
    if nullable:
        return {"type": ["string", "null"], "pattern": pattern}
    return {"type": "string", "pattern": pattern, "minLength": 1}


def _strings() -> dict[str, Any]:
    return {"type": "array", "items": _string(nullable=False)}


ARTICLE_SCHEMA: Mapping[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://github.com/newsspider/newsspider/schema/article.json",
    "title": "newsspider article",
    "description": "One article page, cleaned of its site's template (newsspider/items.py).",
    "type": "object",
    "required": ["url", "canonical_url", "site", "crawled_at"],
    "additionalProperties": False,
    "properties": {
        "url": _string(_URL, nullable=False),
        "canonical_url": _string(_URL, nullable=False),
        "site": _string(nullable=False),
        "title": _string(),
        "text": _string(),
        "published": _string(_ISO_8601),
        "modified": _string(_ISO_8601),
        "authors": _strings(),
        "language": {"type": ["string", "null"], "pattern": "^[a-z]{2}$"},
        "section": _string(),
        "source": _string(),
        "dateline": _string(),
        "images": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["url"],
                "properties": {"url": _string(_URL, nullable=False)},
                "additionalProperties": {"type": ["string", "null"], "pattern": _TEXT},
            },
        },
        "tags": _strings(),
        "fingerprint": {"type": ["string", "null"], "pattern": "^[0-9a-f]{16,128}$"},
        "update": {"type": "boolean"},
        "crawled_at": _string(_ISO_8601, nullable=False),
        "debug": {"type": ["object", "null"]},
    },
}


class ArticleValidator:
    """Validates output records against :data:`ARTICLE_SCHEMA` (Draft 2020-12), built once."""

    def __init__(self, schema: Mapping[str, Any] = ARTICLE_SCHEMA) -> None:
        Draft202012Validator.check_schema(schema)
        self._validator = Draft202012Validator(schema)

    def errors(self, record: Mapping[str, Any]) -> list[str]:
        """What is wrong with `record`, one message a problem (``field: message``), or []."""
        found = sorted(self._validator.iter_errors(record), key=lambda e: list(e.path))
        return [f"{_where(e.absolute_path)}: {_short(e.message)}" for e in found]


def article_record(item: Any, debug: bool = False) -> dict[str, Any]:
    """The record a feed writes for `item`: its exported fields, in schema order."""
    return {name: getattr(item, name, None) for name in output_fields(debug)}


def _where(path: Any) -> str:
    return ".".join(str(part) for part in path) or "(record)"


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[:limit] + "..."
