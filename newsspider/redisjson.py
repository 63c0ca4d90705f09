"""JSON for the requests scrapy-redis keeps in Redis, instead of its default pickle.

A Redis that others can write to must not be able to make a worker run code: pickle would.
Requests become JSON with bytes (bodies, header values) as ``{"$b": base64}``. Used as
``SCHEDULER_SERIALIZER`` when crawling on Redis (see newsspider.cluster).

    >>> loads(dumps({"url": "http://x/", "body": b"\\x00", "headers": {b"A": [b"1"]}}))
    {'url': 'http://x/', 'body': b'\\x00', 'headers': {b'A': [b'1']}}
"""

from __future__ import annotations

import base64
import json
from typing import Any

_BYTES = "$b"
_BYTES_KEYS = "$kb"  # a mapping with bytes keys (Scrapy's request headers)


def dumps(obj: Any) -> str:
    """`obj` (a request dict) as JSON; TypeError for anything else JSON cannot hold."""
    return json.dumps(_encode(obj), separators=(",", ":"))


def loads(data: str | bytes) -> Any:
    """The object :func:`dumps` wrote; ValueError if `data` is not such JSON."""
    return _decode(json.loads(data))


def _encode(obj: Any) -> Any:
    if isinstance(obj, bytes):
        return {_BYTES: base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, dict):
        if any(isinstance(k, bytes) for k in obj):
            return {_BYTES_KEYS: [[_encode(k), _encode(v)] for k, v in obj.items()]}
        return {str(k): _encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_encode(v) for v in obj]
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    raise TypeError(f"cannot keep {type(obj).__name__} in a Redis request queue")


def _decode(obj: Any) -> Any:
    if isinstance(obj, dict):
        if set(obj) == {_BYTES}:
            return base64.b64decode(obj[_BYTES], validate=True)
        if set(obj) == {_BYTES_KEYS}:
            return {_decode(k): _decode(v) for k, v in obj[_BYTES_KEYS]}
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj
