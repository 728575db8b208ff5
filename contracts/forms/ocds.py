"""Forms for importing OCDS notices: the upload, the review of a preview, and the names a
public body publishes under."""

import hashlib
import os

from django import forms
from django.db.models import QuerySet

from people.models import Organisation
from places.models import Place
from socialvalue.forms import GovFormMixin

from ..models import BuyerAlias
from ..ocds import MAX_BYTES, parse_json
from ..ocds.matching import importer_bodies
from ..ocds.report import ImportReport
from ..permissions import organisations_importing_for

ADD_RULE = "contracts.add_contract"


def places_for_import(user) -> QuerySet[Place]:
    """The places where the user is an officer of a public body: an import creates and updates
    contracts only for those bodies."""
    if not user.is_authenticated:
        return Place.objects.none()
    bodies = organisations_importing_for(user)
    return Place.objects.filter(organisations__in=bodies).distinct().order_by("name")


class JsonFileField(forms.FileField):
    """A `.json` upload, smaller than the limit, that parses as JSON. Cleans to the upload."""

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
        too_big = f"The selected file must be smaller than {self.max_bytes // 1024 // 1024} MB"
        if upload.size > self.max_bytes:
            raise forms.ValidationError(too_big)
        upload.seek(0)
        raw = upload.read(self.max_bytes + 1)
        if len(raw) > self.max_bytes:
            raise forms.ValidationError(too_big)
        try:
            parse_json(raw)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        upload.seek(0)
        return upload


class OcdsUploadForm(GovFormMixin, forms.Form):
    submit_label = "Upload and preview"

    place = forms.ModelChoiceField(
        label="Place",
        queryset=Place.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the place the contracts are for",
            "invalid_choice": "Choose a place where you are an officer of a public body",
        },
    )
    file = JsonFileField(label="OCDS release package")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        places = places_for_import(user)
        self.fields["place"].queryset = places
        self.only_place = places[0] if len(places) == 1 else None
        if self.only_place is not None:
            self.fields["place"].initial = self.only_place.pk
            self.fields["place"].widget = forms.HiddenInput()
            self.fields["place"].required = False

    def clean_place(self):
        return self.cleaned_data.get("place") or self.only_place


def choice_name(prefix: str, key: str) -> str:
    """A form field name for a key read from the file (which may hold any text)."""
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:16]}"


LEAVE_OUT = ""


class OcdsReviewForm(GovFormMixin, forms.Form):
    """On the preview: which of the importer's bodies each unrecognised buyer is (or leave its
    releases out), and which cancellations to apply."""

    submit_label = "Update the preview"

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report: ImportReport, staged, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("revision", staged.revision)
        self.bodies = {b.pk: b for b in importer_bodies(staged.by, staged.place)}
        choices = [(LEAVE_OUT, "Not one of mine: leave its releases out")]
        choices += [(str(pk), body.name) for pk, body in self.bodies.items()]
        self.buyer_fields = {}
        for key, buyer in report.unrecognised.items():
            name = choice_name("buyer", key)
            self.fields[name] = forms.ChoiceField(
                label=str(buyer),
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                initial=str(buyer.chosen_id or LEAVE_OUT),
                help_text=f"Named as buyer in {buyer.releases} "
                f"{'release' if buyer.releases == 1 else 'releases'}",
                error_messages={"invalid_choice": "Choose one of your bodies, or leave it out"},
            )
            self.buyer_fields[name] = key
        self.cancel_fields = {}
        for ocid, notice in report.cancellations.items():
            name = choice_name("cancel", ocid)
            self.fields[name] = forms.BooleanField(
                label=f"Cancel {notice.reference}: {notice.title}",
                required=False,
                initial=notice.confirmed,
                help_text=f"The notice {ocid} says the procurement or contract was cancelled",
            )
            self.cancel_fields[name] = ocid
        # The page renders the form inside its own <form>, with two buttons.
        self.helper.form_tag = False
        self.helper.inputs = []

    def buyer_matches(self) -> dict[str, Organisation | None]:
        matches = {}
        for name, key in self.buyer_fields.items():
            value = self.cleaned_data.get(name) or LEAVE_OUT
            matches[key] = self.bodies.get(int(value)) if value else None
        return matches

    def cancellations(self) -> set[str]:
        return {ocid for name, ocid in self.cancel_fields.items() if self.cleaned_data.get(name)}


class BuyerAliasForm(GovFormMixin, forms.Form):
    submit_label = "Add"

    kind = forms.ChoiceField(
        label="Is it an identifier or a name?",
        choices=BuyerAlias.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is an identifier or a name"},
    )
    value = forms.CharField(
        label="Identifier or name, as the notices spell it",
        max_length=200,
        help_text="For example GB-PPON-ABCD-1234-EFGH, GB-SRS-…, or The North Yorkshire Council",
        error_messages={
            "required": "Enter the identifier or name the body publishes under",
            "max_length": "The identifier or name must be 200 characters or fewer",
        },
    )
