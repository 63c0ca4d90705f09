"""Extraction benchmark: newsspider against trafilatura and readability on the shared corpus.

    python bench/extraction.py [--dataset a,b] [--max-sites N] [--no-crawl] [--json-out PATH]

Systems, all scored in one run with the metric of ``shared/eval/score.py`` (token P/R/F1 per
page, mean per site, mean over sites; a dataset's figure is the mean over its sites):

* ``crawl``: a real ``scrapy crawl news`` over loopback, run by ``shared/eval/crawl_eval.py``.
* ``offline``: our core used directly, one :class:`SiteModel` per site, every page observed
  before any is cleaned (the model sees the whole site, as at the end of a crawl).
* ``traf`` / ``traf_prec``: ``trafilatura.extract`` by default and with ``favor_precision``.
* ``readab``: readability-lxml's ``Document.summary()``, turned into text block by block.

The same run times each system's cleaning per page, parsing included, in this process.
Not part of the test suite: the full corpus takes minutes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import lxml
import lxml.html
import trafilatura
from lxml import etree
from readability import Document
from readability.readability import Unparseable

from newsspider.core.blocks import parse_page
from newsspider.core.template import SiteModel, TemplateConfig

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
EVAL_DIR = SHARED / "eval"
DEFAULT_JSON_OUT = ROOT / "bench" / "results" / "extraction.json"
CRAWL_TIMEOUT = 3600  # seconds crawl_eval.py gives the crawl itself (its default)

sys.path.insert(0, str(EVAL_DIR))
from score import prf, tokens  # noqa: E402  (shared/eval is not a package)

logger = logging.getLogger("bench.extraction")

# Column key -> printed label; "crawl" and "offline" are ours, the rest are anchors.
SYSTEMS = {
    "crawl": "crawl",
    "offline": "offline",
    "traf": "traf",
    "traf_prec": "traf-prec",
    "readab": "readab",
}
ANCHORS = ("traf", "traf_prec", "readab")
METRICS = ("precision", "recall", "f1")
OVERALL = "MEAN OVER SITES"  # the last row: mean over all selected sites

# Elements whose text starts a new line when readability's HTML is turned into text.
_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p",
    "pre", "section", "table", "td", "th", "tr", "ul",
)  # fmt: skip


@dataclass(frozen=True)
class CorpusPage:
    """One page of the corpus: its stored bytes, known charset and gold tokens."""

    html: bytes
    encoding: str | None
    gold: Counter[str]

    def markup(self) -> str | bytes:
        """The anchors' input: text when the charset is known, else the bytes to sniff."""
        if self.encoding:
            return self.html.decode(self.encoding, errors="replace")
        return self.html


@dataclass
class Stopwatch:
    """Seconds spent and pages done by one system."""

    seconds: float = 0.0
    pages: int = 0

    def as_dict(self) -> dict[str, float]:
        """Totals and the mean per page, in milliseconds."""
        per_page = 1000 * self.seconds / self.pages if self.pages else 0.0
        return {"seconds": round(self.seconds, 3), "pages": self.pages, "ms_per_page": per_page}


@dataclass
class OfflineRun:
    """Per-site scores of the offline systems and the time each took."""

    sites: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    clocks: dict[str, Stopwatch] = field(default_factory=dict)


# -- corpus ------------------------------------------------------------------------------


