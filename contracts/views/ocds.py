"""Importing contracts from OCDS notices through the browser: upload, review, import.

1. The upload page checks the file's size and the person's bodies, stores it on the server
   for them (`ocds.staging`) and queues its preview (a dry run) for the worker.
2. The review page says the file is being checked until the worker is done, then shows,
   release by release, what the import will do and why, lets the person say which of their
   bodies an unrecognised buyer is and confirm cancellations, and queues the import with
   exactly the choices previewed.
3. The import page shows the import under way, then what was imported, or why it failed (and
   that nothing was changed). The person is also notified when it ends.

Only officers of a public body import, and only for their own bodies; an upload is seen and
confirmed only by the person who made it (anyone else: 404).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, FormView

from people.models import Organisation
from people.two_factor import two_factor_required_view
from socialvalue.forms import apply_validation_error
from socialvalue.rules import allowed
from socialvalue.view_bases import RuleRequiredMixin, ServiceFormMixin

from ..forms import (
    ADD_RULE,
    BuyerAliasForm,
    OcdsReviewForm,
    OcdsUploadForm,
    places_for_import,
)
from ..models import OcdsImport
from ..ocds import Status, aliases, staging
from ..ocds.matching import importer_bodies

__all__ = [
    "BuyerAliasListView",
    "BuyerAliasRemoveView",
    "OcdsImportResultView",
    "OcdsImportReviewView",
    "OcdsImportView",
]

MANAGE_ALIASES = "contracts.manage_buyer_aliases"

OUTCOMES_SHOWN = 200
# Once confirmed, an upload's page is the import's own (under way, saved or failed).
AFTER_CONFIRMING = (
    OcdsImport.Status.IMPORTING,
    OcdsImport.Status.IMPORTED,
    OcdsImport.Status.FAILED,
)


def _breadcrumbs():
    return [("Contracts", reverse("contracts:contract_list"))]


class ImporterMixin(RuleRequiredMixin):
    """Officers of a public body (of any place) import."""

    permission_rule = ADD_RULE

    def check_permission(self):
        super().check_permission()
        if not places_for_import(self.request.user).exists():
            raise PermissionDenied


class OcdsImportView(ServiceFormMixin, ImporterMixin, FormView):
    template_name = "contracts/ocds_import.html"
    form_class = OcdsUploadForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        places = places_for_import(self.request.user)
        bodies = [body for place in places for body in importer_bodies(self.request.user, place)]
        return {
            **super().get_context_data(**kwargs),
            "breadcrumbs": _breadcrumbs(),
            "bodies": bodies,
        }

    def perform(self, form):
        return staging.stage_upload(
            by=self.request.user,
            place=form.cleaned_data["place"],
            upload=form.cleaned_data["file"],
        )

    def success_redirect(self, staged):
        return redirect("contracts:ocds_review", pk=staged.pk)


class StagedImportMixin(ImporterMixin):
    def get_queryset(self):
        return OcdsImport.objects.filter(by=self.request.user).select_related("place")

    def get_staged(self) -> OcdsImport:
        if not hasattr(self, "_staged"):
            self._staged = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return self._staged


class OcdsImportReviewView(StagedImportMixin, FormView):
    template_name = "contracts/ocds_review.html"

    def get(self, request, *args, **kwargs):
        staged = self.get_staged()
        if staged.status in AFTER_CONFIRMING:
            return redirect("contracts:ocds_result", pk=staged.pk)
        if staged.status == OcdsImport.Status.CHECKING:
            return render(
                request,
                "contracts/ocds_working.html",
                {"staged": staged, "breadcrumbs": self.breadcrumbs(), "checking": True},
            )
        return super().get(request, *args, **kwargs)

    def breadcrumbs(self):
        return [*_breadcrumbs(), ("Import contracts", reverse("contracts:ocds_import"))]

    def get_form(self, form_class=None):
        staged = self.get_staged()
        self.report = staging.stored_report(staged)
        return OcdsReviewForm(**self.get_form_kwargs(), report=self.report, staged=staged)

    def get_context_data(self, **kwargs):
        staged = self.get_staged()
        form = kwargs.get("form") or self.get_form()
        kwargs["form"] = form
        return {
            **super().get_context_data(**kwargs),
            **report_context(self.report),
            "staged": staged,
            "pending": staged.is_pending,
            "buyer_fields": [form[name] for name in form.buyer_fields],
            "cancel_fields": [form[name] for name in form.cancel_fields],
            "breadcrumbs": self.breadcrumbs(),
        }

    def form_valid(self, form):
        """Record the choices (a change previews again); import only if they are the ones
        whose preview the person saw.

        Not a ServiceFormMixin view: two service calls, the second only when the preview
        seen is current, with information messages and a redirect that depend on which ran."""
        staged, user = self.get_staged(), self.request.user
        seen = form.cleaned_data["revision"]
        try:
            staging.choose(
                staged=staged,
                by=user,
                buyers=form.buyer_matches(),
                cancellations=form.cancellations(),
            )
            staged.refresh_from_db()
            if self.request.POST.get("action") != "import":
                messages.info(self.request, "The preview is being updated with your choices")
            elif staged.revision != seen:
                messages.info(
                    self.request,
                    "Your choices changed, so the preview is being updated. Check it, then import",
                )
            else:
                staging.confirm(staged=staged, by=user, revision=seen)
                return redirect("contracts:ocds_result", pk=staged.pk)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect("contracts:ocds_review", pk=staged.pk)


class OcdsImportResultView(StagedImportMixin, DetailView):
    """The confirmed import: under way (the worker has it), saved, or failed."""

    template_name = "contracts/ocds_result.html"
    context_object_name = "staged"

    def get(self, request, *args, **kwargs):
        staged = self.get_staged()
        if staged.status not in AFTER_CONFIRMING:
            return redirect("contracts:ocds_review", pk=staged.pk)
        if staged.status == OcdsImport.Status.IMPORTING:
            return render(
                request,
                "contracts/ocds_working.html",
                {"staged": staged, "breadcrumbs": self.breadcrumbs(), "checking": False},
            )
        return super().get(request, *args, **kwargs)

    def breadcrumbs(self):
        return [*_breadcrumbs(), ("Import contracts", reverse("contracts:ocds_import"))]

    def get_object(self, queryset=None):
        return self.get_staged()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **report_context(staging.stored_report(self.object)),
            "failed": self.object.status == OcdsImport.Status.FAILED,
            "breadcrumbs": self.breadcrumbs(),
        }


def report_context(report) -> dict:
    """The report grouped for the page: what is written first, then what is not and why."""
    groups = [
        (status, label, report.of(status))
        for status, label in (
            (Status.PROBLEM, "Releases with problems"),
            (Status.REFUSED, "Refused"),
            (Status.HELD, "Waiting for your confirmation"),
            (Status.CREATED, "New contracts"),
            (Status.UPDATED, "Updated contracts"),
            (Status.UNCHANGED, "Unchanged"),
            (Status.SKIPPED, "Skipped"),
        )
    ]
    return {
        "report": report,
        "counts": [(Status.LABELS[s], n) for s, n in report.counts().items()],
        "groups": [
            {
                "status": s,
                "label": label,
                "items": items[:OUTCOMES_SHOWN],
                "more": len(items) - OUTCOMES_SHOWN,
            }
            for s, label, items in groups
            if items
        ],
        "to_write": len(report.written),
    }


@method_decorator(two_factor_required_view, name="dispatch")
class BuyerAliasListView(ServiceFormMixin, RuleRequiredMixin, FormView):
    """The identifiers and names a public body publishes its notices under, with who added
    each and when; its organisation admins add and remove them."""

    template_name = "contracts/buyer_aliases.html"
    form_class = BuyerAliasForm
    permission_rule = "contracts.view_buyer_aliases"

    def get_permission_object(self) -> Organisation:
        if not hasattr(self, "_organisation"):
            self._organisation = get_object_or_404(
                Organisation.objects.filter(kind__in=Organisation.PUBLIC_BODY_KINDS),
                slug=self.kwargs["slug"],
            )
        return self._organisation

    def may_manage(self) -> bool:
        return allowed(self.request.user, MANAGE_ALIASES, self.get_permission_object())

    def post(self, request, *args, **kwargs):
        if not self.may_manage():
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        organisation = self.get_permission_object()
        aliases = organisation.buyer_aliases.select_related("added_by", "removed_by").order_by(
            "removed_at", "kind", "value"
        )
        return {
            **super().get_context_data(**kwargs),
            "organisation": organisation,
            "current": [a for a in aliases if a.removed_at is None],
            "removed": [a for a in aliases if a.removed_at is not None],
            "may_manage": self.may_manage(),
            "breadcrumbs": [
                (str(organisation), organisation.get_absolute_url()),
            ],
        }

    def perform(self, form):
        return aliases.buyer_alias_add(
            organisation=self.get_permission_object(), by=self.request.user, **form.cleaned_data
        )

    def success_message(self, alias):
        return f"Notices under {alias.value} are now recognised as {self.get_permission_object()}"

    def success_redirect(self, _alias):
        return redirect("contracts:buyer_aliases", slug=self.get_permission_object().slug)


@method_decorator(two_factor_required_view, name="dispatch")
class BuyerAliasRemoveView(View):
    """POST only: stop recognising a name or identifier (kept, marked removed)."""

    http_method_names = ["post"]

    def post(self, request, slug, alias):
        organisation = get_object_or_404(
            Organisation.objects.filter(kind__in=Organisation.PUBLIC_BODY_KINDS), slug=slug
        )
        if not allowed(request.user, MANAGE_ALIASES, organisation):
            raise PermissionDenied
        record = get_object_or_404(organisation.buyer_aliases, pk=alias)
        try:
            aliases.buyer_alias_remove(alias=record, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{record.value} is no longer recognised as {organisation}")
        return redirect("contracts:buyer_aliases", slug=organisation.slug)
