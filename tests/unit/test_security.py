"""Security: address policy, scope and page-limit middlewares, hostile state, safe file names."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import pickle
import re
from collections.abc import Sequence
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from newsspider import settings as project_settings
from newsspider.core.blocks import parse_page
from newsspider.core.netpolicy import AddressPolicy, IPAddress, address_category, parse_networks
from newsspider.core.state import (
    LocalStateStore,
    MemoryStateStore,
    RedisStateStore,
    StateError,
    safe_filename,
)
from newsspider.core.template import SiteModel, TemplateConfig
from newsspider.security import PageLimitMiddleware, ScopeMiddleware
from tests.integration.sites import article_html
from tests.redisserver import redis_server

ROOT = Path(__file__).resolve().parents[2]

# --- address policy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "private"),  # carrier-grade NAT: not global
        ("fd00:ec2::254", "private"),  # AWS metadata over IPv6 (unique local)
        ("169.254.169.254", "link_local"),  # cloud metadata
        ("fe80::1", "link_local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "link_local"),
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link_local"),  # NAT64 of 169.254.169.254
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
        ("::ffff:93.184.216.34", None),
        ("64:ff9b::5db8:d822", None),  # NAT64 of a public address (DNS64 networks)
    ],
)
def test_address_category(address: str, category: str | None) -> None:
    assert address_category(ip_address(address)) == category


def test_a_start_address_allows_exactly_itself() -> None:
    policy = AddressPolicy().allowing([ip_address("127.0.0.1")])
    assert policy.refusal(ip_address("127.0.0.1")) is None
    assert policy.refusal(ip_address("::ffff:127.0.0.1")) is None
    assert policy.refusal(ip_address("127.0.0.2")) == "loopback"
    assert policy.refusal(ip_address("169.254.169.254")) == "link_local"


def test_allowed_networks() -> None:
    policy = AddressPolicy.from_strings(["10.20.0.0/16", " fd00::/8 ", ""])
    assert policy.refusal(ip_address("10.20.9.9")) is None
    assert policy.refusal(ip_address("fd00::5")) is None
    assert policy.refusal(ip_address("10.21.0.1")) == "private"
    assert policy.refusal(ip_address("8.8.8.8")) is None


def test_a_bad_network_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not a network"):
        parse_networks(["10.0.0.0/33"])


# --- ScopeMiddleware ----------------------------------------------------------------------


class FakeResolver:
    """Answers from a table; a list of answers is used in turn (DNS that changes)."""

    def __init__(self, table: dict[str, list[list[str]]]) -> None:
        self.table = {host: list(answers) for host, answers in table.items()}
        self.calls: list[str] = []

    async def __call__(self, host: str) -> Sequence[IPAddress]:
        self.calls.append(host)
        answers = self.table.get(host)
        if not answers:
            raise DNSLookupError(host)
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return [ip_address(a) for a in answer]


def scope(
    sites: set[str] | None,
    resolver: FakeResolver | None = None,
    start_urls: Sequence[str] = (),
    **settings_dict: Any,
) -> tuple[ScopeMiddleware, Any]:
    crawler = get_crawler(Spider, settings_dict)
    spider = Spider(name="t", start_urls=list(start_urls))
    if sites is not None:
        spider.sites = sites  # type: ignore[attr-defined]
    crawler.spider = spider
    mw = build_from_crawler(ScopeMiddleware, crawler)
    mw.resolve = resolver or FakeResolver({})
    return mw, crawler.stats


def check(mw: ScopeMiddleware, url: str, **meta: Any) -> None:
    asyncio.run(mw.process_request(Request(url, meta=meta)))


def test_start_site_on_loopback_is_crawled_other_loopback_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    mw, stats = scope({"127.0.0.1:8080"})
    check(mw, "http://127.0.0.1:8080/news/1.html")
    with caplog.at_level(logging.WARNING), pytest.raises(IgnoreRequest):
        check(mw, "http://127.0.0.2:8080/admin", redirect_urls=["http://127.0.0.1:8080/go"])
    assert stats.get_value("newsspider/security/blocked/offsite") == 1
    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "http://127.0.0.2:8080/admin" in record.getMessage()
    assert "redirected from http://127.0.0.1:8080/go" in record.getMessage()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9999/",  # same host, another port: another service
        "http://localhost:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://2130706433:8080/",  # 127.0.0.1 written as one number
    ],
)
def test_other_netlocs_are_refused_before_any_lookup(url: str) -> None:
    resolver = FakeResolver({})
    mw, stats = scope({"127.0.0.1:8080"}, resolver)
    with pytest.raises(IgnoreRequest):
        check(mw, url)
    assert stats.get_value("newsspider/security/blocked/offsite") == 1
    assert resolver.calls == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1:8080/x"])
def test_only_web_schemes(url: str) -> None:
    mw, stats = scope({"127.0.0.1:8080"})
    with pytest.raises(IgnoreRequest):
        check(mw, url)
    assert stats.get_value("newsspider/security/blocked/scheme") == 1


def test_a_site_whose_dns_turns_private_is_refused() -> None:
    resolver = FakeResolver(
        {"news.example": [["93.184.216.34"], ["169.254.169.254"], ["10.0.0.7"]]}
    )
    mw, stats = scope({"news.example"}, resolver)
    check(mw, "http://news.example/")
    with pytest.raises(IgnoreRequest):
        check(mw, "http://news.example/a")
    with pytest.raises(IgnoreRequest):
        check(mw, "http://news.example/b")
    assert stats.get_value("newsspider/security/blocked/link_local") == 1
    assert stats.get_value("newsspider/security/blocked/private") == 1


def test_a_start_host_on_a_private_address_allows_only_that_address() -> None:
    resolver = FakeResolver({"intranet.news": [["10.0.0.5"], ["10.0.0.5"], ["10.0.0.6"]]})
    mw, stats = scope({"intranet.news"}, resolver)
    check(mw, "http://intranet.news/")
    check(mw, "http://intranet.news/a")
    with pytest.raises(IgnoreRequest):
        check(mw, "http://intranet.news/b")
    assert stats.get_value("newsspider/security/blocked/private") == 1


def test_one_private_address_among_public_ones_is_refused() -> None:
    resolver = FakeResolver({"news.example": [["93.184.216.34"], ["93.184.216.34", "127.0.0.1"]]})
    mw, _ = scope({"news.example"}, resolver)
    check(mw, "http://news.example/")
    with pytest.raises(IgnoreRequest):
        check(mw, "http://news.example/a")


def test_allowed_private_networks_setting() -> None:
    resolver = FakeResolver({"news.example": [["8.8.8.8"], ["10.20.0.9"], ["10.30.0.1"]]})
    mw, _ = scope(
        {"news.example"}, resolver, NEWSSPIDER_ALLOWED_PRIVATE_NETWORKS="10.20.0.0/16,fd00::/8"
    )
    check(mw, "http://news.example/")
    check(mw, "http://news.example/a")
    with pytest.raises(IgnoreRequest):
        check(mw, "http://news.example/b")


def test_a_bad_allowed_network_stops_the_crawl_at_start() -> None:
    with pytest.raises(ValueError, match="not a network"):
        scope({"news.example"}, NEWSSPIDER_ALLOWED_PRIVATE_NETWORKS=["10.0.0.0/8", "intranet"])


def test_dns_failure_is_not_swallowed() -> None:
    mw, _ = scope({"gone.example"}, FakeResolver({}))
    with pytest.raises(DNSLookupError):
        check(mw, "http://gone.example/")


def test_spiders_without_sites_are_kept_on_their_start_urls() -> None:
    mw, stats = scope(None, start_urls=["http://127.0.0.1:8080/"])
    check(mw, "http://127.0.0.1:8080/a")
    with pytest.raises(IgnoreRequest):
        check(mw, "http://127.0.0.1:8081/a")
    assert stats.get_value("newsspider/security/blocked/offsite") == 1


def test_a_response_from_an_address_not_allowed_is_dropped() -> None:
    resolver = FakeResolver({"news.example": [["93.184.216.34"]]})
    mw, stats = scope({"news.example"}, resolver)
    request = Request("http://news.example/a")
    asyncio.run(mw.process_request(request))
    public = HtmlResponse(request.url, body=b"ok", ip_address=ip_address("93.184.216.34"))
    assert mw.process_response(request, public) is public
    rebound = HtmlResponse(request.url, body=b"secret", ip_address=ip_address("127.0.0.1"))
    with pytest.raises(IgnoreRequest):
        mw.process_response(request, rebound)
    assert stats.get_value("newsspider/security/blocked/loopback") == 1
    via_proxy = Request("http://news.example/b", meta={"proxy": "http://127.0.0.1:3128"})
    assert mw.process_response(via_proxy, rebound) is rebound  # the peer is the proxy


def test_scope_runs_before_robots_txt_and_is_registered() -> None:
    priorities = project_settings.DOWNLOADER_MIDDLEWARES
    assert priorities["newsspider.security.ScopeMiddleware"] < 100  # RobotsTxtMiddleware
    assert priorities["newsspider.security.PageLimitMiddleware"] < 100
    assert project_settings.DEPTH_LIMIT > 0
    assert project_settings.NEWSSPIDER_MAX_PAGES_PER_SITE > 0


# --- PageLimitMiddleware ------------------------------------------------------------------


def test_page_limit_per_site(caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler(Spider, {"NEWSSPIDER_MAX_PAGES_PER_SITE": 3})
    mw = build_from_crawler(PageLimitMiddleware, crawler)
    for n in range(3):
        mw.process_request(Request(f"http://a.example/{n}"))
    mw.process_request(Request("http://a.example/0", meta={"retry_times": 1}))  # a retry
    mw.process_request(Request("http://b.example/0"))  # another site has its own count
    with caplog.at_level(logging.WARNING):
        for n in range(3, 6):
            with pytest.raises(IgnoreRequest):
                mw.process_request(Request(f"http://a.example/{n}"))
    assert crawler.stats.get_value("newsspider/security/blocked/page_limit") == 3
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "a.example" in warnings[0].getMessage()


def test_page_limit_zero_disables_it() -> None:
    crawler = get_crawler(Spider, {"NEWSSPIDER_MAX_PAGES_PER_SITE": 0})
    with pytest.raises(NotConfigured):
        build_from_crawler(PageLimitMiddleware, crawler)


# --- state is data, never code ------------------------------------------------------------


def test_no_code_loading_deserializers_in_the_project() -> None:
    """State and settings are read as JSON: no pickle, marshal, eval, exec or yaml.load."""
    forbidden = re.compile(
        r"^\s*(import|from)\s+(pickle|cPickle|marshal|shelve|dill|jsonpickle|yaml)\b"
        r"|(?<![\w.])(eval|exec)\(|yaml\.(unsafe_)?load\(",
        re.MULTILINE,
    )
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in (ROOT / "newsspider").rglob("*.py")
        for match in forbidden.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_settings_hold_no_secrets() -> None:
    """Credentials come from the environment, never from settings.py or scrapy.cfg."""
    for path in (ROOT / "newsspider" / "settings.py", ROOT / "scrapy.cfg"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?im)^\s*\w*(password|passwd|secret|token|api_key)\w*\s*[=:]", text)
        assert not re.search(r"\w+://[^/\s'\"]+:[^/\s'\"]+@", text)  # user:password@host


class _Payload:
    """Unpickling this would create the marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


