"""Issue 16: the ranked neighbourhood table ranks only neighbourhoods with something due; whole
wards' commitments and areas with nothing due follow, unranked."""

from decimal import Decimal

from dashboards.figures import AreaRow
from dashboards.tables import areas_table


def _row(name, percent, wider=False):
    return AreaRow(
        area_id=hash(name) % 1000,
        name=name,
        gss_code="",
        commitments=0 if percent is None else 2,
        at_risk=0,
        percent=percent,
        band=0,
        band_label="",
        verified_value=Decimal(0),
        has_objectives=False,
        bar=0,
        wider=wider,
    )


def test_only_neighbourhoods_with_something_due_are_ranked():
    rows = [  # as figures.by_area orders them: least delivered first, nothing due last
        _row("Low", 10),
        _row("Eastgate (whole ward)", 50, wider=True),
        _row("High", 91),
        _row("Empty A", None),
        _row("Empty B", None),
    ]
    table = areas_table(rows)
    assert [(r[0], r[1]) for r in table.rows] == [
        (1, "Low"),
        (2, "High"),
        ("Nothing due", "Empty A"),
        ("Nothing due", "Empty B"),
        ("Whole area", "Eastgate (whole ward)"),
    ]


def test_tables_sort_server_side_with_empty_cells_last():
    from django.http import QueryDict

    from dashboards.tables import sort_tables

    table = areas_table([_row("Low", 10), _row("High", 91), _row("Empty", None)])
    table.rows[2][5] = None  # an empty cell in the sorted column
    table.rows_with_links = [(row, None) for row in table.display_rows]
    sort_tables({"areas": table}, QueryDict("place=x&sort=areas:5:desc"))

    assert [row[1][0] for row, _link in table.rows_with_links] == ["High", "Low", "Empty"]
    _column, href, state = table.headings[5]
    assert state == "descending"
    assert href == "?place=x&sort=areas%3A5%3Aasc#table-areas"  # the next click: ascending
    assert table.headings[1][2] == "none"

    table.rows_with_links = [(row, None) for row in table.display_rows]  # a new request
    sort_tables({"areas": table}, QueryDict("sort=areas:5:asc"))
    assert [row[1][0] for row, _link in table.rows_with_links] == ["Low", "High", "Empty"]

    for nonsense in ("areas:99:asc", "areas:x:asc", "areas:1:sideways", "<script>"):
        table.rows_with_links = [(row, None) for row in table.display_rows]
        sort_tables({"areas": table}, QueryDict(f"sort={nonsense}"))
        assert [row[1][0] for row, _link in table.rows_with_links] == ["Low", "High", "Empty"]
