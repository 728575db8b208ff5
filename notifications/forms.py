from django import forms

from socialvalue.forms import GovFormMixin

from .models import Delivery, Kind


class PreferencesForm(GovFormMixin, forms.Form):
    """One choice per kind of notification: email straight away, in a daily summary, or not."""

    submit_label = "Save choices"

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            if kind == Kind.INVITATION:
                continue  # an invitation's own email carries its link: it is always sent
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current.get(kind.value, Delivery.INSTANTLY),
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose how to hear that {kind.label[0].lower()}{kind.label[1:]}"
                },
            )
