"""Objective proposals from community groups: the proposal, its evidence, its life cycle
(events), supports, and the question-and-answer thread."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from objectives.models import Objective, Outcome
from people.models import Organisation
from places.models import Area, Place
from socialvalue.references import ReferenceMixin
from socialvalue.uploads import stored_name

from ..querysets import CommentQuerySet, ProposalEventQuerySet, ProposalQuerySet

TEXT_LIMIT = 5000  # characters in any one long answer: about two pages
HIDDEN_REASON_LIMIT = 500


class Proposal(ReferenceMixin, models.Model):
    """An objective that a community group (or another organisation) asks the place to adopt."""

    reference_prefix = "PRO"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        ACCEPTED = "accepted", "Accepted"
        MERGED = "merged", "Merged"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # The life cycle: each status may only move to these. A declined proposal may be revised
    # and submitted again; accepted, merged and withdrawn are final.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.UNDER_REVIEW, Status.WITHDRAWN},
        Status.UNDER_REVIEW: {
            Status.ACCEPTED,
            Status.MERGED,
            Status.DECLINED,
            Status.WITHDRAWN,
        },
        Status.DECLINED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.MERGED: set(),
        Status.WITHDRAWN: set(),
    }
    # Who moves a proposal to each status: its own organisation, or an officer reviewing it.
    PROPOSER_MOVES = frozenset({Status.SUBMITTED, Status.WITHDRAWN})
    REVIEWER_MOVES = frozenset(
        {Status.UNDER_REVIEW, Status.ACCEPTED, Status.MERGED, Status.DECLINED}
    )
    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.DECLINED})
    OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW})
    MAX_FILES = 3
    MAX_LINKS = 3

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="proposals")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="The organisation the proposal is made on behalf of",
    )
    title = models.CharField(max_length=200)
    problem = models.TextField("the problem", max_length=TEXT_LIMIT)
    affected = models.TextField("who is affected", max_length=TEXT_LIMIT, blank=True)
    change = models.TextField("what should change", max_length=TEXT_LIMIT, blank=True)
    measurement = models.TextField("how it could be measured", max_length=TEXT_LIMIT, blank=True)
    evidence = models.TextField("evidence", max_length=TEXT_LIMIT, blank=True)
    suggested_outcome = models.ForeignKey(
        Outcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name="suggested outcome",
    )
    areas = models.ManyToManyField(Area, related_name="proposals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    public_reason = models.TextField(
        "public answer", blank=True, help_text="The latest answer given publicly"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    objective = models.ForeignKey(
        Objective,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        help_text="The objective this proposal was adopted as, or attached to",
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_proposals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Abusive content is hidden by an officer, never deleted: the public sees only the reason.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.TextField(
        "reason for hiding", blank=True, max_length=HIDDEN_REASON_LIMIT
    )
    history = HistoricalRecords(m2m_fields=[areas])

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["place", "status"]),
            # The proposals list's order: its first page is read from here, not sorted from
            # every proposal (136 ms to 1 ms at county scale).
            models.Index(fields=["-updated_at", "-id"], name="proposal_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(objective__isnull=False),
                name="proposal_accepted_has_objective",
                violation_error_message="An accepted proposal must be linked to an objective",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="proposal_merged_has_target",
                violation_error_message="A merged proposal must say which proposal it joined",
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="proposal_hidden_has_reason",
                violation_error_message="Give the reason the proposal is hidden",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:proposal_detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        """Drafts are private to the organisation; anything ever submitted is public."""
        return self.submitted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def next_statuses(self) -> set[str]:
        return self.TRANSITIONS.get(self.status, set())

    def clean(self) -> None:
        errors = {}
        for name in ("problem", "affected", "change", "measurement", "evidence"):
            if len(getattr(self, name) or "") > TEXT_LIMIT:
                label = str(self._meta.get_field(name).verbose_name)
                errors[name] = (
                    f"{label[0].upper()}{label[1:]} must be {TEXT_LIMIT:,} characters or fewer"
                )
        if self.merged_into_id and self.merged_into_id == self.pk:
            errors["merged_into"] = "A proposal cannot be merged into itself"
        if self.organisation_id and self.organisation.archived_at:
            errors["organisation"] = f"{self.organisation} has been archived"
        if (
            self.suggested_outcome_id
            and self.place_id
            and self.suggested_outcome.framework.place_id != self.place_id
        ):
            errors["suggested_outcome"] = "Choose an outcome from this place's frameworks"
        if errors:
            raise ValidationError(errors)


def transition_error(proposal: Proposal, to: str) -> str | None:
    """Why `proposal` may not move to `to`, or None if it may. A named rule: the life cycle is
    draft → submitted → under review → accepted, merged or declined; the proposer may withdraw
    before a decision; a declined proposal may be revised and submitted again. No step is
    skipped."""
    current = proposal.status
    if to == current:
        return f"The proposal is already {Proposal.Status(current).label.lower()}"
    if to in Proposal.TRANSITIONS.get(current, set()):
        return None
    now = Proposal.Status(current).label.lower()
    target = Proposal.Status(to).label.lower()
    if current in (Proposal.Status.ACCEPTED, Proposal.Status.MERGED, Proposal.Status.WITHDRAWN):
        return f"This proposal is {now}: its status can no longer change"
    if current == Proposal.Status.DRAFT and to in Proposal.REVIEWER_MOVES:
        return f"A draft cannot be {target}. It must be submitted first"
    if current == Proposal.Status.SUBMITTED and to in Proposal.REVIEWER_MOVES:
        return f"A submitted proposal cannot be {target} yet. Start the review first"
    return f"A proposal that is {now} cannot be {target}"


class ProposalEvent(models.Model):
    """One step in a proposal's life: a status change (with its public reason) or an officer's
    private note. Never changed or deleted."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", "Status change"
        NOTE = "note", "Private note"
        HIDDEN = "hidden", "Content hidden"
        SHOWN = "shown", "Content shown again"

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRANSITION)
    from_status = models.CharField(max_length=20, choices=Proposal.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Proposal.Status.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    public_reason = models.TextField(blank=True, max_length=TEXT_LIMIT)
    note = models.TextField("private note", blank=True, max_length=TEXT_LIMIT)
    # Who reads a private event: ProposalEventQuerySet.visible_to (the body that wrote it and
    # the bodies reviewing the proposal).
    is_private = models.BooleanField(
        default=False, help_text="Seen only by officers reviewing proposals in the place"
    )

    objects = ProposalEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["proposal", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="note") | Q(is_private=True),
                name="proposal_note_is_private",
            )
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.TRANSITION:
            return f"{self.proposal} → {self.get_to_status_display()}"
        return f"{self.get_kind_display()} on {self.proposal}"


