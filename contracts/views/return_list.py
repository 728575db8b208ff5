"""The list of returns a person may see, with the queue of those waiting for them."""

from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.views.generic import ListView

from people.models import Membership
from people.permissions import organisation_ids
from socialvalue.attention import capped_count, counted

from .. import services, waiting
from ..models import Commitment, Contract, DeliveryReturn, ReportingPeriod
from ..querysets import OPEN_STAGES, reported_by


class ReturnListView(ListView):
    """My returns to make: for each commitment the user may report on, the periods that have
    started with no return yet, and open questions to answer. Officers also see the returns
    waiting for them to verify.

    At county scale an officer's body has tens of thousands of commitments and returns, so
    every part is bounded: the commitments a page at a time, the two queues the longest
    waiting first (as those are dealt with the next appear), counted up to `CAP` as on the
    home page. A fixed number of queries whatever the number of rows."""

    template_name = "contracts/return_list.html"
    paginate_by = 25
    # Of each queue (questions, returns to verify), the longest waiting shown.
    queue_shown = 50

    def mine(self):
        """The current commitments on open contracts that the user may report on."""
        user = self.request.user
        if not user.is_authenticated:
            raise Http404
        supplier_orgs = organisation_ids(
            user, Membership.Role.SUPPLIER_CONTACT, Membership.Role.ORG_ADMIN
        )
        # The contracts' conditions in one subquery, so that PostgreSQL counts an officer's
        # commitments from an index alone.
        mine = Q(contract__in=Contract.objects.managed_by(user).filter(stage__in=OPEN_STAGES))
        if supplier_orgs:
            mine |= reported_by(supplier_orgs) & Q(contract__stage__in=OPEN_STAGES)
        return Commitment.objects.current().filter(mine)

    def get_queryset(self):
        return (
            self.mine()
            .select_related("contract", "measure", "area", "delivered_by")
            .order_by("contract__reference", "pk")
        )

    def paginate_queryset(self, queryset, page_size):
        """The page's commitments, with their started periods and their returns: two more
        queries for those rows only."""
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        prefetch_related_objects(
            object_list,
            Prefetch(
                "contract__periods",
                queryset=ReportingPeriod.objects.filter(services.reportable_periods()).order_by(
                    "start"
                ),
                to_attr="started_periods",
            ),
            Prefetch(
                "returns",
                queryset=DeliveryReturn.objects.only("pk", "commitment_id", "period_id", "status"),
            ),
        )
        return paginator, page, object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        mine = self.object_list.order_by()  # every page's commitments, as a subquery
        page = context["page_obj"]
        rows = []
        for commitment in page.object_list:
            reported = {r.period_id for r in commitment.returns.all()}
            due = [p for p in commitment.contract.started_periods if p.pk not in reported]
            rows.append({"commitment": commitment, "due": due})
        # Every (commitment, started period) pair with no return yet: counted in SQL up to
        # `CAP`, as on the home page (an officer's body can have hundreds of thousands). One
        # filter() call, so that the subquery's commitment is the joined one.
        due_count = capped_count(
            ReportingPeriod.objects.filter(
                ~Exists(
                    DeliveryReturn.objects.filter(
                        commitment_id=OuterRef("contract__commitments"), period_id=OuterRef("pk")
                    )
                ),
                services.reportable_periods(today),
                contract__commitments__in=mine,
            )
        )
        # The queues the home page counts (`contracts.waiting`), headed by the longest waiting.
        queried = waiting.queries_to_answer(user)
        to_verify = waiting.returns_to_verify(user)
        context.update(
            rows=rows,
            due_count=due_count,
            due_text=counted(due_count, "return is due", "returns are due"),
        )
        if page.number == 1:  # the queues head the first page only
            shown = self.queue_shown
            queried_count, to_verify_count = capped_count(queried), capped_count(to_verify)
            context.update(
                queried=list(
                    queried.select_related(
                        "commitment__measure", "commitment__contract", "period"
                    ).order_by("submitted_at", "pk")[:shown]
                ),
                queried_count=queried_count,
                queried_text=counted(queried_count, "question is open", "questions are open"),
                to_verify=list(
                    to_verify.select_related(
                        "commitment__measure",
                        "commitment__contract",
                        "commitment__delivered_by",
                        "period",
                    ).order_by("submitted_at", "pk")[:shown]
                ),
                to_verify_count=to_verify_count,
                to_verify_text=counted(to_verify_count, "return waiting", "returns waiting"),
            )
        return context
