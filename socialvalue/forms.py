"""Shared form plumbing: every form renders GOV.UK markup through crispy-forms-gds."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django.core.exceptions import ValidationError

from .text import FreeTextFormMixin


class GovFormMixin(FreeTextFormMixin):
    """Gives a form a FormHelper with one primary button, and drops invisible control
    characters from its free text (`socialvalue.text`).

    The error summary is rendered by the page layout (above the heading, as the Design System
    asks); errors about the form as a whole are also shown at the top of the form, as GOV.UK
    error messages (templates/gds/errors.html).
    """

    submit_label = "Save"
    label_size = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No layout: crispy renders every field, including fields a form adds after this.
        self.helper = FormHelper()
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


class GovDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with messages in the Design System's voice."""

    def __init__(self, *, label_text: str, **kwargs):
        self.label_text = label_text
        super().__init__(**kwargs)
        lowered = label_text[0].lower() + label_text[1:]
        self.error_messages["required"] = f"Enter the {lowered}"
        self.error_messages["incomplete"] = f"The {lowered} must include a day, month and year"

    def compress(self, data_list):
        day, month, year = data_list
        if day and month and year:
            if len(str(year)) != 4:
                raise ValidationError(f"The {self.label_text.lower()} year must be 4 digits")
            try:
                return date(day=int(day), month=int(month), year=int(year))
            except ValueError:
                raise ValidationError(
                    f"The {self.label_text.lower()} must be a real date"
                ) from None
        return None
