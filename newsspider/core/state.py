"""Where learned state persists between runs: one interface, a local and a Redis backend.

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


class StateError(ValueError):
    """A stored record exists but is not valid state."""


class StateStore(Protocol):
    """Key-value storage of JSON documents, grouped in namespaces."""

    def load(self, namespace: str, key: str) -> dict[str, Any] | None:
        """The document saved under (namespace, key), or None if there is none."""
        ...

    def save(self, namespace: str, key: str, document: dict[str, Any]) -> None:
        """Store `document` under (namespace, key), replacing any previous one."""
        ...


class MemoryStateStore:
    """State kept in memory for one process (no NEWSSPIDER_STATE_DIR)."""

    def __init__(self) -> None:
        self._docs: dict[tuple[str, str], str] = {}

    def load(self, namespace: str, key: str) -> dict[str, Any] | None:
        raw = self._docs.get((namespace, key))
        return None if raw is None else _decode(raw, f"{namespace}/{key}")

    def save(self, namespace: str, key: str, document: dict[str, Any]) -> None:
        self._docs[(namespace, key)] = json.dumps(document)


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
