"""The identifiers and names a public body publishes its notices under (`BuyerAlias`).

Kept by the body's organisation admin (`contracts.manage_buyer_aliases`), and learnt when an
officer says on the import's review page that an unrecognised buyer is their body and confirms
the import. One identifier or name belongs to one body: a value already used by another body
(as its own identifier or name, or as an alias) is refused, so nobody can claim another body's
notices for their own.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Organisation, User

from ..models import BuyerAlias, normalise_identifier, normalise_name
from .releases import Party


def alias_owner(kind: str, key: str) -> Organisation | None:
    """A named rule: the public body that already publishes under this identifier or name
    (its own, or an alias), if any."""
    bodies = Organisation.objects.filter(kind__in=Organisation.PUBLIC_BODY_KINDS)
    for body in bodies.only("pk", "name", "identifier"):
        own = (
            normalise_identifier(body.identifier)
            if kind == BuyerAlias.Kind.IDENTIFIER
            else normalise_name(body.name)
        )
        if own and own == key:
            return body
    alias = (
        BuyerAlias.objects.filter(kind=kind, key=key, removed_at__isnull=True)
        .select_related("organisation")
        .first()
    )
    return alias.organisation if alias else None


@transaction.atomic
def buyer_alias_add(
    *,
    organisation: Organisation,
    kind: str,
    value: str,
    by: User,
    source: str = BuyerAlias.Source.ADDED,
) -> BuyerAlias:
    alias = BuyerAlias(organisation=organisation, kind=kind, value=value, source=source)
    alias.added_by = by
    alias.full_clean(validate_constraints=False)
    owner = alias_owner(alias.kind, alias.key)
    if owner is not None:
        whose = "this body's own" if owner.pk == organisation.pk else f"used by {owner}"
        raise ValidationError({"value": f"{alias.value} is already {whose}"})
    alias.full_clean()
    alias._history_user = by
    alias.save()
    return alias


@transaction.atomic
def buyer_alias_remove(*, alias: BuyerAlias, by: User) -> BuyerAlias:
    """Stop recognising a name or identifier. Kept, marked removed, for the history."""
    alias = BuyerAlias.objects.select_for_update().get(pk=alias.pk)
    if alias.removed_at is not None:
        raise ValidationError("This name has already been removed")
    alias.removed_at, alias.removed_by = timezone.now(), by
    alias._history_user = by
    alias.save()
    return alias


def learn_from_match(*, organisation: Organisation, party: Party, by: User) -> list[str]:
    """After an officer matched an unrecognised buyer to their body and the import was saved:
    remember the buyer's identifiers and name for that body, where no body has them yet."""
    learnt = []
    candidates = [(BuyerAlias.Kind.IDENTIFIER, value) for value in party.ids]
    if party.name:
        candidates.append((BuyerAlias.Kind.NAME, party.name))
    for kind, value in candidates:
        try:
            with transaction.atomic():
                buyer_alias_add(
                    organisation=organisation,
                    kind=kind,
                    value=value,
                    by=by,
                    source=BuyerAlias.Source.LEARNT,
                )
        except ValidationError:
            continue  # already known (here or elsewhere): nothing to learn
        learnt.append(f"{value} is now recognised as {organisation}")
    return learnt
