"""The one base FilterSet whose form every list page renders the same way."""

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit


class GovFilterSet(django_filters.FilterSet):
    """Renders its form as a GOV.UK filter panel: GET, "Apply filters", and a clear link that
    the template builds from `request.path`."""

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            helper = FormHelper(form)
            helper.form_method = "get"
            helper.form_tag = True
            helper.disable_csrf = True
            helper.label_size = "s"
            helper.add_input(Submit("", "Apply filters", css_class="govuk-button--secondary"))
            form.helper = helper
        return form
