"""Site templates of the demo portal, one module per site family."""

from __future__ import annotations

from newsspider.demo.catalog import SiteCatalog
from newsspider.demo.layouts.arabs import ArabsLayout
from newsspider.demo.layouts.common import Layout, Page, PageView
from newsspider.demo.layouts.ledger import LedgerLayout
from newsspider.demo.layouts.maghrib import MaghribLayout

__all__ = ["Layout", "Page", "PageView", "layout_for"]


def layout_for(name: str, catalog: SiteCatalog) -> Layout:
    """The layout called `name` ("maghrib", "arabs" or "ledger"), bound to a site's catalog."""
    if name == "maghrib":
        return MaghribLayout(catalog)
    if name == "arabs":
        return ArabsLayout(catalog)
    if name == "ledger":
        return LedgerLayout(catalog)
    raise ValueError(f"unknown layout {name!r}")
