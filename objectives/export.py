"""The rows of the objectives CSV, read as plain values in four queries at any size.

The export used to build every objective, its lead organisation, outcome, theme, place, areas,
partners, targets and their measures as model instances, in chunks of 500 with three prefetch
queries each: about 45,000 instances and 28 queries for a county's 5,000 objectives, nearly
two seconds. The columns and their order are unchanged.
"""

from collections import defaultdict

from django.urls import reverse

from .models import Dimension, Objective, Target

COLUMNS = [
    "reference",
    "title",
    "status",
    "priority",
    "dimensions",
    "theme",
    "outcome",
    "lead_organisation",
    "partners",
    "areas",
    "area_gss_codes",
    "targets",
    "url",
]

_STATUS = dict(Objective.Status.choices)
_PRIORITY = dict(Objective.Priority.choices)
_DIMENSIONS = [(d.value, d.label) for d in Dimension]
_FIELDS = [
    "pk",
    "title",
    "status",
    "priority",
    *(value for value, _label in _DIMENSIONS),
    "outcome__theme__name",
    "outcome__name",
    "lead_organisation__name",
]


def _grouped(rows):
    grouped = defaultdict(list)
    for objective_id, *values in rows:
        grouped[objective_id].append(values)
    return grouped


def export_rows(queryset, absolute_url):
    """One list of cells per objective of `queryset` (filtered and ordered), in its order.
    `absolute_url(path)` makes the detail page's address absolute."""
    queryset = queryset.prefetch_related(None)
    chosen = queryset.order_by().values("pk")
    through_areas = Objective.areas.through.objects.filter(objective__in=chosen)
    areas = _grouped(
        through_areas.order_by("area__path", "area_id").values_list(
            "objective_id", "area__name", "area__gss_code"
        )
    )
    partners = _grouped(
        Objective.partners.through.objects.filter(objective__in=chosen)
        .order_by("organisation__name", "organisation_id")
        .values_list("objective_id", "organisation__name")
    )
    targets = _grouped(
        Target.objects.current()
        .filter(objective__in=chosen)
        .order_by("target_date", "pk")
        .values_list(
            "objective_id", "target_quantity", "measure__unit", "measure__code", "target_date"
        )
    )
    # Every detail address differs only in its id.
    marker = 987654321
    url_template = absolute_url(reverse("objectives:objective_detail", kwargs={"pk": marker}))
    before, after = url_template.split(str(marker))
    for row in queryset.values_list(*_FIELDS):
        pk, title, status, priority, *flags = row[: 4 + len(_DIMENSIONS)]
        theme, outcome, lead = row[4 + len(_DIMENSIONS) :]
        its_areas = areas.get(pk, [])
        yield [
            f"OBJ-{pk:05d}",
            title,
            _STATUS.get(status, status),
            _PRIORITY.get(priority, priority),
            "; ".join(label for (_v, label), on in zip(_DIMENSIONS, flags, strict=True) if on),
            theme,
            outcome,
            lead,
            "; ".join(name for (name,) in partners.get(pk, [])),
            "; ".join(name for name, _code in its_areas),
            "; ".join(code for _name, code in its_areas if code),
            "; ".join(
                f"{quantity.normalize():f} {unit} ({code}) by {date:%Y-%m-%d}"
                for quantity, unit, code, date in targets.get(pk, [])
            ),
            f"{before}{pk}{after}",
        ]
