"""Item pipelines: thin adapters from Scrapy items to newsspider.core, in the order they run.

1. :class:`TemplatePipeline` learns each site's template and cleans the article text.
2. :class:`MetadataPipeline` fills the metadata fields and removes the dateline from the text.
3. :class:`DedupPipeline` drops articles already emitted under another URL or text.
4. :class:`ValidationPipeline` drops (and counts) any record that breaks the output schema.
"""

from newsspider.pipelines.dedup import DedupPipeline, text_fingerprint
from newsspider.pipelines.metadata import MetadataPipeline
from newsspider.pipelines.store import state_store
from newsspider.pipelines.template import TemplatePipeline
from newsspider.pipelines.validation import ValidationPipeline

__all__ = [
    "DedupPipeline",
    "MetadataPipeline",
    "TemplatePipeline",
    "ValidationPipeline",
    "state_store",
    "text_fingerprint",
]
