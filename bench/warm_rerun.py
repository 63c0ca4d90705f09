"""Cold crawl vs. rerun with saved template state, on ../shared/corpus, per dataset.

    python bench/warm_rerun.py [--dataset a,b]

Replays each site's pages in corpus order as a crawl would: pages are held until the
site's model has learned from NEWSSPIDER_TEMPLATE_WARMUP_PAGES (15) pages or the site
ends, then cleaned. The model is saved as JSON, loaded into a fresh model, and every page
is seen again (the rerun): it must score at least as well as the cold run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from newsspider.core.blocks import parse_page
from newsspider.core.template import SiteModel, TemplateConfig

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
sys.path.insert(0, str(CORPUS.parent / "eval"))
from score import prf, tokens  # noqa: E402


def crawl(model: SiteModel, pages: list[tuple[str, object]]) -> dict[str, str]:
    """Clean pages in crawl order, holding them until their cluster is ready."""
    texts: dict[str, str] = {}
    held = []
    for url, page in pages:
        held.append((url, model.observe(page, url)))  # type: ignore[arg-type]
        for u, obs in [h for h in held if model.ready(h[1])]:
            texts[u] = model.clean(obs).text
        held = [h for h in held if not model.ready(h[1])]
    model.finalize()
    texts.update({u: model.clean(obs).text for u, obs in held})
    return texts


def site_f1(texts: dict[str, str], gold: dict[str, str]) -> float:
    rows = [prf(tokens(texts.get(url, "")), tokens(text)) for url, text in gold.items()]
    return sum(r[2] for r in rows) / len(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="")
    args = ap.parse_args()
    wanted = set(filter(None, args.dataset.split(",")))
    index = [json.loads(line) for line in (CORPUS / "index.jsonl").open(encoding="utf-8")]
    sites: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for page in index:
        if not wanted or page["dataset"] in wanted:
            sites[(page["dataset"], page["site"])].append(page)
    scores: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for (dataset, _), rows in sorted(sites.items()):
        pages = [(p["url"], parse_page((CORPUS / p["html_path"]).read_bytes(), p.get("encoding")))
                 for p in rows]  # fmt: skip
        gold = {p["url"]: (CORPUS / p["gold_path"]).read_text(errors="replace") for p in rows}
        model = SiteModel(TemplateConfig())
        first = site_f1(crawl(model, pages), gold)
        warm = SiteModel.from_dict(json.loads(json.dumps(model.to_dict())))
        second = site_f1(crawl(warm, pages), gold)
        scores[dataset].append((first, second))
    every = [row for rows in scores.values() for row in rows]
    print(f"{'dataset':16} {'sites':>5} {'cold F1':>8} {'rerun F1':>8}")
    for name, rows in [*sorted(scores.items()), ("MEAN OVER SITES", every)]:
        n = len(rows)
        first, second = sum(r[0] for r in rows) / n, sum(r[1] for r in rows) / n
        print(f"{name:16} {n:5d} {first:8.3f} {second:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
