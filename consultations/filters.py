import django_filters
from django.db.models import Q

from objectives.filters import AreaFilter
from objectives.models import Outcome
from places.models import Area
from socialvalue.filters import GovFilterSet

from .models import Consultation, Proposal
from .waiting import CONSULTATION_QUEUES, PROPOSAL_QUEUES


class WaitingFilter(django_filters.ChoiceFilter):
    """`?waiting=<queue>`: the rows of one of the queues the home page counts, so its count
    and this list agree (`consultations.waiting`)."""

    def __init__(self, *, queues: dict, **kwargs):
        self.queues = queues
        super().__init__(method=self.filter_waiting, **kwargs)

    def filter_waiting(self, queryset, name, value):
        queue = self.queues[value](self.parent.request.user)
        return queryset.filter(pk__in=queue.values("pk"))


def _text(queryset, fields, value):
    condition = Q()
    for word in value.split()[:8]:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return queryset.filter(condition)


class _SearchInAreaFilterSet(GovFilterSet):
    """Search words (each in any of `search_fields`) and an area, with the areas inside it:
    what the lists of proposals and of consultations both filter by first."""

    q = django_filters.CharFilter(label="Search", method="filter_text")
    area = AreaFilter(
        label="Area (includes the areas inside it)",
        queryset=Area.objects.current().exclude(kind=Area.Kind.LSOA).order_by("path"),
        method="filter_area",
        empty_label="All areas",
    )
    search_fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return _text(queryset, self.search_fields, value)

    def filter_area(self, queryset, name, value):
        return queryset.within_area(value)


class ProposalFilterSet(_SearchInAreaFilterSet):
    search_fields = ["title", "problem", "affected", "change", "organisation__name"]
    status = django_filters.ChoiceFilter(
        label="Status", choices=Proposal.Status.choices, empty_label="Any status"
    )
    outcome = django_filters.ModelChoiceFilter(
        label="Suggested outcome",
        field_name="suggested_outcome",
        queryset=Outcome.objects.filter(framework__status="active").order_by(
            "framework__name", "name"
        ),
        empty_label="All outcomes",
    )
    waiting = WaitingFilter(
        label="Waiting for you",
        queues=PROPOSAL_QUEUES,
        choices=[
            ("review", "Waiting for a review to start"),
            ("drafts", "Your organisation's drafts"),
            ("declined", "Your organisation's declined proposals"),
            ("answered", "Your organisation's proposals answered recently"),
        ],
        empty_label="Any",
    )

    class Meta:
        model = Proposal
        fields = ["q", "area", "status", "outcome", "waiting"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            del self.filters["waiting"]  # every queue is someone's own work


class ConsultationFilterSet(_SearchInAreaFilterSet):
    search_fields = ["title", "purpose", "owner__name"]

    waiting = WaitingFilter(
        label="Open now",
        queues=CONSULTATION_QUEUES,
        choices=[("open", "Open for responses today")],
        empty_label="Any",
    )

    class Meta:
        model = Consultation
        fields = ["q", "area", "waiting"]
