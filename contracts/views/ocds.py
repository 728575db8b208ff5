"""Importing contracts from an OCDS release package through the browser."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView

from socialvalue.rules import allowed
from socialvalue.views import RuleRequiredMixin

from ..forms_ocds import ADD_RULE, OcdsImportForm, places_for_import
from ..ocds import import_release_package

__all__ = ["OcdsImportView"]

ERRORS_SHOWN = 50
NOTES_SHOWN = 10


class OcdsImportView(RuleRequiredMixin, FormView):
    """Officers of a public body serving a place import contracts for that place."""

    template_name = "contracts/ocds_import.html"
    form_class = OcdsImportForm
    permission_rule = ADD_RULE

    def check_permission(self):
        super().check_permission()
        if not places_for_import(self.request.user).exists():
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "breadcrumbs": [("Contracts", reverse("contracts:contract_list"))],
        }

    def form_valid(self, form):
        data = form.cleaned_data
        if not allowed(self.request.user, ADD_RULE, data["place"]):
            raise PermissionDenied
        report = import_release_package(
            data["file"], place=data["place"], by=self.request.user, buyer=data["buyer"]
        )
        if report.errors:
            count = len(report.errors)
            # On the file field, so the error summary links to the file upload.
            form.add_error(
                "file",
                f"The file has {count} {'problem' if count == 1 else 'problems'}, so nothing "
                "was imported. Correct the file, or choose the buyer, and import it again",
            )
            for error in report.errors[:ERRORS_SHOWN]:
                form.add_error("file", str(error))
            if count > ERRORS_SHOWN:
                form.add_error("file", f"And {count - ERRORS_SHOWN} more problems")
            return self.form_invalid(form)

        results = report.contracts
        if len(results) == 1:
            contract = results[0].contract
            headline = f"Imported {contract.reference}: {report.summary()}"
        else:
            contract = None
            headline = f"Imported {len(results)} contracts: {report.summary()}"
        messages.success(self.request, headline)
        notes = sorted({note.message for note in report.notes})
        for note in notes[:NOTES_SHOWN]:
            messages.info(self.request, note[:1].upper() + note[1:])
        if contract is not None and allowed(self.request.user, "contracts.view_contract", contract):
            return redirect(contract)
        return redirect("contracts:contract_list")
