"""The forms of a proposal's review: a step with its reasons, merging, attaching to an objective,
officers' notes, and hiding or showing it."""

from django import forms

from objectives.models import Objective
from socialvalue.forms import GovFormMixin

from ..models import Proposal
from ..models.proposals import HIDDEN_REASON_LIMIT, TEXT_LIMIT


class ReasonForm(GovFormMixin, forms.Form):
    """A step in the review: a public answer (required or not) and an optional private note."""

    reason = forms.CharField(
        label="Public answer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        help_text="Shown on the proposal's public page and emailed to the proposer",
    )
    note = forms.CharField(
        label="Private note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        help_text="Only officers reviewing proposals see this",
    )

    def __init__(
        self,
        *args,
        submit_label: str,
        reason_required: bool = False,
        reason_label: str = "Public answer",
        missing: str = "Enter the public answer",
        with_note: bool = True,
        **kwargs,
    ):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].label = reason_label + ("" if reason_required else " (optional)")
        self.fields["reason"].error_messages["required"] = missing
        self.fields["reason"].error_messages["max_length"] = (
            f"The answer must be {TEXT_LIMIT:,} characters or fewer"
        )
        if not with_note:
            del self.fields["note"]


class ProposalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, proposal):
        return f"{proposal.reference}: {proposal.title} ({proposal.organisation.name})"


class MergeForm(ReasonForm):
    merged_into = ProposalChoiceField(
        label="Which proposal does this one join?",
        queryset=Proposal.objects.none(),
        error_messages={"required": "Choose the proposal this one joins"},
    )
    field_order = ["merged_into", "reason", "note"]

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, submit_label="Merge proposal", **kwargs)
        self.fields["merged_into"].queryset = (
            Proposal.objects.public()
            .filter(place=proposal.place)
            .exclude(pk=proposal.pk)
            .exclude(status__in=[Proposal.Status.WITHDRAWN, Proposal.Status.MERGED])
            .filter(hidden_at__isnull=True)
            .select_related("organisation")
            .order_by("-submitted_at")
        )


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, objective):
        return (
            f"{objective.reference}: {objective.title} ({objective.get_status_display().lower()})"
        )


class AttachForm(ReasonForm):
    objective = ObjectiveChoiceField(
        label="Which objective does this proposal become part of?",
        queryset=Objective.objects.none(),
        error_messages={"required": "Choose the objective"},
    )
    field_order = ["objective", "reason", "note"]

    def __init__(self, *args, proposal: Proposal, user, **kwargs):
        super().__init__(*args, submit_label="Accept into this objective", **kwargs)
        self.fields["objective"].queryset = (
            Objective.objects.editable_by(user)
            .filter(place=proposal.place)
            .exclude(status__in=[Objective.Status.ACHIEVED, Objective.Status.RETIRED])
            .order_by("title")
        )


class NoteForm(GovFormMixin, forms.Form):
    submit_label = "Save private note"

    note = forms.CharField(
        label="Private note",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        help_text="Only officers reviewing proposals see this. The proposer does not",
        error_messages={"required": "Enter the note"},
    )


class HideProposalForm(GovFormMixin, forms.Form):
    submit_label = "Hide proposal"

    reason = forms.CharField(
        label="Why is it being hidden?",
        max_length=HIDDEN_REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown publicly in place of the proposal, and emailed to the people in the "
        "organisation that made it",
        error_messages={
            "required": "Explain why the proposal is hidden",
            "max_length": f"The reason must be {HIDDEN_REASON_LIMIT:,} characters or fewer",
        },
    )


class ShowProposalForm(GovFormMixin, forms.Form):
    submit_label = "Show proposal again"

    reason = forms.CharField(
        label="Message to the proposer (optional)",
        required=False,
        max_length=HIDDEN_REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the proposal's history and emailed to the organisation that made it",
        error_messages={
            "max_length": f"The message must be {HIDDEN_REASON_LIMIT:,} characters or fewer",
        },
    )


__all__ = [
    "AttachForm",
    "HideProposalForm",
    "MergeForm",
    "NoteForm",
    "ObjectiveChoiceField",
    "ProposalChoiceField",
    "ReasonForm",
    "ShowProposalForm",
]