def hostile_documents(marker: Path) -> dict[str, bytes]:
    """Raw contents of a state file or Redis value someone else may have written."""
    return {
        "pickle": pickle.dumps(_Payload(marker)),
        "yaml": f"!!python/object/apply:os.system ['touch {marker}']".encode(),
        "truncated": b'{"version": 1, "clusters": [',
        "not an object": b"[1, 2, 3]",
        "a string": b'"templates"',
        "nested deeply": b"[" * 100_000,
        "nested deeply in an object": b'{"a":' * 100_000,
        "infinity": b'{"version": 1, "clusters": [{"pages": Infinity}]}',
        "nan": b'{"version": 1, "clusters": [{"pages": NaN}]}',
        "float overflow": b'{"version": 1, "clusters": [{"pages": 1e999}]}',
        "huge integer": b'{"version": 1, "clusters": [{"pages": 1' + b"0" * 4000 + b"}]}",
        "too many digits": b'{"version": 1, "clusters": [{"pages": 1' + b"0" * 5000 + b"}]}",
        "invalid utf-8": b'{"version": 1, "x": "\xff\xfe"}',
        "empty": b"",
    }


def test_hostile_state_files_are_clear_errors_never_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    store = LocalStateStore(tmp_path / "state")
    for name, raw in hostile_documents(marker).items():
        path = store.path("templates", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        with pytest.raises(StateError, match="corrupt state|unreadable state"):
            store.load("templates", name)
    assert not marker.exists()


def test_hostile_redis_values_are_clear_errors(tmp_path: Path) -> None:
    """What others wrote into Redis is decoded like a state file: an error, never code."""
    with redis_server(tmp_path) as url:
        store = RedisStateStore(url, prefix="hostile")
        client = redis.Redis.from_url(url)
        for name, raw in hostile_documents(tmp_path / "pwned").items():
            if name == "invalid utf-8":
                continue  # decoded with replacement characters: a valid document
            client.hset(store.key("state", "dedup", name), mapping={"doc": raw, "version": 1})
            with pytest.raises(StateError):
                store.load("dedup", name)
            client.rpush(store.key("log", "dedup", name), raw)
            with pytest.raises(StateError):
                store.log_read("dedup", name, 0)
    memory = MemoryStateStore()
    memory._docs[("dedup", "x")] = ("[1, 2]", 1)
    with pytest.raises(StateError):
        memory.load("dedup", "x")
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    "document",
    [
        [1, 2],
        "x",
        None,
        {},
        {"version": 1},
        {"version": 1, "clusters": 5},
        {"version": 1, "clusters": {"a": 1}},
        {"version": 1, "clusters": [{"pages": float("inf")}]},
        {"version": 1, "clusters": [{"pages": float("nan")}]},
        {"version": 1, "clusters": [{"pages": "many"}]},
        {"version": 1, "clusters": [None]},
    ],
)
def test_site_model_from_hostile_dict_is_a_value_error(document: Any) -> None:
    with pytest.raises(ValueError):
        SiteModel.from_dict(document, TemplateConfig())


