"""Organisations: the list, an organisation's page, registering and changing one, and
confirming a supplier's status."""

from django.views.generic import DetailView, FormView, ListView

from socialvalue.forms import ConfirmForm
from socialvalue.rules import allowed
from socialvalue.view_bases import ActOnObjectMixin, RuleRequiredMixin, ServiceFormMixin

from .. import services
from ..filters import OrganisationFilterSet
from ..forms import (
    OrganisationForm,
    OrganisationRegisterForm,
)
from ..models import Invitation, Membership, Organisation
from ..two_factor import TwoFactorRequiredMixin


class OrganisationListView(ListView):
    template_name = "people/organisation_list.html"
    paginate_by = 25
    context_object_name = "organisations"

    def get_queryset(self):
        base = Organisation.objects.visible_to(self.request.user).current().for_list()
        self.filterset = OrganisationFilterSet(
            self.request.GET or None, queryset=base, request=self.request
        )
        return self.filterset.qs.order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["may_register"] = allowed(self.request.user, "people.register_organisation")
        return context


class OrganisationDetailView(DetailView):
    template_name = "people/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return (
            Organisation.objects.visible_to(self.request.user)
            .select_related("place", "status_confirmed_by")
            .prefetch_related("areas")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, user = self.object, self.request.user
        may_see_members = allowed(user, "people.view_members", org)
        may_manage = allowed(user, "people.invite_member", org)
        context.update(
            may_see_members=may_see_members,
            may_manage=may_manage,
            may_change=allowed(user, "people.change_organisation", org),
            may_confirm_status=org.status_is_self_declared
            and allowed(user, "people.confirm_status", org),
        )
        if may_see_members:
            context["memberships"] = (
                Membership.objects.visible_to(user)
                .current()
                .filter(organisation=org)
                .select_related("user")
                .order_by("user__full_name", "role")
            )
        if may_manage:
            context["invitations"] = [
                invitation
                for invitation in Invitation.objects.filter(
                    organisation=org, accepted_at__isnull=True, revoked_at__isnull=True
                ).select_related("invited_by")
                if invitation.is_pending
            ]
        return context


class OrganisationScopedMixin(ServiceFormMixin, ActOnObjectMixin):
    """The organisation from the URL (404 if it cannot be seen); the view's rule asked of it."""

    model = Organisation
    lookups = {"slug": "slug"}

    def get_organisation(self) -> Organisation:
        return self.acted_on()


class OrganisationUpdateView(TwoFactorRequiredMixin, OrganisationScopedMixin, FormView):
    template_name = "people/organisation_form.html"
    permission_rule = "people.change_organisation"

    def get_form(self, form_class=None):
        org = self.get_organisation()
        return OrganisationForm(**self.get_form_kwargs(), instance=org, place=org.place)

    def perform(self, form):
        return services.organisation_update(
            organisation=self.get_organisation(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, organisation):
        return f"{organisation} updated"


class OrganisationRegisterView(ServiceFormMixin, RuleRequiredMixin, FormView):
    """Officers of public bodies register the community groups and suppliers they work with."""

    template_name = "people/organisation_form.html"
    permission_rule = "people.register_organisation"

    def get_form(self, form_class=None):
        return OrganisationRegisterForm(**self.get_form_kwargs())

    def perform(self, form):
        return services.organisation_register(
            by=self.request.user, confirm_status=True, **form.cleaned_data
        )

    def success_message(self, organisation):
        return (
            f"{organisation} registered. Invite its first admin from its page, or ask a "
            "superuser to"
        )


class OrganisationStatusConfirmView(TwoFactorRequiredMixin, OrganisationScopedMixin, FormView):
    """An officer confirms a supplier's SME and VCSE status, so it counts in published figures."""

    template_name = "people/organisation_status_confirm.html"
    permission_rule = "people.confirm_status"

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Confirm this status")

    def perform(self, form):
        return services.organisation_status_confirm(
            organisation=self.get_organisation(), by=self.request.user
        )

    def success_message(self, organisation):
        return f"{organisation}'s status is confirmed: it now counts in the figures"
