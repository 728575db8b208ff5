"""The form for importing contracts from an OCDS release package (Find a Tender, Contracts
Finder)."""

import os

from django import forms
from django.db.models import QuerySet

from people.models import Membership, Organisation
from people.permissions import place_ids
from places.models import Place
from socialvalue.forms import GovFormMixin
from socialvalue.rules import allowed

from .ocds import MAX_BYTES, parse_json

ADD_RULE = "contracts.add_contract"


def places_for_import(user) -> QuerySet[Place]:
    """The places the user may add contracts in (by the rule, place by place)."""
    if not user.is_authenticated:
        return Place.objects.none()
    candidates = (
        Place.objects.all()
        if user.is_superuser
        else Place.objects.filter(pk__in=place_ids(user, Membership.Role.OFFICER))
    )
    keep = [place.pk for place in candidates if allowed(user, ADD_RULE, place)]
    return Place.objects.filter(pk__in=keep).order_by("name")


class JsonFileField(forms.FileField):
    """A `.json` upload, smaller than the limit, that parses as JSON. Cleans to the parsed data."""

    def __init__(self, *, max_bytes: int = MAX_BYTES, **kwargs):
        self.max_bytes = max_bytes
        megabytes = max_bytes // 1024 // 1024
        kwargs.setdefault("help_text", f"A .json file smaller than {megabytes} MB")
        kwargs.setdefault(
            "widget",
            forms.FileInput(
                attrs={"accept": ".json,application/json", "class": "govuk-file-upload"}
            ),
        )
        error_messages = {
            "required": "Choose a JSON file to import",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be read. Choose it again",
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(error_messages=error_messages, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        name = os.path.basename(upload.name or "")
        if not name.lower().endswith(".json"):
            raise forms.ValidationError("The selected file must be a .json file")
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The selected file must be smaller than {self.max_bytes // 1024 // 1024} MB"
            )
        upload.seek(0)
        raw = upload.read(self.max_bytes + 1)
        if len(raw) > self.max_bytes:
            raise forms.ValidationError(
                f"The selected file must be smaller than {self.max_bytes // 1024 // 1024} MB"
            )
        try:
            return parse_json(raw)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class OcdsImportForm(GovFormMixin, forms.Form):
    submit_label = "Import contracts"

    place = forms.ModelChoiceField(
        label="Place",
        queryset=Place.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the place the contracts are for",
            "invalid_choice": "Choose a place you add contracts in",
        },
    )
    buyer = forms.ModelChoiceField(
        label="Buyer (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="The buyer named in the file",
        help_text="Only if the file's buyer is not found: every contract in the file is then "
        "recorded as bought by this organisation",
        error_messages={"invalid_choice": "Choose a public body serving the place"},
    )
    file = JsonFileField(label="OCDS release package")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        places = places_for_import(user)
        self.fields["place"].queryset = places
        if len(places) == 1:
            self.initial.setdefault("place", places[0].pk)
        self.fields["buyer"].queryset = Organisation.objects.filter(
            place__in=places, kind__in=Organisation.PUBLIC_BODY_KINDS, archived_at__isnull=True
        ).order_by("name")

    def clean(self):
        data = super().clean()
        place, buyer = data.get("place"), data.get("buyer")
        if place and buyer and buyer.place_id != place.pk:
            self.add_error("buyer", f"{buyer} does not serve {place}. Choose a buyer in {place}")
        return data
