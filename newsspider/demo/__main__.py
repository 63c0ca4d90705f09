"""Command line of the demo portal.

    python -m newsspider.demo serve [--seed N] [--day 2] [--faults] [--port P] [--gold DIR]
        Serve the three sites until Ctrl-C and log their URLs. --port 0 (the default) lets the
        OS pick the ports; --port P serves site i on port P+i. --gold DIR also writes the gold
        for exactly these URLs.

    python -m newsspider.demo gold DIR --port P [--seed N] [--day 2]
        Write DIR/gold.jsonl (with text/<n>.txt and duplicates.jsonl) for the URLs that
        `serve --port P` with the same options serves, without serving anything.

Score a crawl with: python ../shared/eval/score.py DIR/gold.jsonl predictions.jsonl
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path

from newsspider.demo.generator import DemoConfig, generate
from newsspider.demo.gold import write_gold
from newsspider.demo.server import DemoServer

logger = logging.getLogger("newsspider.demo")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m newsspider.demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the portal until Ctrl-C")
    gold = commands.add_parser("gold", help="write the gold data for `serve --port P`")
    gold.add_argument("directory", type=Path)
    for command in (serve, gold):
        command.add_argument("--seed", type=int, default=DemoConfig.seed)
        command.add_argument("--day", type=int, choices=(1, 2), default=1)
        command.add_argument("--articles", type=int, default=DemoConfig.articles_per_site)
        command.add_argument("--faults", action="store_true", help="mix in faulty pages")
        command.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="first port (0: any free ports)")
    serve.add_argument("--gold", type=Path, help="also write the gold data into this folder")
    gold.add_argument("--port", type=int, required=True, help="first port given to serve")
    return parser


def _config(args: argparse.Namespace) -> DemoConfig:
    return DemoConfig(
        seed=args.seed, articles_per_site=args.articles, day=args.day, faults=args.faults
    )


def _serve(args: argparse.Namespace) -> int:
    with DemoServer(_config(args), host=args.host, port=args.port) as server:
        for site in server.sites:
            logger.info("%-13s %-18s %s/", site.key, site.name, site.base_url)
        if args.gold:
            logger.info("gold written to %s", server.write_gold(args.gold))
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            logger.info("stopping")
    return 0


def _gold(args: argparse.Namespace) -> int:
    if args.port <= 0:
        logger.error("gold needs the fixed --port that serve was given")
        return 2
    portal = generate(_config(args))
    urls = portal.base_urls(args.host, args.port)
    path = write_gold(args.directory, portal.gold(urls), portal.duplicates(urls))
    logger.info("gold for %s written to %s", ", ".join(urls.values()), path)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = _parser().parse_args(argv)
    return _serve(args) if args.command == "serve" else _gold(args)


if __name__ == "__main__":
    sys.exit(main())
