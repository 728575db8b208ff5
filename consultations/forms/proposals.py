"""The proposer's form."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Layout, Submit
from django import forms
from django.db import models

from objectives.models import Outcome
from people.models import Organisation
from places.forms import AreaChoiceField
from places.models import Area
from socialvalue.forms import choose_one
from socialvalue.kept_uploads import KeptUploadsMixin
from socialvalue.links import LinkSlotsMixin, link_initial
from socialvalue.text import FreeTextFormMixin
from socialvalue.uploads import EvidenceFileField

from ..models import Proposal
from ..models.proposals import TEXT_LIMIT


def _text(label, *, required=True, help_text="", rows=5, missing="", limit=TEXT_LIMIT):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": missing or f"Enter {label.lower()}",
            "max_length": f"{label} must be {limit:,} characters or fewer",
        },
    )


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, outcome):
        return f"{outcome.theme.name}: {outcome.name}"


def _heading(text: str, intro: str = "") -> HTML:
    html = f'<h2 class="govuk-heading-m govuk-!-margin-top-6">{text}</h2>'
    if intro:
        html += f'<p class="govuk-body">{intro}</p>'
    return HTML(html)


class ProposalForm(LinkSlotsMixin, KeptUploadsMixin, FreeTextFormMixin, forms.Form):
    """The whole proposal on one page, in short sections, with two ways to save."""

    link_slots = Proposal.MAX_LINKS
    link_title_label = "what it is"

    organisation = choose_one(
        Organisation,
        label="Who is making this proposal?",
        required="Choose the organisation you are proposing for",
    )
    title = forms.CharField(
        label="Give your proposal a short title",
        max_length=200,
        help_text="For example, ‘Free bike repair sessions for young people in Keep Lane’",
        error_messages={
            "required": "Enter a title for your proposal",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    areas = AreaChoiceField(
        label="Which neighbourhoods or wards is it for?",
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply",
        error_messages={"required": "Choose at least one neighbourhood or ward"},
    )
    problem = _text(
        "What is the problem?",
        help_text="Tell us in your own words what is happening now",
        missing="Describe the problem",
    )
    affected = _text(
        "Who is affected?",
        required=False,
        rows=3,
        help_text="For example, older people living alone, or young people leaving care",
    )
    change = _text(
        "What should change?",
        required=False,
        help_text="What would be different if this worked",
    )
    measurement = _text(
        "How could we tell it is working? (optional)",
        required=False,
        rows=3,
        help_text="Something that could be counted, like ‘20 young people trained each year’",
    )
    suggested_outcome = OutcomeChoiceField(
        label="Which outcome does it fit best? (optional)",
        queryset=Outcome.objects.none(),
        required=False,
        empty_label="Not sure",
        help_text="From the place's outcomes framework. Officers can change this",
    )
    evidence = _text(
        "What shows this is needed? (optional)",
        required=False,
        rows=4,
        help_text="What residents have told you, numbers you know, photos or reports",
    )

    def __init__(self, *args, place, user, proposal: Proposal | None = None, **kwargs):
        """Offer only what this person may choose (their organisations, the place's areas and
        outcomes) and lay out the form's sections. Long because it is one long form's
        setup, field by field, in the order the page shows them."""
        super().__init__(*args, **kwargs)
        self.place, self.proposal = place, proposal
        from people.permissions import organisation_ids

        from ..permissions import proposing_organisations

        if proposal is None:
            orgs = proposing_organisations(user)
            self.fields["organisation"].queryset = orgs.order_by("name")
            if self.fields["organisation"].queryset.count() == 1:
                self.initial.setdefault("organisation", self.fields["organisation"].queryset.get())
        else:
            del self.fields["organisation"]
        # The areas the user's groups work in come first, so a volunteer on a phone finds
        # their own neighbourhood without scrolling through the whole borough.
        own_areas = Area.objects.filter(organisations__pk__in=organisation_ids(user)).values("pk")
        self.fields["areas"].queryset = (
            Area.objects.filter(place=place, kind__in=[Area.Kind.WARD, Area.Kind.NEIGHBOURHOOD])
            .current()
            .select_related("parent")
            .annotate(
                theirs=models.Case(
                    models.When(pk__in=own_areas, then=0),
                    default=1,
                    output_field=models.IntegerField(),
                )
            )
            .order_by("theirs", "path")
        )
        self.fields["suggested_outcome"].queryset = (
            Outcome.objects.filter(framework__place=place, framework__status="active")
            .select_related("theme")
            .order_by("framework__name", "theme__position", "position", "name")
        )
        self.add_link_fields()
        existing = proposal.files.filter(removed_at__isnull=True).count() if proposal else 0
        self.free_file_slots = max(Proposal.MAX_FILES - existing, 0)
        for slot in range(1, self.free_file_slots + 1):
            self.fields[f"file_{slot}"] = EvidenceFileField(
                label=f"File {slot} (optional)", required=False
            )
        if proposal is not None:
            self.initial.update(
                title=proposal.title,
                areas=[a.pk for a in proposal.areas.all()],
                problem=proposal.problem,
                affected=proposal.affected,
                change=proposal.change,
                measurement=proposal.measurement,
                suggested_outcome=proposal.suggested_outcome_id,
                evidence=proposal.evidence,
            )
            self.initial.update(link_initial(proposal.links.all(), self.link_slots))
        self.helper = self._helper()

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = True
        helper.form_method = "post"
        helper.attrs = {"novalidate": ""}
        helper.label_size = "s"
        links = [
            f"link_{s}_{part}"
            for s in range(1, Proposal.MAX_LINKS + 1)
            for part in ("title", "url")
        ]
        files = [
            name
            for s in range(1, self.free_file_slots + 1)
            for name in (f"file_{s}", f"file_{s}_kept", f"file_{s}_remove")
            if name in self.fields
        ]
        file_intro = (
            f"Up to {Proposal.MAX_FILES} files. Only people who can see the proposal can open them."
            if self.free_file_slots
            else f"This proposal already has {Proposal.MAX_FILES} files."
        )
        helper.layout = Layout(
            *(["organisation"] if "organisation" in self.fields else []),
            _heading("About your proposal"),
            "title",
            "areas",
            _heading("The problem"),
            "problem",
            "affected",
            _heading("What should change"),
            "change",
            "measurement",
            "suggested_outcome",
            _heading("Evidence", file_intro),
            "evidence",
            *links,
            *files,
            HTML('<div class="govuk-button-group">'),
            # Both buttons send "action"; each needs its own id (one page, one id).
            Submit("action", "Submit proposal", css_id="submit-proposal"),
            Submit(
                "action",
                "Save as draft",
                css_id="save-draft",
                css_class="govuk-button--secondary",
            ),
            HTML("</div>"),
        )
        return helper

    def keep_uploads(self) -> None:
        super().keep_uploads()
        self.helper = self._helper()  # its layout names the kept files' fields

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["links"] = self.pop_links(data)
        data["files"] = [data.pop(f"file_{s}", None) for s in range(1, self.free_file_slots + 1)]
        return data


__all__ = ["AreaChoiceField", "OutcomeChoiceField", "ProposalForm"]
