"""URL identity: the canonical form under which an article is known.

>>> canonical_url("HTTP://Example.COM:80/a/b.html?utm_source=x&b=2&a=1#top")
'http://example.com/a/b.html?a=1&b=2'
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that only say where a reader came from.
TRACKING_PARAMS = (
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "ref",
    "ref_src", "ref_url", "referrer", "cmpid", "ocid", "_ga", "spm", "share", "smid",
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "hmb_", "at_", "itm_", "ns_")
# Query parameters that only select a rendering of the same article.
VARIANT_PARAMS = ("print", "amp", "output", "outputtype", "view", "mobile", "m")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_PATH = re.compile(r"(/amp)(?=/|$)|(\.amp)(?=\.html?$|$)", re.I)
# Most links: lower-case scheme and host, a path of unreserved characters, no query or
# fragment. canonicalize_url leaves those as they are (w3lib's safe path characters).
_PLAIN = re.compile(
    r"(?P<scheme>https?)://(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
    r"(?::(?P<port>[1-9][0-9]{0,4}))?/[A-Za-z0-9._~/-]*\Z"
)
_DOT_SEGMENT = re.compile(r"/\.\.?(?=/|\Z)")  # "/./" and "/../" are resolved


def canonical_url(url: str) -> str:
    """The URL without tracking or rendering parameters, fragment and default port;
    scheme and host lower-cased, query sorted.

    >>> canonical_url("https://news.example/amp/2018/01/story/?print=1&fbclid=abc")
    'https://news.example/2018/01/story/'
    """
    if _is_plain(url):
        return url  # already canonical: what follows would give it back unchanged
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    cleaned = urlunsplit((scheme, netloc, path, parts.query, ""))
    query_keys = {k.split("=", 1)[0] for k in parts.query.split("&") if k}
    drop = [k for k in query_keys if _is_noise_param(k)]
    if drop:
        cleaned = url_query_cleaner(cleaned, drop, remove=True, unique=False)
    return canonicalize_url(cleaned, keep_fragments=False)


def _is_plain(url: str) -> bool:
    """Whether `url` is already in canonical form, judged without parsing it."""
    match = _PLAIN.match(url)
    if match is None or _AMP_PATH.search(url) or _DOT_SEGMENT.search(url):
        return False
    port = match["port"]
    return port is None or int(port) <= 65535 and int(port) != _DEFAULT_PORTS[match["scheme"]]


def _is_noise_param(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name in VARIANT_PARAMS or name.startswith(_TRACKING_PREFIXES)


def site_of(url: str) -> str:
    """The site of a URL: its netloc, host lower-cased, default port dropped.

    >>> site_of("http://127.0.0.1:8080/news/1.html"), site_of("https://Example.com:443/")
    ('127.0.0.1:8080', 'example.com')
    """
    return urlsplit(canonical_url(url)).netloc
