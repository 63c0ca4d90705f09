"""Learning shared by several crawl workers through a :class:`SharedStateStore`.

Two structures are shared, each with the concurrency control that fits it:

- The **dedup index** is a log of decisions. Each worker keeps a full :class:`DedupIndex`
  replayed from the log (replay is deterministic: every worker reaches the same index).
  To decide on an article a worker reads the entries it has not seen, checks the article
  against its index, and appends its entry *only if the log has not grown meanwhile*; if
  it has, it reads again and decides again. Two workers therefore never both emit one
  article: the second to append sees the first's entry before deciding.
- A site's **template model** is a versioned document. A worker counts pages into its own
  copy, then merges: it loads the shared model, adds its new pages to it (page identities
  keep a page from counting twice), and saves it only if nobody saved since it loaded;
  else it loads and merges again. The merged model then replaces its copy.

    >>> from newsspider.core.state import MemoryStateStore
    >>> store = MemoryStateStore(shared=True)
    >>> a, b = SharedDedup(DedupIndex(), store), SharedDedup(DedupIndex(), store)
    >>> a.open(); b.open()
    >>> a.claim("http://x/1", "Floods cut the road north of the city.").kind
    'new'
    >>> b.claim("http://x/1?utm=1", "Floods cut the road north of the city.").kind
    'exact'
"""

from __future__ import annotations

import base64
import logging
import zlib
from collections.abc import Sequence
from typing import Any

from newsspider.core.blocks import Page
from newsspider.core.dedup import DedupIndex, Verdict
from newsspider.core.state import LOG_BATCH, LogTrimmed, SharedStateStore, StateError
from newsspider.core.template import SiteModel, TemplateConfig

logger = logging.getLogger(__name__)

DEDUP_NAMESPACE = "dedup"
DEDUP_LOG = "log"
DEDUP_SNAPSHOT = "snapshot"
TEMPLATE_NAMESPACE = "templates"
_MAX_TEXT = 64 * 1024 * 1024
MAX_ATTEMPTS = 100  # guarded writes retried before giving up (each retry means progress)


class SharedDedup:
    """A :class:`DedupIndex` kept in step with the shared dedup log.

    Log entries are ``{"u": canonical URL, "t": text (zlib, base64), "p": published}``:
    what :meth:`DedupIndex.check` needs to reach the same verdict on every worker, and
    ``"k"``, the request that claimed it (see :meth:`claimed_by`).

    The log does not grow without end: a worker saves a snapshot of its index every
    `snapshot_every` entries (and at close), and the entries more than `keep` before a saved
    snapshot are trimmed. A worker left behind the trimmed part reads the snapshot again.
    """

    def __init__(
        self,
        index: DedupIndex,
        store: SharedStateStore,
        snapshot_every: int = 0,
        keep: int = 10_000,
    ) -> None:
        self.index = index
        self.store = store
        self.snapshot_every = snapshot_every
        self.keep = max(0, keep)
        self.cursor = 0
        self.retries = 0
        self.reloads = 0
        self.snapshot_cursor = 0  # the log position of the last snapshot seen or saved
        self._claimers: dict[str, str] = {}

    def claimed_by(self, canonical_url: str) -> str | None:
        """The request (its ``origin`` name) whose article was last emitted under this
        URL, as recorded in the log since this worker started reading it."""
        return self._claimers.get(canonical_url)

    def open(self) -> None:
        """Start from the last snapshot (if any) and read the log from there on."""
        self._load_snapshot()
        self.catch_up()

    def _load_snapshot(self) -> None:
        try:
            snapshot = self.store.load(DEDUP_NAMESPACE, DEDUP_SNAPSHOT)
            if snapshot is not None:
                self.index = DedupIndex.from_dict(snapshot["index"], self.index.config)
                self.cursor = self.snapshot_cursor = int(snapshot["cursor"])
        except (StateError, KeyError, TypeError, ValueError) as exc:
            logger.error("dedup snapshot unusable, replaying the whole log: %s", exc)
            self.index, self.cursor = DedupIndex(self.index.config), 0

    def catch_up(self) -> int:
        """Apply the entries other workers appended since the last call; how many."""
        applied = 0
        while True:
            try:
                entries = self.store.log_read(DEDUP_NAMESPACE, DEDUP_LOG, self.cursor)
            except LogTrimmed as exc:
                self._reload(exc)
                continue
            for entry in entries:
                self._apply(entry)
            self.cursor += len(entries)
            applied += len(entries)
            if len(entries) < LOG_BATCH:
                return applied

    def _reload(self, trimmed: LogTrimmed) -> None:
        """This worker's position was trimmed off the log: start again from the snapshot
        (every trimmed entry is in it)."""
        behind = self.cursor
        self._load_snapshot()
        self.reloads += 1
        if self.cursor < trimmed.first:
            logger.error(
                "dedup log trimmed past position %d and no usable snapshot covers it: articles "
                "before %d are not known to this worker",
                self.cursor,
                trimmed.first,
            )
            self.cursor = trimmed.first
            return
        logger.info("dedup log trimmed past position %d: snapshot at %d read", behind, self.cursor)

    def claim(
        self,
        canonical_url: str,
        text: str,
        published: str | None = None,
        origin: str | None = None,
    ) -> Verdict:
        """The verdict on an article, recorded in the shared log before it is returned.

        `origin` names the request the article came from (kept in the log entry).
        """
        entry = {"u": canonical_url, "t": pack_text(text), "p": published, "k": origin}
        for _ in range(MAX_ATTEMPTS):
            self.catch_up()
            verdict = self.index.check(canonical_url, text, published)
            if self.store.log_append_if(DEDUP_NAMESPACE, DEDUP_LOG, [entry], self.cursor):
                self.index.add(canonical_url, verdict)
                self.cursor += 1
                self._note_claimer(canonical_url, verdict, origin)
                if 0 < self.snapshot_every <= self.cursor - self.snapshot_cursor:
                    self.snapshot()
                return verdict
            self.retries += 1
        raise StateError(f"dedup log kept changing: {MAX_ATTEMPTS} attempts")

    def snapshot(self) -> bool:
        """Save the index with its log position, unless a later snapshot is stored; then
        trim the log up to `keep` entries before the stored snapshot."""
        saved = False
        for _ in range(MAX_ATTEMPTS):
            stored, version = self.store.load_versioned(DEDUP_NAMESPACE, DEDUP_SNAPSHOT)
            stored_cursor = _cursor_of(stored)
            if stored_cursor >= self.cursor:
                self.snapshot_cursor = max(self.snapshot_cursor, stored_cursor)
                break
            document = {"cursor": self.cursor, "index": self.index.to_dict()}
            if self.store.save_if(DEDUP_NAMESPACE, DEDUP_SNAPSHOT, document, version):
                self.snapshot_cursor, saved = self.cursor, True
                break
        if self.snapshot_cursor > self.keep:
            self.store.log_trim(DEDUP_NAMESPACE, DEDUP_LOG, self.snapshot_cursor - self.keep)
        return saved

    def _apply(self, entry: dict[str, Any]) -> None:
        url, published = entry.get("u"), entry.get("p")
        try:
            text = unpack_text(entry.get("t"))
        except ValueError as exc:
            logger.error("unreadable dedup log entry at %d skipped: %s", self.cursor, exc)
            return
        if not isinstance(url, str) or not isinstance(published, (str, type(None))):
            logger.error("malformed dedup log entry at %d skipped", self.cursor)
            return
        verdict = self.index.check(url, text, published)
        self.index.add(url, verdict)
        origin = entry.get("k")
        self._note_claimer(url, verdict, origin if isinstance(origin, str) else None)

    def _note_claimer(self, url: str, verdict: Verdict, origin: str | None) -> None:
        if not verdict.is_duplicate:
            if origin:
                self._claimers[url] = origin
            else:
                self._claimers.pop(url, None)


