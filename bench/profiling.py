"""Reading cProfile results for the benchmarks: one row per function, paths shortened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def cost_row(key: tuple[str, int, str], value: tuple[Any, ...], total: float) -> dict[str, Any]:
    """One function of a profile: calls, own and cumulative seconds, shares of the total."""
    (path, line, name), (_, calls, own, cumulative, _) = key, value
    return {
        "function": f"{short_path(path)}:{line}({name})",
        "calls": calls,
        "own_s": round(own, 2),
        "own_share": round(own / total, 3),
        "cumulative_s": round(cumulative, 2),
        "cumulative_share": round(cumulative / total, 3),
    }


def short_path(path: str) -> str:
    """A path from its package on: ``.../site-packages/lxml/etree.pyx`` -> ``lxml/etree.pyx``."""
    for marker in ("site-packages/", str(ROOT) + "/", "lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path