def _learned_state() -> tuple[dict[str, Any], list[Any]]:
    config = TemplateConfig(warmup_pages=3)
    model = SiteModel(config)
    pages = [parse_page(article_html(n)) for n in range(6)]
    for n, page in enumerate(pages[:4]):
        model.observe(page, f"http://s/{n}")
    model.finalize()
    return model.to_dict(), pages


def test_real_state_still_loads(tmp_path: Path) -> None:
    document, _ = _learned_state()
    store = LocalStateStore(tmp_path)
    store.save("templates", "127.0.0.1:8080", document)
    loaded = store.load("templates", "127.0.0.1:8080")
    assert loaded == json.loads(json.dumps(document))
    assert SiteModel.from_dict(loaded).pages == 4


_LEARNED, _PAGES = _learned_state()
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**64) + 1, 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _leaves(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:4]):
            found += _leaves(inner, (*path, index))
    return found


_PATHS = [p for p in _leaves(_LEARNED) if p]


@pytest.mark.parametrize("counter", ["regions", "places", "texts"])
def test_counter_entries_of_the_wrong_width_are_refused(counter: str) -> None:
    """A row missing a running sum would crash cleaning later, far from the state file."""
    document = copy.deepcopy(_LEARNED)
    rows = document["clusters"][0][counter]["entries"]
    rows[0] = rows[0][:-1] if len(rows[0]) > 3 else [*rows[0], 7]
    with pytest.raises(ValueError, match=f"{counter} entries need"):
        SiteModel.from_dict(document)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_PATHS), _JSON_VALUES), min_size=1, max_size=3))
