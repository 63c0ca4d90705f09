"""Where learned state persists between runs: one interface, a local and a Redis backend.

Documents are loaded and saved whole. A store shared by several crawl processes
(:class:`RedisStateStore`) adds what sharing needs, :class:`SharedStateStore`: versioned
documents replaced only if nobody replaced them since they were read (compare-and-set), and
append-only logs appended to only if nobody appended since they were read. Both checks run
inside Redis (Lua scripts), so two workers never overwrite each other's learning.

State is JSON, never pickle: a state directory or a Redis instance may have been written by
someone else, and reading it back must not run code. A record that cannot be read is
reported and treated as absent (a fresh start for that key), never a crash.

    >>> import tempfile
    >>> store = LocalStateStore(tempfile.mkdtemp())
    >>> store.save("templates", "127.0.0.1:8080", {"version": 1})
    >>> store.load("templates", "127.0.0.1:8080")
    {'version': 1}
    >>> store.load("templates", "elsewhere") is None
    True
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
from pathlib import Path
from typing import Any, NoReturn, Protocol

logger = logging.getLogger(__name__)

_NAMESPACE = re.compile(r"[a-z][a-z0-9_]{0,40}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+|\.{2,}")
_INT_BOUND = 2**64
LOG_BATCH = 500  # log entries one log_read returns at most


class StateError(ValueError):
    """A stored record exists but is not valid state."""


class LogTrimmed(StateError):
    """The log no longer holds the entries asked for: they were trimmed after a snapshot
    (:meth:`SharedStateStore.log_trim`); read the snapshot, then the log from its position.
    `first` is the position of the first entry kept."""

    def __init__(self, message: str, first: int) -> None:
        super().__init__(message)
        self.first = first


class StateStore(Protocol):
    """Key-value storage of JSON documents, grouped in namespaces."""

    def load(self, namespace: str, key: str) -> dict[str, Any] | None:
        """The document saved under (namespace, key), or None if there is none."""
        ...

    def save(self, namespace: str, key: str, document: dict[str, Any]) -> None:
        """Store `document` under (namespace, key), replacing any previous one."""
        ...


class SharedStateStore(StateStore, Protocol):
    """A store several processes use at once: compare-and-set documents, guarded logs."""

    def load_versioned(self, namespace: str, key: str) -> tuple[dict[str, Any] | None, int]:
        """The document and its version (0 when there is none)."""
        ...

    def save_if(self, namespace: str, key: str, document: dict[str, Any], version: int) -> bool:
        """Store `document` only if the stored version is still `version`; False if not."""
        ...

    def log_read(self, namespace: str, key: str, start: int) -> list[dict[str, Any]]:
        """The log's entries from position `start` on (a bounded batch; call again).

        Positions count every entry ever appended, trimmed ones included; LogTrimmed if
        `start` lies before the first entry still kept.
        """
        ...

    def log_append_if(
        self, namespace: str, key: str, entries: list[dict[str, Any]], length: int
    ) -> bool:
        """Append `entries` only if the log still holds exactly `length` entries (trimmed
        ones included)."""
        ...

    def log_trim(self, namespace: str, key: str, upto: int) -> int:
        """Drop the entries before position `upto` (never past the end); the position of
        the first entry kept."""
        ...


def is_shared(store: StateStore) -> bool:
    """Whether `store` is used by several processes at once (see SharedStateStore)."""
    return bool(getattr(store, "shared", False))


class MemoryStateStore:
    """State kept in memory for one process (no NEWSSPIDER_STATE_DIR).

    It has the shared-store operations too (``shared=True`` makes it claim to be shared),
    so the logic that merges several workers' learning is testable without a Redis server.
    """

    def __init__(self, shared: bool = False) -> None:
        self.shared = shared
        self._docs: dict[tuple[str, str], tuple[str, int]] = {}
        self._logs: dict[tuple[str, str], list[str]] = {}
        self._log_bases: dict[tuple[str, str], int] = {}  # entries trimmed off each log

    def load(self, namespace: str, key: str) -> dict[str, Any] | None:
        return self.load_versioned(namespace, key)[0]

    def save(self, namespace: str, key: str, document: dict[str, Any]) -> None:
        version = self._docs.get((namespace, key), ("", 0))[1]
        self._docs[(namespace, key)] = (json.dumps(document), version + 1)

    def load_versioned(self, namespace: str, key: str) -> tuple[dict[str, Any] | None, int]:
        raw, version = self._docs.get((namespace, key), (None, 0))
        return (None if raw is None else _decode(raw, f"{namespace}/{key}")), version

    def save_if(self, namespace: str, key: str, document: dict[str, Any], version: int) -> bool:
        if self._docs.get((namespace, key), ("", 0))[1] != version:
            return False
        self._docs[(namespace, key)] = (json.dumps(document), version + 1)
        return True

    def log_read(self, namespace: str, key: str, start: int) -> list[dict[str, Any]]:
        log = self._logs.get((namespace, key), [])
        base = self._log_bases.get((namespace, key), 0)
        if start < base:
            raise LogTrimmed(f"{namespace}/{key} log starts at {base}, not {start}", base)
        window = log[start - base : start - base + LOG_BATCH]
        return [_decode(raw, f"{namespace}/{key} log") for raw in window]

    def log_append_if(
        self, namespace: str, key: str, entries: list[dict[str, Any]], length: int
    ) -> bool:
        log = self._logs.setdefault((namespace, key), [])
        if self._log_bases.get((namespace, key), 0) + len(log) != length:
            return False
        log.extend(json.dumps(entry) for entry in entries)
        return True

    def log_trim(self, namespace: str, key: str, upto: int) -> int:
        log = self._logs.setdefault((namespace, key), [])
        base = self._log_bases.get((namespace, key), 0)
        upto = min(upto, base + len(log))
        if upto > base:
            del log[: upto - base]
            self._log_bases[(namespace, key)] = base = upto
        return base


class LocalStateStore:
    """JSON files under a directory, replaced atomically (write, fsync, rename).

    File names come from keys through :func:`safe_filename`, so a hostile host name cannot
    write outside the directory.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, namespace: str, key: str) -> Path:
        """The file that holds (namespace, key): ``<root>/<namespace>/<safe key>.json``."""
        if not _NAMESPACE.fullmatch(namespace):
            raise ValueError(f"bad state namespace {namespace!r}")
        return self.root / namespace / (safe_filename(key) + ".json")

    def load(self, namespace: str, key: str) -> dict[str, Any] | None:
        path = self.path(namespace, key)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StateError(f"unreadable state file {path}: {exc}") from exc
        return _decode(raw, str(path))

    def save(self, namespace: str, key: str, document: dict[str, Any]) -> None:
        path = self.path(namespace, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(document, fh, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


_SAVE_IF = """
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if ARGV[1] ~= '-1' and version ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'version', version + 1)
return 1
"""

# A log is a list (KEYS[1]) and the count of entries trimmed off its front (KEYS[2]).
_APPEND_IF = """
local base = tonumber(redis.call('GET', KEYS[2]) or '0')
if base + redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
for i = 2, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
return 1
"""

_LOG_READ = """
local base = tonumber(redis.call('GET', KEYS[2]) or '0')
local start = tonumber(ARGV[1]) - base
if start < 0 then return {tostring(base)} end
local entries = redis.call('LRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)
table.insert(entries, 1, tostring(base))
return entries
"""

_LOG_TRIM = """
local base = tonumber(redis.call('GET', KEYS[2]) or '0')
local upto = math.min(tonumber(ARGV[1]), base + redis.call('LLEN', KEYS[1]))
if upto <= base then return base end
redis.call('LTRIM', KEYS[1], upto - base, -1)
redis.call('SET', KEYS[2], upto)
return upto
"""


class RedisStateStore:
    """State in Redis, shared by every worker of a crawl cluster.

    A document is a hash ``<prefix>:state:<namespace>:<key>`` with fields ``doc`` (JSON) and
    ``version`` (bumped by every save); a log is a list ``<prefix>:log:<namespace>:<key>``
    of JSON entries, with the count of entries trimmed off its front in
    ``<prefix>:logbase:<namespace>:<key>``. The guarded operations are Lua scripts, atomic in
    Redis.
    """

    shared = True

    def __init__(self, url: str, prefix: str = "newsspider", client: Any = None) -> None:
        import redis  # only a cluster needs it

        self.url = url
        self.prefix = prefix
        self.client = client or redis.Redis.from_url(
            url, socket_timeout=30, socket_connect_timeout=10
        )
        try:
            self.client.ping()
        except redis.RedisError as exc:
            raise StateError(f"cannot reach Redis at {url}: {exc}") from exc
        self._save_if = self.client.register_script(_SAVE_IF)
        self._append_if = self.client.register_script(_APPEND_IF)
        self._log_read = self.client.register_script(_LOG_READ)
        self._log_trim = self.client.register_script(_LOG_TRIM)

    def key(self, kind: str, namespace: str, key: str) -> str:
        """The Redis key of a document (kind "state") or a log (kind "log")."""
        if not _NAMESPACE.fullmatch(namespace):
            raise ValueError(f"bad state namespace {namespace!r}")
        return f"{self.prefix}:{kind}:{namespace}:{key}"

    def load(self, namespace: str, key: str) -> dict[str, Any] | None:
        return self.load_versioned(namespace, key)[0]

    def save(self, namespace: str, key: str, document: dict[str, Any]) -> None:
        self._save_if(keys=[self.key("state", namespace, key)], args=[-1, _encode(document)])

    def load_versioned(self, namespace: str, key: str) -> tuple[dict[str, Any] | None, int]:
        where = self.key("state", namespace, key)
        raw, version = self.client.hmget(where, ["doc", "version"])
        document = None if raw is None else _decode(_text(raw, where), f"redis {where}")
        return document, int(version or 0)

    def save_if(self, namespace: str, key: str, document: dict[str, Any], version: int) -> bool:
        where = self.key("state", namespace, key)
        return bool(self._save_if(keys=[where], args=[version, _encode(document)]))

    def _log_keys(self, namespace: str, key: str) -> list[str]:
        """A log's list and the count of entries trimmed off its front."""
        return [self.key("log", namespace, key), self.key("logbase", namespace, key)]

    def log_read(self, namespace: str, key: str, start: int) -> list[dict[str, Any]]:
        keys = self._log_keys(namespace, key)
        where = keys[0]
        base, *raw = self._log_read(keys=keys, args=[start, LOG_BATCH])
        if start < int(base):
            raise LogTrimmed(f"redis {where} starts at {int(base)}, not {start}", int(base))
        return [_decode(_text(entry, where), f"redis {where}") for entry in raw]

    def log_append_if(
        self, namespace: str, key: str, entries: list[dict[str, Any]], length: int
    ) -> bool:
        keys = self._log_keys(namespace, key)
        encoded = [_encode(entry) for entry in entries]
        return bool(self._append_if(keys=keys, args=[length, *encoded]))

    def log_trim(self, namespace: str, key: str, upto: int) -> int:
        keys = self._log_keys(namespace, key)
        return int(self._log_trim(keys=keys, args=[upto]))


def _text(raw: bytes | str, where: str) -> str:
    """A Redis value as text (others may have written anything there)."""
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StateError(f"corrupt state in redis {where}: not UTF-8 ({exc})") from exc


def _encode(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def safe_filename(name: str) -> str:
    """A file name for any string: unsafe characters folded, a digest keeps names distinct.

    >>> safe_filename("127.0.0.1:8080")
    '127.0.0.1_8080-b678fa77'
    >>> safe_filename("..%2f..%2fetc")
    '2f__2fetc-4744aaac'
    """
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    cleaned = _UNSAFE.sub("_", name).strip("._")[:80]
    return f"{cleaned}-{digest}"


def _decode(raw: str, where: str) -> dict[str, Any]:
    try:
        document = json.loads(
            raw, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant
        )
    except RecursionError as exc:
        raise StateError(f"corrupt state in {where}: JSON nested too deeply") from exc
    except ValueError as exc:
        raise StateError(f"corrupt state in {where}: {exc}") from exc
    if not isinstance(document, dict):
        raise StateError(f"corrupt state in {where}: not a JSON object")
    return document


def _bounded_int(text: str) -> int:
    """A JSON integer within 64 bits (state holds 64-bit hashes at most): a huge count would
    overflow float arithmetic later, far from where it was read."""
    value = int(text)
    if not -_INT_BOUND < value < _INT_BOUND:
        raise ValueError(f"integer out of range: {text[:24]}...")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:24]}")
    return value


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number state may hold")
