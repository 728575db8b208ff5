"""Shared form plumbing: every form renders GOV.UK markup through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit


class GovFormMixin:
    """Gives a form a FormHelper with one primary button.

    The error summary is rendered by the page layout (above the heading, as the Design System
    asks), so the helper does not show non-field errors inside the form.
    """

    submit_label = "Save"
    label_size = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = True
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": ""}
        if self.label_size:
            self.helper.label_size = self.label_size
        self.helper.add_input(Submit("submit", self.submit_label))


def apply_validation_error(form, error) -> None:
    """Put a service's ValidationError onto a form, by field where the field exists."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
