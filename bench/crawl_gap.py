"""Where the crawl's F1 goes: its items scored as crawl_eval.py scores them, then again with
the two things our ``text`` leaves out on purpose given back.

    python bench/crawl_gap.py [--dataset a,b] [--work DIR]

Columns (F1, mean over sites, per dataset):

* ``crawl``: the feed as crawl_eval.py scores it; a page with no item scores 0.
* ``+dups``: a page dropped as a duplicate (issue 5: the feed holds the first copy, the
  others go to the duplicates record) scored with the text of the item it duplicates.
* ``+title``: each item's ``title`` put before its ``text``. Much of the corpus's gold
  keeps the headline; our ``text`` is the body, the headline has its own field
  (TEMPLATE-LEARNING.md, "What the text field holds").
* ``+both``.

Runs ../shared/eval/crawl_eval.py with ``--keep DIR`` and the duplicates record written
into DIR, unless ``--work`` names a DIR such a run kept. Diagnostic only: the issue's
measure is the ``crawl`` column.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"
DEFAULT_JSON_OUT = ROOT / "bench" / "results" / "crawl_gap.json"
sys.path.insert(0, str(EVAL_DIR))
from score import prf, tokens  # noqa: E402  (shared/eval is not a package)

Item = dict[str, Any]


def run_crawl(work: Path, datasets: str) -> None:
    """crawl_eval.py over the corpus, its output, gold map and duplicates kept in `work`."""
    cmd = [sys.executable, str(EVAL_DIR / "crawl_eval.py"), "--project", str(ROOT)]
    cmd += ["--keep", str(work), "-s", f"NEWSSPIDER_DUPLICATES_FEED={work / 'duplicates.jsonl'}"]
    if datasets:
        cmd += ["--dataset", datasets]
    subprocess.run(cmd, check=True)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSON Lines file (none when it is absent)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class CrawlOutput:
    """A kept crawl: its items by URL and where each duplicate's first copy is."""

    def __init__(self, work: Path) -> None:
        self.items: dict[str, Item] = {}
        for item in read_jsonl(work / "out.jsonl"):
            self.items.setdefault(item["url"], item)
            self.items.setdefault(item.get("canonical_url") or item["url"], item)
        self.duplicate_of = {
            row["url"]: row["duplicate_of"] for row in read_jsonl(work / "duplicates.jsonl")
        }

    def emitted(self, url: str) -> Item | None:
        """The item the feed holds for `url`."""
        return self.items.get(url)

    def first_copy(self, url: str) -> Item | None:
        """The item for `url`, or the one the duplicates record says it duplicates."""
        seen: set[str] = set()
        while url not in self.items and url in self.duplicate_of and url not in seen:
            seen.add(url)
            url = self.duplicate_of[url]
        return self.items.get(url)


def body(item: Item | None) -> str:
    """The item's text ('' for no item)."""
    return item["text"] if item else ""


def titled(item: Item | None) -> str:
    """The item's title, then its text."""
    return f"{item.get('title') or ''}\n{item['text']}" if item else ""


def score_variant(
    gold: list[dict[str, Any]],
    find: Callable[[str], Item | None],
    text: Callable[[Item | None], str],
) -> dict[str, float]:
    """Mean-over-sites F1 per dataset (and ``ALL``) of one way of reading the crawl."""
    per_site: dict[str, list[float]] = defaultdict(list)
    for row in gold:
        expected = tokens(Path(row["gold_path"]).read_text("utf-8", errors="replace"))
        per_site[row["site"]].append(prf(tokens(text(find(row["url"]))), expected)[2])
    site_f1 = {site: sum(f1s) / len(f1s) for site, f1s in per_site.items()}
    by_dataset: dict[str, list[float]] = defaultdict(list)
    for site, f1 in site_f1.items():
        by_dataset[site.split("/", 1)[0]].append(f1)
    result = {ds: round(sum(v) / len(v), 4) for ds, v in sorted(by_dataset.items())}
    result["ALL"] = round(sum(site_f1.values()) / len(site_f1), 4)
    return result


def measure(work: Path) -> dict[str, Any]:
    """Every column, and how many gold pages have no item of their own."""
    gold = read_jsonl(work / "gold-all.jsonl")
    crawl = CrawlOutput(work)
    missing = [row["url"] for row in gold if crawl.emitted(row["url"]) is None]
    columns = {
        "crawl": score_variant(gold, crawl.emitted, body),
        "+dups": score_variant(gold, crawl.first_copy, body),
        "+title": score_variant(gold, crawl.emitted, titled),
        "+both": score_variant(gold, crawl.first_copy, titled),
    }
    return {
        "pages": len(gold),
        "missing": len(missing),
        "missing_duplicates": sum(1 for url in missing if crawl.first_copy(url) is not None),
        "columns": columns,
    }


def report(result: dict[str, Any]) -> str:
    """The columns as a table, one row a dataset."""
    columns = result["columns"]
    names = list(columns)
    lines = [f"{'dataset':18}" + "".join(f"{name:>9}" for name in names)]
    for dataset in columns["crawl"]:
        lines.append(f"{dataset:18}" + "".join(f"{columns[n][dataset]:9.4f}" for n in names))
    lines.append(
        f"{result['pages']} gold pages, {result['missing']} without an item of their own, "
        f"{result['missing_duplicates']} of them duplicates of an item in the feed"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", default="", help="comma-separated datasets (default: all)")
    ap.add_argument("--work", type=Path, help="a crawl_eval.py --keep DIR to read, not rerun")
    ap.add_argument("--json-out", type=Path, default=DEFAULT_JSON_OUT)
    args = ap.parse_args(argv)
    work = args.work
    if work is None:
        work = Path(tempfile.mkdtemp(prefix="crawl_gap_"))
        run_crawl(work, args.dataset)
    result = measure(work)
    print(report(result))
    result["timestamp"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"written: {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