def proposal_evidence_path(instance, filename) -> str:
    """A random name under proposal-evidence/ (a module-level function, so migrations can
    refer to it)."""
    return stored_name("proposal-evidence")(instance, filename)


class ProposalFile(models.Model):
    """An evidence file: stored under a random name, served only to people who may see the
    proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=proposal_evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ProposalLink(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """One person backing a proposal, optionally for an organisation they belong to.

    Withdrawing deletes the row: a support is a reversible expression of opinion that no
    decision rests on, and keeping who once supported what would hold personal data for no
    purpose (data minimisation). The count shown is always the current one.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_supports"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"],
                name="support_once_per_person",
                violation_error_message="You already support this proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} supports {self.proposal}"


class Comment(models.Model):
    """A question about a proposal, or an answer to one. Hidden, never deleted."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="comments")
    reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_answer = models.BooleanField(
        default=False, help_text="Written by the proposer or a reviewing officer"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="comment_hidden_has_reason",
                violation_error_message="Give the reason the comment is hidden",
            )
        ]

    def __str__(self) -> str:
        return f"Comment on {self.proposal}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def clean(self) -> None:
        if self.reply_to_id and self.reply_to.proposal_id != self.proposal_id:
            raise ValidationError({"reply_to": "Reply to a question on the same proposal"})
