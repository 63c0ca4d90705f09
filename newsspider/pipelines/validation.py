"""The validation pipeline: no record that breaks the output schema is written."""

from __future__ import annotations

import json
import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newsspider.items import ArticleItem
from newsspider.schema import ArticleValidator, article_record

logger = logging.getLogger(__name__)


class ValidationPipeline:
    """Validates every article against the output schema (:mod:`newsspider.schema`) just
    before it is written; an invalid one is logged (ERROR, with what is wrong), counted
    (``validation/invalid``, ``validation/invalid/<field>``) and dropped, never written
    broken. A record must also serialize to strict JSON in UTF-8, so a feed line always
    parses. Runs last (900). NEWSSPIDER_VALIDATION_ENABLED turns it off.
    """

    def __init__(self, crawler: Crawler, validator: ArticleValidator, debug: bool) -> None:
        self.stats = crawler.stats
        self.validator = validator
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSSPIDER_VALIDATION_ENABLED"):
            raise NotConfigured("NEWSSPIDER_VALIDATION_ENABLED is off")
        return cls(crawler, ArticleValidator(), settings.getbool("NEWSSPIDER_DEBUG"))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        record = article_record(item, self.debug)
        errors = self.validator.errors(record)
        try:
            json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
            errors.append(f"(record): not serializable as UTF-8 JSON: {exc}")
        if not errors:
            self.stats.inc_value("validation/valid")
            return item
        self.stats.inc_value("validation/invalid")
        for field_name in sorted({error.split(":", 1)[0].split(".", 1)[0] for error in errors}):
            self.stats.inc_value(f"validation/invalid/{field_name}")
        raise DropItem(f"invalid record {item.url}: {'; '.join(errors[:5])}", log_level="ERROR")
