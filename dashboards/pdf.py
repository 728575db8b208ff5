"""The dashboard's printable summary as a PDF (issue 16): the first screen, delivery against
need, the neighbourhood table and the lists needing a decision, at most four A4 pages.

Rendered by WeasyPrint from the same templates as the page (`dashboards/summary_pdf.html`
includes the page's partials), with the page's own stylesheet. WeasyPrint may read only the
project's static files: any other address (a web font, an image on another site) is refused,
so making a PDF sends no request anywhere.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

MAX_PAGES = 4


def _quiet() -> None:
    """WeasyPrint reports each GOV.UK Frontend rule it does not know (box-shadow variables,
    @supports, SVG properties) and each link to a part of the page the summary leaves out
    ("No anchor"): expected, and noise in the logs."""
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


# For paper: A4 with narrow margins, links as plain underlined text (WeasyPrint cannot compute
# GOV.UK Frontend's calc()-based underline thickness), nothing interactive.
PAPER = """
@page { size: A4; margin: 12mm 12mm 14mm; }
html, body { font-size: 11pt; }
a, .govuk-link { text-decoration-thickness: auto !important;
                 text-underline-offset: auto !important; color: #0b0c0c !important; }
.govuk-width-container { max-width: none; margin: 0; }
.govuk-main-wrapper { padding: 0; }
.app-no-print { display: none !important; }
.app-pdf-table { font-size: 9pt; margin-bottom: 6mm; }
.app-pdf-table .govuk-table__cell, .app-pdf-table .govuk-table__header { padding: 2px 6px 2px 0; }
.app-glance { display: block; }
.app-glance__item { display: inline-block; width: 30%; vertical-align: top;
                    margin: 0 2% 2mm 0; box-sizing: border-box; }
.app-glance__number { font-size: 14pt; }
.app-first-screen__body { display: block; }
.app-first-screen__map, .app-first-screen__decisions { width: 100%; }
.app-map__body { display: block; }
.app-map__svg { width: 110mm; height: 80mm; max-height: none; display: inline-block; }
.app-map__key { display: inline-block; width: 60mm; vertical-align: top; }
.app-first-screen { break-after: auto; border: 0; }
h1, h2, h3 { break-after: avoid; }
tr { break-inside: avoid; }
"""


def _static_only(url: str, *args, **kwargs):
    from weasyprint import default_url_fetcher

    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if url.startswith("file://"):
        path = Path(url.removeprefix("file://")).resolve()
        if any(path.is_relative_to(root) for root in roots):
            return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"The PDF may use the project's static files only, not {url}")


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of `html` and its number of pages."""
    from weasyprint import CSS, HTML

    _quiet()
    stylesheets = [
        CSS(filename=finders.find("css/app.css"), url_fetcher=_static_only),
        CSS(string=PAPER),
    ]
    document = HTML(
        string=html, base_url=str(Path(settings.STATICFILES_DIRS[0])), url_fetcher=_static_only
    ).render(stylesheets=stylesheets)
    return document.write_pdf(), len(document.pages)