def test_tampered_template_state_loads_cleanly_or_is_refused(edits: list[Any]) -> None:
    """Any value anywhere in a saved model: refused with ValueError, or a model that works."""
    document = copy.deepcopy(_LEARNED)
    for path, value in edits:
        target = document
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    store = MemoryStateStore()
    store.save("templates", "site", document)
    try:
        model = SiteModel.from_dict(store.load("templates", "site"), TemplateConfig(warmup_pages=3))
    except ValueError:
        return
    for n, page in enumerate(_PAGES):
        obs = model.observe(page, f"http://s/new/{n}")
        if model.ready(obs):
            model.clean(obs)
    model.finalize()
    json.dumps(model.to_dict())


# --- file names from sites never leave the state directory -------------------------------

HOSTILE_NAMES = [
    "..%2f..%2fetc",
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "/etc/passwd",
    "/",
    ".",
    "..",
    "",
    "a\x00b",
    "x" * 10_000,
    "127.0.0.1:8080/../../x",
    "%2e%2e/%2e%2e/etc",
    "\u202e\u0644\u0627/..",
    "\udcff",
    "con",
    "-rf",
]


def _files_under(path: Path) -> set[Path]:
    return {p for p in path.rglob("*") if p.is_file()}


def test_hostile_site_names_stay_inside_the_state_dir(tmp_path: Path) -> None:
    root = tmp_path / "state"
    store = LocalStateStore(root)
    for name in HOSTILE_NAMES:
        path = store.path("templates", name)
        assert path.resolve().parent == (root / "templates").resolve()
        store.save("templates", name, {"name": name})
        assert store.load("templates", name) == {"name": name}
    assert _files_under(tmp_path) == _files_under(root)
    assert len(_files_under(root)) == len(HOSTILE_NAMES)  # distinct names, distinct files


def test_bad_namespaces_are_refused(tmp_path: Path) -> None:
    store = LocalStateStore(tmp_path)
    for namespace in ("../x", "/abs", "", "Templates", "a/b"):
        with pytest.raises(ValueError):
            store.path(namespace, "k")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_safe_filename_is_one_plain_file_name(name: str) -> None:
    safe = safe_filename(name)
    assert safe and len(safe) <= 89
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in safe)
    assert ".." not in safe and not safe.startswith(".")
    assert os.sep not in safe and "\x00" not in safe