def _cursor_of(snapshot: dict[str, Any] | None) -> int:
    """The log position a stored snapshot covers (0: none, or unreadable)."""
    try:
        return int(snapshot["cursor"]) if snapshot is not None else 0
    except (KeyError, TypeError, ValueError):
        return 0


def pack_text(text: str) -> str:
    """Text compressed for the log (news text shrinks to about a third)."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")


def unpack_text(packed: Any) -> str:
    """The text :func:`pack_text` packed; ValueError if it is not such a packing."""
    if not isinstance(packed, str):
        raise ValueError("packed text is not a string")
    try:
        inflate = zlib.decompressobj()
        raw = inflate.decompress(base64.b64decode(packed, validate=True), _MAX_TEXT)
        if not inflate.eof:
            raise ValueError("truncated or over 64 MB")
        return raw.decode("utf-8")
    except (zlib.error, ValueError) as exc:
        raise ValueError(f"bad packed text: {exc}") from exc


def merge_site_model(
    store: SharedStateStore,
    site: str,
    config: TemplateConfig,
    pages: Sequence[tuple[Page, str]],
    finalize: bool = False,
) -> SiteModel | None:
    """The shared model of `site` with `pages` (page, identity) counted into it.

    With no pages this only reads: None when no worker has saved a model of the site yet.
    Pages must be ones the caller's own model has learned from (past warm-up), so a fresh
    shared model warms on the same pages. A page that falls in a template cluster the
    shared model is still warming stays out of it (pending pages are not saved), unless
    `finalize` (the caller's crawl of the site is over, as in :meth:`SiteModel.finalize`):
    a cluster learned from a page or two must not clean every later page of its kind.
    """
    for _ in range(MAX_ATTEMPTS):
        document, version = store.load_versioned(TEMPLATE_NAMESPACE, site)
        if document is None and not pages:
            return None
        try:
            model = SiteModel.from_dict(document, config) if document else SiteModel(config)
        except ValueError as exc:
            logger.error("shared template of %s unusable, replacing it: %s", site, exc)
            model = SiteModel(config)
        if not pages:
            return model
        for page, identity in pages:
            model.observe(page, identity)
        if finalize:
            model.finalize()
        if store.save_if(TEMPLATE_NAMESPACE, site, model.to_dict(), version):
            return model
    raise StateError(f"shared template of {site} kept changing: {MAX_ATTEMPTS} attempts")
