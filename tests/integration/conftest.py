"""Fixtures for integration tests: real `scrapy crawl` subprocesses against loopback sites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsspider.demo import DemoConfig, DemoServer

ROOT = Path(__file__).resolve().parents[2]


def run_crawl(
    args: list[str], cwd: Path, timeout: float = 240, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `scrapy crawl news ARGS` as a subprocess with the project's settings."""
    full_env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings", **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), full_env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", *args]
    return subprocess.run(
        cmd, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, check=False
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every object of a JSON Lines file (each line must parse)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# Loopback crawls are not rate limited; DOWNLOAD_DELAY=0 stalls this Scrapy on keep-alive
# connections (see bench/README.md), so a tiny delay is faster.
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.01"]


@pytest.fixture(scope="session")
def demo() -> Iterator[DemoServer]:
    """The demo portal on free loopback ports for the whole session."""
    with DemoServer(DemoConfig()) as server:
        yield server


@pytest.fixture(scope="session")
def demo_crawl(demo: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One crawl of the demo portal, shared by the tests that read its output."""
    work = tmp_path_factory.mktemp("demo_crawl")
    out = work / "out.jsonl"
    proc = run_crawl(
        [
            "-a",
            "start_urls=" + ",".join(demo.start_urls),
            "-O",
            str(out),
            "-s",
            f"NEWSSPIDER_STATE_DIR={work / 'state'}",
            "-s",
            f"LOG_FILE={work / 'crawl.log'}",
            *FAST,
        ],  # fmt: skip
        cwd=work,
    )
    log = (work / "crawl.log").read_text(encoding="utf-8")
    return {"proc": proc, "items": read_jsonl(out), "log": log, "work": work, "out": out}
