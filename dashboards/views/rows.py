"""The page's tables built from its figures, their CSV downloads, and the links from rows that
are contracts to the contracts the viewer may open."""

from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse

from socialvalue.csv import csv_lines

from .. import tables


def _csv_response(table: tables.Table, filename: str) -> HttpResponse:
    response = StreamingHttpResponse(
        csv_lines([table.headers, *table.rows]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# A table's download is kept (while the data is unchanged) up to this many rows: the
# transparency page's downloads are open to anyone, and most take seconds to compute at county
# scale. The longest (every commitment at risk) would be tens of megabytes.
DOWNLOAD_ROWS_KEPT = 5000


def _table_builders(public: bool) -> dict:
    """Each table of the page, from the figures (a `Figures` or the cached dict)."""

    def targets(data):
        return tables.targets_table(data["targets"], public=public, total=data.get("targets_total"))

    def at_risk(data):
        statuses = data.get("statuses")
        total = statuses.behind + statuses.at_risk if statuses else None
        return tables.at_risk_table(data["at_risk"], total=total)

    builders = {
        "measures": lambda data: tables.measures_table(data["measures"], public=public),
        "targets": targets,
        "areas": lambda data: tables.areas_table(data["areas"]),
        "outcomes": lambda data: tables.outcomes_table(data["outcomes"]),
        "quarters": lambda data: tables.quarters_table(data["quarters"], public=public),
        "proposals": lambda data: tables.proposals_table(data["proposals"]),
        "responses": lambda data: tables.responses_table(data["consultations"]),
        "gap_areas": lambda data: tables.gaps_tables(data["gaps"])[0],
        "gap_objectives": lambda data: tables.gaps_tables(data["gaps"])[1],
    }
    if public:
        builders["contracts"] = lambda data: tables.contracts_table(*data["contracts"])
    else:
        builders["non_compliant"] = lambda data: tables.non_compliant_table(data["compliance"])
        builders["at_risk"] = at_risk
        builders["organisations"] = lambda data: tables.organisations_table(data["organisations"])
    return builders


@dataclass(frozen=True)
class ContractLink:
    """How a dashboard row names its contract for the viewer: a link when they may open the
    contract, otherwise the buying body to contact about it."""

    url: str
    contact: str


def contract_links(user, contract_ids) -> dict[int, ContractLink]:
    """The rule `contracts.view_contract` (as `Contract.objects.visible_to`) for many contracts
    at once: two queries however many rows. The dashboard is a partnership view, so a place's
    officers and leaders see every body's at-risk and non-compliant rows; a row links to its
    contract only for those who may open it, and names the buying body to everyone else."""
    ids = {pk for pk in contract_ids if pk is not None}
    if not ids:
        return {}
    from contracts.models import Contract

    may_open = set(
        Contract.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    buyers = dict(Contract.objects.filter(pk__in=ids).values_list("pk", "buyer__name"))
    return {
        pk: ContractLink(
            url=reverse("contracts:contract_detail", kwargs={"pk": pk}) if pk in may_open else "",
            contact=buyers.get(pk, ""),
        )
        for pk in ids
    }


# The tables whose rows are contracts: the column that names the contract, and where each
# shown row's contract id is in the figures.
CONTRACT_ROWS = {
    "non_compliant": (0, lambda data: [r.pk for r in data["compliance"].not_compliant]),
    "at_risk": (1, lambda data: [r.contract_id for r in data["at_risk"]]),
}


def link_contract_rows(built: dict, data, user) -> None:
    """Give every table `rows_with_links`: each shown row with its `ContractLink` (None where
    the table's rows are not contracts), and `link_column`, the column to link."""
    ids = {}
    for name, (_column, contract_ids) in CONTRACT_ROWS.items():
        if name in built:
            ids[name] = contract_ids(data)[: built[name].shown]
    links = contract_links(user, [pk for row_ids in ids.values() for pk in row_ids])
    for name, table in built.items():
        shown = table.display_rows
        row_ids = ids.get(name, [])
        table.link_column = CONTRACT_ROWS[name][0] if name in ids else None
        table.rows_with_links = [
            (row, links.get(row_ids[i]) if i < len(row_ids) else None)
            for i, row in enumerate(shown)
        ]
