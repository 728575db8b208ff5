"""Second-person sign-off: the one rule for who may record a decision on a contract's legal
record (approve a section 1 assessment; confirm or decline an exemption from the Act).

`sign_off_refusal(user, record)` is the rule. Every path that records such a decision asks it:
the pages (through the named rules in `contracts.permissions`), the services they call, and the
models themselves, whose `save()` refuses an approval or a confirmation that breaks it, so the
Django admin, an import or the shell cannot go round it. `awaiting_sign_off(user, queryset)` is
the same rule in SQL, for the "waiting for your sign-off" counts and lists.

Who took part in a record comes from the record and its history (django-simple-history): the
people its `SIGN_OFF_PEOPLE` fields name (an assessment's author and submitter; an exemption's
proposer), and everyone whose save of it is in its history, except saves that only recorded a
reviewer's decision (sent back, signed off, confirmed...). Services mark those with
`decided(record, by=..., reason=...)`; a save with any other reason, or none (the Django
admin, the shell), counts as taking part. A reviewer who sends an assessment back may still
sign off the corrected version; anyone who changed it may not.
"""

from django.db.models import Exists, OuterRef, QuerySet

# The history's change reasons for saves that record a reviewer's decision, not a change to
# what is decided. Only services set them (`decided`); nothing else counts as a decision.
SENT_BACK = "Sent back for changes"
SIGNED_OFF = "Signed off"
SUPERSEDED = "Superseded by a new version"
WITHDRAWN = "Withdrawn"
CONFIRMED = "Confirmed"
DECLINED = "Declined"
DECISIONS = (SENT_BACK, SIGNED_OFF, SUPERSEDED, WITHDRAWN, CONFIRMED, DECLINED)

# How each field of `SIGN_OFF_PEOPLE` says a person took part.
_VERBS = {"author": "wrote", "submitted_by": "submitted", "proposed_by": "proposed"}


def decided(record, *, by, reason: str):
    """Mark the next save of `record` as `by`'s decision (`reason`, one of `DECISIONS`)."""
    assert reason in DECISIONS, reason
    record._history_user = by
    record._change_reason = reason
    return record


def took_part(record) -> dict[int, str]:
    """Everyone who took part in `record`, each with what they did ("wrote", "changed"...)."""
    people: dict[int, str] = {}
    for field in record.SIGN_OFF_PEOPLE:
        user_id = getattr(record, f"{field}_id")
        if user_id is not None:
            people.setdefault(user_id, _VERBS[field])
    if record.pk is not None:
        changed_by = (
            record.history.exclude(history_change_reason__in=DECISIONS)
            .exclude(history_user__isnull=True)
            .values_list("history_user_id", flat=True)
            .distinct()
        )
        for user_id in changed_by:
            people.setdefault(user_id, "changed")
    return people


def signing_bodies(user) -> set[int]:
    """The bodies whose decisions `user` may sign off: those where they are an officer or a
    leader, and the other confirmed members of every current joint arrangement one of those
    has confirmed it is in (one query)."""
    from .permissions import signoff_organisation_ids  # it imports this module

    own = signoff_organisation_ids(user)
    if not own:
        return set()
    return own | set(partner_bodies(own))


def partner_bodies(organisation_ids):
    """The bodies (ids, as an unevaluated query) that share a current joint arrangement with
    any of `organisation_ids`, both sides having confirmed it (these bodies included)."""
    from .models import ArrangementMember

    members = ArrangementMember.objects.filter(
        confirmed_at__isnull=False, ended_at__isnull=True, arrangement__ended_at__isnull=True
    )
    shared = members.filter(organisation_id__in=organisation_ids).values("arrangement_id")
    return members.filter(arrangement_id__in=shared).values_list("organisation_id", flat=True)


def sign_off_refusal(user, record) -> str | None:
    """The second-person sign-off rule. Why `user` may not sign off `record` (an assessment
    version or an exemption), or None if they may:

    1. They must not have taken part in it: not its author (or proposer), not the person who
       submitted it, and not anyone who changed it, as its history shows (`took_part`). The
       same for every version: on a reopened version, the person who reopened it is its author.
    2. They must be an officer or leader of the contract's buyer, or of a body that shares a
       current joint arrangement with it (`signing_bodies`). A joint buyer's people manage the
       contract with the buyer, but its legal record is the buyer's, signed within the buyer.

    Superusers are not excepted: a decision of a public body is signed by its own people.
    Whether the record is waiting for a decision (its status) is for the caller to check.
    """
    noun = record.SIGN_OFF_NOUN
    if user is None or not user.is_authenticated or not user.is_active:
        return f"Sign in as an active user to sign off the {noun}"
    verb = took_part(record).get(user.pk)
    if verb:
        return (
            f"You {verb} this {noun}, so you cannot sign it off. Ask a colleague who has not "
            "written, changed or submitted it"
        )
    if record.contract.buyer_id not in signing_bodies(user):
        return (
            f"Only an officer or leader of {record.contract.buyer}, or of a body in a joint "
            f"arrangement with it, can sign off the {noun}"
        )
    return None


def may_sign_off(user, record) -> bool:
    """The record is waiting for a decision, and `user` may make it."""
    return record.status == record.SIGN_OFF_WAITING and sign_off_refusal(user, record) is None


def awaiting_sign_off(user, queryset: QuerySet) -> QuerySet:
    """The records of `queryset` waiting for a decision that `user` may make: `may_sign_off`
    in SQL, in one query however many there are. A test holds the two to the same answers."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    bodies = signing_bodies(user)
    if not bodies:
        return queryset.none()
    model = queryset.model
    changed = (
        model.history.model.objects.filter(id=OuterRef("pk"), history_user_id=user.pk)
        .exclude(history_change_reason__in=DECISIONS)
        .values("pk")
    )
    queryset = queryset.filter(
        status=model.SIGN_OFF_WAITING, contract__buyer_id__in=bodies
    ).exclude(Exists(changed))
    for field in model.SIGN_OFF_PEOPLE:
        queryset = queryset.exclude(**{f"{field}_id": user.pk})
    return queryset
