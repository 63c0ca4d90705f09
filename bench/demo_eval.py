"""Crawl the embedded demo portal with `scrapy crawl news` and score it against its gold.

    python bench/demo_eval.py [--keep DIR] [--faults] [-s NAME=VALUE ...]

Prints articles written vs gold, token P/R/F1 of `text` (shared/eval/score.py when present,
else the same metric here), pages per second, and which gold articles are missing or
duplicated. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from newsspider.demo import DemoConfig, DemoServer

ROOT = Path(__file__).resolve().parents[1]
TOKEN_SCORER = ROOT.parent / "shared" / "eval"


def crawl(start_urls: list[str], out: Path, work: Path, extra: list[str]) -> float:
    """Run the crawl as a subprocess; seconds it took."""
    cmd = [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", "start_urls=" + ",".join(start_urls),
        "-O", str(out), "-s", f"LOG_FILE={work / 'crawl.log'}",
        "-s", f"NEWSSPIDER_STATE_DIR={work / 'state'}", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "DOWNLOAD_DELAY=0", *[a for kv in extra for a in ("-s", kv)],
    ]  # fmt: skip
    t0 = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, check=True)
    return time.monotonic() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--faults", action="store_true", help="mix the demo's faulty pages in")
    ap.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="demo_eval_"))
    work.mkdir(parents=True, exist_ok=True)
    with DemoServer(DemoConfig(faults=args.faults)) as demo:
        index = demo.write_gold(work / "gold")
        out = work / "out.jsonl"
        seconds = crawl(demo.start_urls, out, work, args.set)
        pages = len(demo.requests())
    items = [json.loads(line) for line in out.open(encoding="utf-8")]
    gold = [json.loads(line) for line in index.open(encoding="utf-8")]
    gold_urls = {g["url"] for g in gold}
    urls = Counter(i.get("canonical_url") or i["url"] for i in items)
    print(
        f"items {len(items)}, gold {len(gold)}, pages served {pages}, {seconds:.1f} s, "
        f"{pages / seconds:.1f} pages/s"
    )
    print(
        f"gold missing: {len(gold_urls - set(urls))}, extra items: {len(set(urls) - gold_urls)}, "
        f"repeated: {sum(1 for n in urls.values() if n > 1)}"
    )
    for url in sorted(set(urls) - gold_urls)[:10]:
        print("  extra", url)
    for url in sorted(gold_urls - set(urls))[:10]:
        print("  missing", url)
    sys.path.insert(0, str(TOKEN_SCORER))
    from score import score  # noqa: PLC0415

    result = score(index, out)["overall"]
    print(f"text P {result['precision']:.3f} R {result['recall']:.3f} F1 {result['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
