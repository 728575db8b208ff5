"""The returns waiting for a person, one queue a page (`contracts.waiting`), and verifying
several at once.

A queue page lists exactly the rows the home page counts. On the queue of returns to verify an
officer ticks several and verifies them after one confirmation page; each return is still
verified on its own, through the same rule (`contracts.verify_return`) and service
(`services.return_verify`) as on its own page, and one that cannot be verified is listed with
why while the others go ahead.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import ListView

from people.two_factor import two_factor_required_view
from socialvalue.attention import counted
from socialvalue.rules import allowed

from .. import services, waiting
from ..models import Commitment, Contract, DeliveryReturn

__all__ = ["ReturnBulkVerifyView", "ReturnQueueView"]

# The most returns verified with one confirmation: the page lists each of them.
BULK_MAX = 100

QUEUE_TITLES = {
    "verify": ("Returns waiting for you to verify", "return waiting", "returns waiting"),
    "answered": (
        "Answers to your queries",
        "return answered, waiting for you",
        "returns answered, waiting for you",
    ),
    "answer": ("Queries to answer", "query to answer", "queries to answer"),
    "confirm": (
        "Support to confirm",
        "return asks your group to confirm support",
        "returns ask your group to confirm support",
    ),
    "due": ("Returns due", "return due", "returns due"),
    "overdue": ("Returns overdue", "return overdue", "returns overdue"),
}
BULK_QUEUES = ("verify", "answered")


class ReturnQueueView(ListView):
    """One queue of returns waiting for the person (or, for "due" and "overdue", the periods
    with no return yet, each with its commitment). A fixed number of queries however long."""

    template_name = "contracts/return_queue.html"
    paginate_by = 50

    def get_queue(self) -> str:
        queue = self.kwargs["queue"]
        if queue not in waiting.RETURN_QUEUES and queue not in waiting.DUE_QUEUES:
            raise Http404
        return queue

    def get_queryset(self):
        queue, user = self.get_queue(), self.request.user
        if queue in waiting.DUE_QUEUES:
            return waiting.DUE_QUEUES[queue](user).order_by("end", "pk", "commitment_pk")
        return (
            waiting.RETURN_QUEUES[queue](user)
            .select_related(
                "commitment__measure",
                "commitment__contract",
                "commitment__delivered_by",
                "commitment__area",
                "period",
            )
            .order_by("submitted_at", "pk")
        )

    def paginate_queryset(self, queryset, page_size):
        """For the periods due, the page's commitments in one more query."""
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        if self.get_queue() in waiting.DUE_QUEUES:
            periods = list(object_list)
            commitments = Commitment.objects.select_related(
                "measure", "contract", "area", "delivered_by"
            ).in_bulk([p.commitment_pk for p in periods])
            rows = [{"period": p, "commitment": commitments[p.commitment_pk]} for p in periods]
            page.object_list = object_list = rows
        return paginator, page, object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queue = self.get_queue()
        title, singular, plural = QUEUE_TITLES[queue]
        count = context["paginator"].count
        context.update(
            queue=queue,
            title=title,
            count_text=counted(count, singular, plural),
            due=queue in waiting.DUE_QUEUES,
            bulk=queue in BULK_QUEUES and count > 0,
            bulk_max=BULK_MAX,
            today=timezone.localdate(),
        )
        return context


def _selected_ids(request) -> list[int]:
    ids = []
    for value in request.POST.getlist("returns"):
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


@method_decorator(two_factor_required_view, name="dispatch")
class ReturnBulkVerifyView(View):
    """POST the ticked returns: first a confirmation page (each return, and why any of them
    cannot be verified); then, confirmed, each verifiable return through the service, one by
    one. Returns the person may not see are "not found", never named."""

    template_name = "contracts/return_bulk_verify.html"
    http_method_names = ["post"]

    def returns(self, ids: list[int]) -> dict[int, DeliveryReturn]:
        """The selected returns the person may see, with what the page and the rule read, in
        a fixed number of queries however many are ticked."""
        user = self.request.user
        return (
            DeliveryReturn.objects.filter(
                commitment__contract__in=Contract.objects.visible_to(user)
            )
            .select_related(
                "commitment__measure",
                "commitment__contract",
                "commitment__delivered_by",
                "period",
                "submitted_by",
            )
            .prefetch_related(
                Prefetch("commitment__contract__joint_buyers"),
            )
            .in_bulk(ids)
        )

    def refusal(self, delivery_return: DeliveryReturn) -> str | None:
        """Why this return cannot be verified now, or None: the service's own reason first
        (it has the last word again, under a lock), then the rule for who may."""
        user = self.request.user
        problem = services.return_verify_refusal(delivery_return, user)
        if problem is None and not allowed(user, "contracts.verify_return", delivery_return):
            problem = "Only an officer of the buyer can verify it"
        return problem

    def post(self, request):
        ids = _selected_ids(request)
        if not ids:
            messages.error(request, "Select at least one return to verify")
            return redirect("contracts:return_queue", queue="verify")
        if len(ids) > BULK_MAX:
            messages.error(request, f"Select at most {BULK_MAX} returns at a time")
            return redirect("contracts:return_queue", queue="verify")
        found = self.returns(ids)
        if "confirmed" not in request.POST:
            return self.confirmation(ids, found)
        return self.verify(ids, found)

    def confirmation(self, ids, found):
        rows = []
        for pk in ids:
            r = found.get(pk)
            rows.append(
                {"pk": pk, "r": r, "problem": "Not found" if r is None else self.refusal(r)}
            )
        ready = [row for row in rows if not row["problem"]]
        return render(
            self.request,
            self.template_name,
            {"rows": rows, "ready": ready, "refused": [row for row in rows if row["problem"]]},
        )

    def verify(self, ids, found):
        user = self.request.user
        verified, refused = [], []
        for pk in ids:
            r = found.get(pk)
            problem = "Not found" if r is None else self.refusal(r)
            if problem is None:
                version = self.request.POST.get(f"version-{pk}", "")
                try:
                    r = services.return_verify(
                        delivery_return=r,
                        by=user,
                        expected_version=int(version) if version.isdigit() else -1,
                    )
                except ValidationError as error:
                    problem = " ".join(error.messages)
                else:
                    verified.append(r)  # the service tells the submitter (contracts.notices)
            if problem is not None:
                refused.append({"pk": pk, "r": found.get(pk), "problem": problem})
        if verified:
            messages.success(
                self.request,
                f"{counted(len(verified), 'return', 'returns')} verified. Their quantities now "
                "count as delivered",
            )
        if not refused:
            return redirect("contracts:return_queue", queue="verify")
        return render(
            self.request,
            self.template_name,
            {"done": True, "verified": verified, "refused": refused},
        )
