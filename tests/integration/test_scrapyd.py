"""scrapyd: deploy the project to a real scrapyd on loopback, schedule a crawl, read its items."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsspider.demo import DemoServer

from .conftest import ROOT, read_jsonl

pytestmark = pytest.mark.skipif(
    shutil.which("scrapyd-deploy") is None, reason="scrapyd-client not installed"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(base: str, endpoint: str, data: dict[str, str | list[str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as reply:
        return json.loads(reply.read())


def upload_egg(base: str, egg: Path) -> dict:
    boundary = "newsspider-egg"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in (("project", "newsspider"), ("version", "1"))
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; filename="p.egg"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + egg.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/addversion.json",
        data=b"".join(parts),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read())


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    (tmp_path / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = {tmp_path / 'eggs'}\nlogs_dir = {tmp_path / 'logs'}\n"
        f"items_dir = {tmp_path / 'items'}\ndbs_dir = {tmp_path / 'dbs'}\npoll_interval = 0.5\n"
    )
    proc = subprocess.Popen(
        [shutil.which("scrapyd") or "scrapyd"], cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                call(base, "daemonstatus.json")
                break
            except OSError:
                time.sleep(0.1)
        yield base, tmp_path
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_deploy_schedule_and_read_items(scrapyd: tuple[str, Path], demo: DemoServer) -> None:
    base, work = scrapyd
    egg = work / "newsspider.egg"
    subprocess.run(
        [shutil.which("scrapyd-deploy") or "scrapyd-deploy", f"--build-egg={egg}"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    assert upload_egg(base, egg)["status"] == "ok"
    job = call(
        base,
        "schedule.json",
        {
            "project": "newsspider", "spider": "news", "start_urls": demo.start_urls[0],
            "setting": ["DOWNLOAD_DELAY=0.01", "CLOSESPIDER_ITEMCOUNT=20"],
        },
    )  # fmt: skip
    assert job["status"] == "ok"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        jobs = call(base, "listjobs.json?project=newsspider")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        time.sleep(0.5)
    else:
        pytest.fail("scrapyd job did not finish")
    items = read_jsonl(work / "items" / "newsspider" / "news" / f"{job['jobid']}.jl")
    gold = {g["url"]: g for g in demo.gold()}
    assert len(items) >= 20
    matched = [i for i in items if i["canonical_url"] in gold]
    assert matched and all(i["text"] for i in matched)
    log = (work / "logs" / "newsspider" / "news" / f"{job['jobid']}.log").read_text()
    assert "Traceback" not in log
    assert sys.executable  # the same interpreter's scrapyd runs the job
