"""Pledges: the supplier's offer, the group's decision and confirmation of receipt, and the
conversation between them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.views import View
from django.views.generic import FormView, ListView

from people.models import Organisation
from socialvalue.files import serve_private_file
from socialvalue.rules import allowed
from socialvalue.view_bases import ServiceActionMixin, ServiceFormMixin

from .. import services, waiting
from ..forms import DeclineForm, MessageForm, PledgeForm, ReceiptForm
from ..models import Pledge
from ..permissions import supplier_ids
from ..selectors import still_needed
from ..services.pledges import commitments_for
from .base import NeedMixin, PledgeMixin


class PledgeCreateView(ServiceFormMixin, NeedMixin, FormView):
    template_name = "needs/pledge_form.html"
    permission_rule = "needs.pledge"

    def get_acted_on_queryset(self):
        return super().get_acted_on_queryset().select_related("group", "measure", "place")

    def get_form(self, form_class=None):
        ids = supplier_ids(self.request.user)
        return PledgeForm(
            **self.get_form_kwargs(),
            need=self.acted_on(),
            suppliers=Organisation.objects.filter(pk__in=ids).order_by("name"),
            commitments=commitments_for(ids, self.acted_on()).order_by("contract__reference", "pk"),
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "still": still_needed(self.acted_on())}

    def perform(self, form):
        data = form.cleaned_data
        pledge = services.pledge_make(
            need=self.acted_on(),
            organisation=data["organisation"],
            by=self.request.user,
            offer=data["offer"],
            by_date=data["by_date"],
            quantity=data.get("quantity"),
            commitment=data.get("commitment"),
            attested=data.get("attested", False),
            above_confirmed=data.get("confirm_quantity", False),
        )
        messages.success(self.request, f"Your pledge was sent to {pledge.need.group}")
        return pledge


class PledgeDetailView(ServiceFormMixin, PledgeMixin, FormView):
    """The pledge, what the group decided and received, and the conversation (its form)."""

    template_name = "needs/pledge_detail.html"
    permission_rule = "needs.view_pledge"
    form_class = MessageForm

    def get_acted_on_queryset(self):
        return (
            super().get_acted_on_queryset().select_related("made_by", "decided_by", "confirmed_by")
        )

    def get_context_data(self, **kwargs):
        pledge, user = self.acted_on(), self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            need=pledge.need,
            thread=list(pledge.messages.select_related("author", "organisation")),
            may={
                name: allowed(user, f"needs.{name}", pledge)
                for name in (
                    "decide_pledge",
                    "withdraw_pledge",
                    "confirm_receipt",
                    "message_pledge",
                )
            },
        )
        return context

    def post(self, request, *args, **kwargs):
        if not allowed(request.user, "needs.message_pledge", self.acted_on()):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        services.pledge_message(
            pledge=self.acted_on(), by=self.request.user, body=form.cleaned_data["body"]
        )
        messages.success(self.request, "Your message was sent")
        return self.acted_on()


class PledgeAcceptView(ServiceActionMixin, PledgeMixin, View):
    permission_rule = "needs.decide_pledge"

    def perform(self):
        return services.pledge_accept(pledge=self.acted_on(), by=self.request.user)

    def success_message(self, pledge):
        return f"You accepted the pledge from {pledge.organisation}"


class PledgeDeclineView(ServiceFormMixin, PledgeMixin, FormView):
    template_name = "needs/pledge_decline.html"
    permission_rule = "needs.decide_pledge"
    form_class = DeclineForm

    def perform(self, form):
        pledge = services.pledge_decline(
            pledge=self.acted_on(), by=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(self.request, f"You declined the pledge. {pledge.organisation} is told")
        return pledge


class PledgeWithdrawView(ServiceActionMixin, PledgeMixin, View):
    permission_rule = "needs.withdraw_pledge"

    def perform(self):
        return services.pledge_withdraw(pledge=self.acted_on(), by=self.request.user)

    def success_message(self, pledge):
        return "Your pledge is withdrawn"


class PledgeReceiptView(ServiceFormMixin, PledgeMixin, FormView):
    template_name = "needs/pledge_receipt.html"
    permission_rule = "needs.confirm_receipt"

    def get_form(self, form_class=None):
        return ReceiptForm(**self.get_form_kwargs(), need=self.acted_on().need)

    def perform(self, form):
        data = form.cleaned_data
        pledge = services.pledge_confirm_receipt(
            pledge=self.acted_on(),
            by=self.request.user,
            received_on=data["received_on"],
            quantity=data.get("quantity"),
            note=data.get("note", ""),
            file=data.get("file"),
        )
        messages.success(self.request, "Thank you: the receipt is recorded")
        return pledge


class PledgeReceiptFileView(PledgeMixin, View):
    permission_rule = "needs.view_pledge"

    def get(self, request, pk):
        pledge = self.acted_on()
        return serve_private_file(pledge.receipt_file, download_name=pledge.receipt_file_name)


class PledgeListView(ListView):
    """The pledges a person may see, or one queue of them (`?waiting=`, see `waiting`)."""

    template_name = "needs/pledge_list.html"
    context_object_name = "pledges"
    paginate_by = 25

    def get_queryset(self):
        queue = waiting.QUEUES.get(self.request.GET.get("waiting", ""))
        user = self.request.user
        pledges = queue(user) if queue else Pledge.objects.visible_to(user)
        return pledges.for_list().select_related("need__measure").order_by("-made_at", "-pk")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "waiting": self.request.GET.get("waiting", "")
            if self.request.GET.get("waiting") in waiting.QUEUES
            else "",
        }
