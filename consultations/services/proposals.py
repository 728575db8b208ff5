"""Writing a proposal: creating, changing and submitting it, and its files."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from objectives.models import Outcome
from people.models import Organisation, User
from places.models import Area, Place
from socialvalue.history import as_user

from ..models import (
    Proposal,
    ProposalFile,
)
from ..permissions import (
    proposer_error,
)
from .proposal_common import Status, _check_areas, _check_proposer, _set_links
from .proposal_review import proposal_transition


@transaction.atomic
def proposal_create(
    *,
    by: User,
    organisation: Organisation,
    place: Place,
    title: str,
    problem: str,
    areas: Iterable[Area],
    affected: str = "",
    change: str = "",
    measurement: str = "",
    evidence: str = "",
    suggested_outcome: Outcome | None = None,
    links: Iterable[tuple[str, str]] = (),
    files: Iterable = (),
    submit: bool = False,
) -> Proposal:
    """A new draft, private to the organisation until it is submitted (at once, when
    `submit` is true: in the same transaction, so an incomplete proposal is not saved)."""
    _check_proposer(by, organisation)
    proposal = Proposal(
        place=place,
        organisation=organisation,
        title=(title or "").strip(),
        problem=(problem or "").strip(),
        affected=(affected or "").strip(),
        change=(change or "").strip(),
        measurement=(measurement or "").strip(),
        evidence=(evidence or "").strip(),
        suggested_outcome=suggested_outcome,
        created_by=by,
    )
    areas = _check_areas(place=place, areas=areas)
    return _save(proposal, by=by, areas=areas, links=links, files=files, submit=submit)


@transaction.atomic
def proposal_update(*, proposal: Proposal, by: User, submit: bool = False, **fields) -> Proposal:
    """Drafts, and declined proposals being revised, can be changed by their organisation;
    with `submit`, the revised proposal is submitted (again) in the same transaction."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    problem = proposer_error(by, proposal)
    if problem:
        raise ValidationError(problem)
    if not proposal.is_editable:
        raise ValidationError(
            f"This proposal is {proposal.get_status_display().lower()}: it can no longer be changed"
        )
    areas = fields.pop("areas", None)
    links = fields.pop("links", None)
    files = fields.pop("files", ())
    fields.pop("organisation", None)  # a proposal stays with the organisation that made it
    for name, value in fields.items():
        setattr(proposal, name, value.strip() if isinstance(value, str) else value)
    if areas is not None:
        areas = _check_areas(place=proposal.place, areas=areas)
    return _save(proposal, by=by, areas=areas, links=links, files=files, submit=submit)


def _save(proposal: Proposal, *, by: User, areas, links, files, submit: bool) -> Proposal:
    """Validate and save the proposal with its areas (unless None: unchanged), links and new
    files, and submit it when asked, inside the caller's transaction."""
    proposal.full_clean()
    as_user(proposal, by).save()
    if areas is not None:
        proposal.areas.set(areas)
    _set_links(proposal, links, by)
    proposal_add_files(proposal=proposal, by=by, files=files)
    if submit:
        proposal = proposal_transition(proposal=proposal, to=Status.SUBMITTED, by=by)
    return proposal


def proposal_add_files(*, proposal: Proposal, by: User, files: Iterable) -> list[ProposalFile]:
    """Attach evidence files (already checked by `EvidenceFileField`), up to the limit."""
    files = [f for f in files if f]
    if not files:
        return []
    current = proposal.files.filter(removed_at__isnull=True).count()
    if current + len(files) > Proposal.MAX_FILES:
        raise ValidationError(
            {
                "files": f"A proposal can have up to {Proposal.MAX_FILES} files. "
                f"It has {current}: remove one before adding another"
            }
        )
    saved = []
    for upload in files:
        kind = getattr(upload, "detected_type", None)
        record = ProposalFile(
            proposal=proposal,
            file=upload,
            original_name=upload.name[:200],
            kind=kind.label if kind else "",
            size=upload.size,
            uploaded_by=by,
        )
        as_user(record, by).save()
        saved.append(record)
    return saved


@transaction.atomic
def proposal_remove_file(*, file: ProposalFile, by: User) -> ProposalFile:
    """Removed from the proposal; the stored file stays, as the record of what was shown."""
    problem = proposer_error(by, file.proposal)
    if problem:
        raise ValidationError(problem)
    if not file.proposal.is_editable:
        raise ValidationError("Files can only be removed while the proposal can be changed")
    file.removed_at = timezone.now()
    as_user(file, by).save()
    return file


__all__ = ["proposal_add_files", "proposal_create", "proposal_remove_file", "proposal_update"]