def select_sites(
    corpus: Path, datasets: set[str], max_sites: int
) -> dict[str, list[dict[str, Any]]]:
    """Index entries grouped by ``dataset/site``, chosen exactly as crawl_eval.py does.

    >>> sorted(select_sites(CORPUS, {"chaos"}, 1))
    ['chaos/express.co.uk']
    """
    sites: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with (corpus / "index.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            page = json.loads(line) if line.strip() else {}
            if page.get("gold_path") and (not datasets or page["dataset"] in datasets):
                sites[f"{page['dataset']}/{page['site']}"].append(page)
    chosen: dict[str, list[dict[str, Any]]] = {}
    per_dataset: Counter[str] = Counter()
    for key in sorted(sites):
        per_dataset[dataset_of(key)] += 1
        if not max_sites or per_dataset[dataset_of(key)] <= max_sites:
            chosen[key] = sites[key]
    return chosen


def dataset_of(site_key: str) -> str:
    """The dataset part of a ``dataset/site`` key: ``"big9/cnn-2005"`` -> ``"big9"``."""
    return site_key.split("/", 1)[0]


def read_pages(corpus: Path, entries: list[dict[str, Any]]) -> list[CorpusPage]:
    """A site's pages as stored; the gold is read as score.py reads it."""
    return [
        CorpusPage(
            html=(corpus / entry["html_path"]).read_bytes(),
            encoding=entry.get("encoding"),
            gold=tokens((corpus / entry["gold_path"]).read_text("utf-8", errors="replace")),
        )
        for entry in entries
    ]


# -- extractors --------------------------------------------------------------------------


def ours(pages: list[CorpusPage]) -> list[str]:
    """Article texts of a whole site by our template model: observe every page, then clean."""
    model = SiteModel(TemplateConfig())
    observed = [model.observe(parse_page(page.html, page.encoding)) for page in pages]
    model.finalize()
    return [model.clean(obs).text for obs in observed]


def trafilatura_default(markup: str | bytes) -> str:
    """trafilatura with its default settings."""
    return trafilatura.extract(markup) or ""


def trafilatura_precision(markup: str | bytes) -> str:
    """trafilatura tuned for precision."""
    return trafilatura.extract(markup, favor_precision=True) or ""


def readability_text(markup: str | bytes) -> str:
    """readability-lxml's summary as text, one line per block."""
    try:
        summary = Document(markup).summary()
    except Unparseable as exc:
        logger.debug("readability gave up: %s", exc)
        return ""
    return html_text(summary)


def html_text(markup: str) -> str:
    """Visible text of an HTML fragment, one line per block element.

    >>> html_text("<div><h1>Title</h1><p>One <b>two</b></p><p>three<br>four</p></div>")
    'Title\\nOne two\\nthree\\nfour'
    """
    if not markup.strip():
        return ""
    try:
        root = lxml.html.fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    for el in root.iter(*_BLOCK_TAGS):
        # Without these breaks "</p><p>" would glue the last word of one paragraph to the next.
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


ANCHOR_EXTRACTORS: dict[str, Callable[[str | bytes], str]] = {
    "traf": trafilatura_default,
    "traf_prec": trafilatura_precision,
    "readab": readability_text,
}


# -- scoring -----------------------------------------------------------------------------


def site_score(texts: list[str], pages: list[CorpusPage]) -> dict[str, Any]:
    """Mean P/R/F1 over a site's pages, as score.py computes them."""
    rows = [prf(tokens(text), page.gold) for text, page in zip(texts, pages, strict=True)]
    n = len(rows)
    means = {m: sum(row[k] for row in rows) / n for k, m in enumerate(METRICS)}
    return {"pages": n, **means}


def mean_over_sites(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each site counts once, whatever its size."""
    n = len(rows) or 1
    means = {m: sum(row[m] for row in rows) / n for m in METRICS}
    return {"sites": len(rows), "pages": sum(row["pages"] for row in rows), **means}


def evaluate_site(run: OfflineRun, key: str, pages: list[CorpusPage]) -> None:
    """Extract, time and score one site with every offline system."""
    start = time.perf_counter()
    texts = ours(pages)
    tick(run, "offline", start, len(pages))
    run.sites.setdefault("offline", {})[key] = site_score(texts, pages)
    inputs = [page.markup() for page in pages]
    for name, extract in ANCHOR_EXTRACTORS.items():
        start = time.perf_counter()
        texts = [extract(markup) for markup in inputs]
        tick(run, name, start, len(pages))
        run.sites.setdefault(name, {})[key] = site_score(texts, pages)


def tick(run: OfflineRun, system: str, start: float, pages: int) -> None:
    """Add the time since `start` and `pages` pages to a system's stopwatch."""
    clock = run.clocks.setdefault(system, Stopwatch())
    clock.seconds += time.perf_counter() - start
    clock.pages += pages


def evaluate_offline(corpus: Path, sites: dict[str, list[dict[str, Any]]]) -> OfflineRun:
    """Score every offline system on every selected site, logging progress per dataset."""
    run = OfflineRun()
    done: Counter[str] = Counter()
    for key, entries in sites.items():
        evaluate_site(run, key, read_pages(corpus, entries))
        done[dataset_of(key)] += 1
        logger.info("%s: %d sites done", dataset_of(key), done[dataset_of(key)])
    return run


def summarize(site_rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Mean over sites per dataset, and over all sites under ``"MEAN OVER SITES"``."""
    by_dataset: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key, row in site_rows.items():
        by_dataset[dataset_of(key)].append(row)
    summary = {ds: mean_over_sites(rows) for ds, rows in sorted(by_dataset.items())}
    summary[OVERALL] = mean_over_sites(list(site_rows.values()))
    return summary


# -- crawl -------------------------------------------------------------------------------


def run_crawl(datasets: set[str], max_sites: int) -> dict[str, Any]:
    """Run crawl_eval.py on the project and return its JSON, or why there is none.

    The result has ``ok`` (the crawl ran and its items were scored) and, when it failed,
    ``error``; a crawl that exits non-zero but wrote items keeps its scores.
    """
    cmd = [sys.executable, str(EVAL_DIR / "crawl_eval.py"), "--project", str(ROOT), "--json"]
    if datasets:
        cmd += ["--dataset", ",".join(sorted(datasets))]
    if max_sites:
        cmd += ["--max-sites", str(max_sites)]
    logger.info("crawling: %s", " ".join(cmd))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CRAWL_TIMEOUT + 600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"ok": False, "error": f"crawl_eval.py did not finish: {exc}"}
    result = last_json_line(proc.stdout)
    stderr_tail = proc.stderr.strip().splitlines()[-5:]
    if result is None:
        return {"ok": False, "error": f"exit {proc.returncode}, no JSON", "stderr": stderr_tail}
    result["ok"] = proc.returncode == 0 and "overall" in result
    if not result["ok"]:
        result["error"] = (
            f"crawl_eval.py exit {proc.returncode}, scrapy exit {result['returncode']}"
        )
        result["stderr"] = stderr_tail
    return result


def last_json_line(stdout: str) -> dict[str, Any] | None:
    """The last line of `stdout` that is a JSON object (scrapy may print before it)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            try:
                parsed = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(parsed, dict):
                return parsed
    return None


def crawl_summary(crawl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The crawl's figures keyed like :func:`summarize` (empty when it produced none)."""
    summary = dict(crawl.get("datasets", {}))
    if "overall" in crawl:
        summary[OVERALL] = crawl["overall"]
    return summary


# -- report ------------------------------------------------------------------------------


def best_anchor(row: dict[str, dict[str, Any]]) -> tuple[str, float] | None:
    """The anchor with the highest F1 in one table row, and that F1."""
    scored = [(name, row[name]["f1"]) for name in ANCHORS if name in row]
    return max(scored, key=lambda pair: pair[1]) if scored else None


def format_table(
    table: dict[str, dict[str, dict[str, Any]]], cell: Callable[[dict[str, Any]], str]
) -> str:
    """One line per dataset (then the mean over sites), one column per system."""
    cells = {
        row: {name: cell(sys_row[name]) if name in sys_row else "-" for name in SYSTEMS}
        for row, sys_row in table.items()
    }
    widths = {
        name: max(len(label), *(len(c[name]) for c in cells.values()))
        for name, label in SYSTEMS.items()
    }
    head = " ".join(label.ljust(widths[name]) for name, label in SYSTEMS.items())
    lines = [f"{'dataset':16} {'sites':>5} {'pages':>5} | {head} | best-anchor"]
    for row, sys_row in table.items():
        counts = sys_row.get("offline") or next(iter(sys_row.values()))
        body = " ".join(cells[row][name].ljust(widths[name]) for name in SYSTEMS)
        best = best_anchor(sys_row)
        tail = f"{cell(sys_row[best[0]])} {SYSTEMS[best[0]]}" if best else "-"
        lines.append(f"{row[:16]:16} {counts['sites']:5d} {counts['pages']:5d} | {body} | {tail}")
    return "\n".join(lines)


def timing_line(clocks: dict[str, dict[str, float]]) -> str:
    """Per-page cleaning cost of ours, trafilatura and readability, and their ratio."""
    ms = {name: clocks[name]["ms_per_page"] for name in ("offline", "traf", "readab")}
    ratio = ms["offline"] / ms["traf"] if ms["traf"] else float("nan")
    secs = {name: clocks[name]["seconds"] for name in ("offline", "traf", "readab")}
    return (
        f"cleaning ms/page: ours {ms['offline']:.1f}, trafilatura {ms['traf']:.1f}, "
        f"readability {ms['readab']:.1f}; ours/trafilatura = {ratio:.2f}\n"
        f"cleaning total s: ours {secs['offline']:.1f}, trafilatura {secs['traf']:.1f}, "
        f"readability {secs['readab']:.1f} ({clocks['offline']['pages']} pages, one process, "
        f"{os.cpu_count()} cpus)"
    )


def crawl_line(crawl: dict[str, Any] | None) -> str:
    """How the crawl column came about."""
    if crawl is None:
        return "crawl: skipped (--no-crawl)"
    if crawl.get("ok"):
        return f"crawl: {crawl['items']} items in {crawl['seconds']} s"
    last = crawl.get("stderr", [])[-1:]  # the whole tail is in the JSON
    return f"crawl: FAILED ({crawl.get('error')}){': ' + last[0] if last else ''}"


def build_table(
    offline: dict[str, dict[str, dict[str, Any]]], crawl: dict[str, dict[str, Any]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Rows (datasets, then the mean over sites) of per-system figures."""
    rows: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for system, summary in [("crawl", crawl), *offline.items()]:
        for row, figures in summary.items():
            rows[row][system] = figures
    ordered = sorted(r for r in rows if r != OVERALL) + ([OVERALL] if OVERALL in rows else [])
    return {row: rows[row] for row in ordered}


# -- main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dataset", default="", help="comma-separated datasets (default: all)")
    ap.add_argument("--max-sites", type=int, default=0, help="at most N sites per dataset")
    ap.add_argument("--no-crawl", action="store_true", help="skip the scrapy crawl")
    ap.add_argument("--json-out", type=Path, default=DEFAULT_JSON_OUT, help="where to write")
    ap.add_argument("-v", "--verbose", action="store_true", help="log progress per site")
    return ap.parse_args(argv)


def quiet_logging(verbose: bool) -> None:
    """Our progress on stderr; the anchors' per-page warnings silenced."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
    for noisy in ("trafilatura", "htmldate", "courlan", "readability", "readability.readability"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and write the JSON result."""
    args = parse_args(argv)
    quiet_logging(args.verbose)
    datasets = {d for d in args.dataset.split(",") if d}
    sites = select_sites(CORPUS, datasets, args.max_sites)
    if not sites:
        print("no pages selected", file=sys.stderr)
        return 2
    crawl = None if args.no_crawl else run_crawl(datasets, args.max_sites)
    run = evaluate_offline(CORPUS, sites)
    offline = {name: summarize(rows) for name, rows in run.sites.items()}
    table = build_table(offline, crawl_summary(crawl or {}))
    clocks = {name: clock.as_dict() for name, clock in run.clocks.items()}
    print(format_table(table, lambda r: f"{r['f1']:.3f}"))
    print("\nprecision/recall")
    print(format_table(table, lambda r: f"{r['precision']:.3f}/{r['recall']:.3f}"))
    print()
    print(crawl_line(crawl))
    print(timing_line(clocks))
    write_json(args, table, run, clocks, crawl)
    return 0


def write_json(
    args: argparse.Namespace,
    table: dict[str, dict[str, dict[str, Any]]],
    run: OfflineRun,
    clocks: dict[str, dict[str, float]],
    crawl: dict[str, Any] | None,
) -> None:
    """Every figure of the run, with what it ran on, to ``--json-out``."""
    ms = {name: clock["ms_per_page"] for name, clock in clocks.items()}
    result = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "versions": {
            "trafilatura": trafilatura.__version__,
            "readability-lxml": metadata.version("readability-lxml"),
            "lxml": lxml.__version__,
        },
        "args": {"dataset": args.dataset, "max_sites": args.max_sites, "crawl": not args.no_crawl},
        "table": table,
        "timing": clocks,
        "ours_over_trafilatura": ms["offline"] / ms["traf"] if ms.get("traf") else None,
        "crawl": crawl,
        "sites": run.sites,
    }
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"written: {args.json_out}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
