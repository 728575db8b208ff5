"""The leaders' dashboard, the public transparency page and the open data downloads.

One module per family: `computed.py` (the page's figures and their cache), `rows.py` (its
tables, CSV and contract links), `base.py` (what the two pages share), `dashboard.py` (the
dashboard and its PDF summary), `transparency.py` and `downloads.py` (open data). This package
names every view, so `views.DashboardView` works whatever the layout.
"""

from .base import FiguresMixin
from .computed import (
    Figures,
    _figure_sources,
    _queue_refresh,
    _scope_key,
    _values_key,
    compute_figures,
    figures_for,
    refresh_figures,
    refresh_queued_figures,
)
from .dashboard import DashboardSummaryPdfView, DashboardView
from .downloads import CommitmentsCsvView, OcdsExtensionView, OcdsView
from .rows import (
    CONTRACT_ROWS,
    DOWNLOAD_ROWS_KEPT,
    ContractLink,
    _csv_response,
    _table_builders,
    contract_links,
    link_contract_rows,
)
from .transparency import TransparencyIndexView, TransparencyView

__all__ = [
    "CONTRACT_ROWS",
    "DOWNLOAD_ROWS_KEPT",
    "CommitmentsCsvView",
    "ContractLink",
    "DashboardSummaryPdfView",
    "DashboardView",
    "Figures",
    "FiguresMixin",
    "OcdsExtensionView",
    "OcdsView",
    "TransparencyIndexView",
    "TransparencyView",
    "_csv_response",
    "_figure_sources",
    "_queue_refresh",
    "_scope_key",
    "_table_builders",
    "_values_key",
    "compute_figures",
    "contract_links",
    "figures_for",
    "link_contract_rows",
    "refresh_figures",
    "refresh_queued_figures",
]
