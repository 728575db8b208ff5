"""Who signs off for whom: each public body's decisions are signed off within it, unless the
place records a joint arrangement between bodies. The overview, the pages an organisation
admin uses to record, change, answer and end an arrangement, and the body's threshold below
which it does not apply the Act."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView

from people.models import Organisation
from people.permissions import served_by
from people.two_factor import two_factor_required_view
from socialvalue.forms import ConfirmForm
from socialvalue.rules import allowed
from socialvalue.view_bases import ServiceFormMixin

from ..forms import AnswerArrangementForm, ArrangementForm, ThresholdForm
from ..models import ArrangementMember, ExemptionThreshold, JointArrangement
from ..services import governance as services_governance

OVERVIEW = "contracts:sign_off_overview"


def _places(user):
    return served_by(user).order_by("name")


class SignOffOverviewView(TemplateView):
    """For each place the user serves: its public bodies and the joint arrangements between
    them, with what the user may do about each. A fixed number of queries."""

    template_name = "contracts/sign_off_overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        places = list(_places(user))
        if not places:
            raise PermissionDenied
        bodies = (
            Organisation.objects.current().public_bodies().filter(place__in=places).order_by("name")
        )
        arrangements = (
            JointArrangement.objects.filter(place__in=places)
            .select_related("recorded_by", "ended_by")
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=ArrangementMember.objects.filter(ended_at__isnull=True)
                    .select_related("organisation", "confirmed_by")
                    .order_by("organisation__name"),
                )
            )
            .order_by("ended_at", "name")
        )
        by_place = {
            place.pk: {
                "place": place,
                "bodies": [],
                "arrangements": [],
                "may_record": allowed(user, "contracts.record_arrangement", place),
            }
            for place in places
        }
        thresholds = {}
        for threshold in ExemptionThreshold.objects.filter(organisation__in=bodies).order_by(
            "organisation_id", "recorded_at", "pk"
        ):
            thresholds[threshold.organisation_id] = threshold  # the latest is in force
        for body in bodies:
            body.threshold = thresholds.get(body.pk)
            body.may_set_threshold = allowed(user, "contracts.set_threshold", body)
            by_place[body.place_id]["bodies"].append(body)
        for arrangement in arrangements:
            members = list(arrangement.members.all())
            for member in members:
                member.arrangement = arrangement  # the rule reads it: no query per member
                member.may_answer = allowed(user, "contracts.answer_arrangement", member)
            by_place[arrangement.place_id]["arrangements"].append(
                {
                    "arrangement": arrangement,
                    "members": members,
                    "may_change": allowed(user, "contracts.change_arrangement", arrangement),
                }
            )
        return {**super().get_context_data(**kwargs), "places": list(by_place.values())}


@method_decorator(two_factor_required_view, name="dispatch")
class ArrangementCreateView(ServiceFormMixin, FormView):
    template_name = "contracts/arrangement_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.place = get_object_or_404(_places(request.user), slug=kwargs["slug"])
        if not allowed(request.user, "contracts.record_arrangement", self.place):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return ArrangementForm(**self.get_form_kwargs(), place=self.place)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "place": self.place}

    def perform(self, form):
        return services_governance.arrangement_record(
            by=self.request.user, place=self.place, **form.cleaned_data
        )

    def success_message(self, arrangement):
        waiting = arrangement.members.filter(confirmed_at__isnull=True).count()
        return f"{arrangement.name} recorded." + (
            f" {waiting} bod{'y' if waiting == 1 else 'ies'} must confirm before it counts for them"
            if waiting
            else ""
        )

    def success_redirect(self, _result):
        return redirect(OVERVIEW)


class ArrangementMixin:
    """An arrangement of a place the user serves (404 otherwise), and the rule to change it."""

    permission_rule = "contracts.change_arrangement"

    def dispatch(self, request, *args, **kwargs):
        self.arrangement = get_object_or_404(
            JointArrangement.objects.filter(place__in=_places(request.user))
            .select_related("place")
            .prefetch_related("members__organisation"),
            pk=kwargs["pk"],
        )
        if not allowed(request.user, self.permission_rule, self.arrangement):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "arrangement": self.arrangement,
            "place": self.arrangement.place,
        }


@method_decorator(two_factor_required_view, name="dispatch")
class ArrangementUpdateView(ServiceFormMixin, ArrangementMixin, FormView):
    template_name = "contracts/arrangement_form.html"

    def get_form(self, form_class=None):
        return ArrangementForm(
            **self.get_form_kwargs(), place=self.arrangement.place, arrangement=self.arrangement
        )

    def perform(self, form):
        data = form.cleaned_data
        return services_governance.arrangement_update(
            arrangement=self.arrangement,
            by=self.request.user,
            name=data["name"],
            reference=data["reference"],
            add_bodies=data.get("bodies") or (),
        )

    def success_message(self, _result):
        return f"{self.arrangement.name} saved"

    def success_redirect(self, _result):
        return redirect(OVERVIEW)


@method_decorator(two_factor_required_view, name="dispatch")
class ArrangementEndView(ServiceFormMixin, ArrangementMixin, FormView):
    template_name = "contracts/arrangement_end.html"

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="End the arrangement")

    def perform(self, form):
        return services_governance.arrangement_end(
            arrangement=self.arrangement, by=self.request.user
        )

    def success_message(self, _result):
        return f"{self.arrangement.name} has ended. Each body now signs off its own decisions"

    def success_redirect(self, _result):
        return redirect(OVERVIEW)


@method_decorator(two_factor_required_view, name="dispatch")
class ArrangementAnswerView(ServiceFormMixin, FormView):
    """An organisation admin of a body added to an arrangement confirms or declines it."""

    template_name = "contracts/arrangement_answer.html"
    form_class = AnswerArrangementForm

    def dispatch(self, request, *args, **kwargs):
        self.member = get_object_or_404(
            ArrangementMember.objects.filter(arrangement__place__in=_places(request.user))
            .select_related("arrangement", "arrangement__place", "organisation", "added_by")
            .prefetch_related("arrangement__members__organisation"),
            pk=kwargs["pk"],
        )
        if not allowed(request.user, "contracts.answer_arrangement", self.member):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "member": self.member,
            "arrangement": self.member.arrangement,
            "others": [
                m
                for m in self.member.arrangement.members.all()
                if m.pk != self.member.pk and m.ended_at is None
            ],
        }

    def perform(self, form):
        self.answer = form.cleaned_data["answer"]
        service = (
            services_governance.arrangement_confirm
            if self.answer == "confirm"
            else services_governance.arrangement_decline
        )
        return service(member=self.member, by=self.request.user)

    def success_message(self, _result):
        if self.answer == "confirm":
            return f"{self.member.organisation} is now in {self.member.arrangement.name}"
        return f"{self.member.organisation} is not in {self.member.arrangement.name}"

    def success_redirect(self, _result):
        return redirect(reverse(OVERVIEW))


@method_decorator(two_factor_required_view, name="dispatch")
class ThresholdSetView(ServiceFormMixin, FormView):
    """An organisation admin records the body's threshold; earlier ones are listed, kept."""

    template_name = "contracts/threshold_form.html"
    form_class = ThresholdForm

    def dispatch(self, request, *args, **kwargs):
        self.organisation = get_object_or_404(
            Organisation.objects.current()
            .public_bodies()
            .filter(place__in=_places(request.user))
            .select_related("place"),
            slug=kwargs["slug"],
        )
        if not allowed(request.user, "contracts.set_threshold", self.organisation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "organisation": self.organisation,
            "thresholds": list(
                self.organisation.exemption_thresholds.select_related("recorded_by").order_by(
                    "-recorded_at", "-pk"
                )
            ),
        }

    def perform(self, form):
        return services_governance.threshold_set(
            organisation=self.organisation, by=self.request.user, **form.cleaned_data
        )

    def success_message(self, _result):
        return f"{self.organisation}'s threshold saved"

    def success_redirect(self, _result):
        return redirect(OVERVIEW)
