"""Organisations: registering, changing, and confirming a supplier's SME and VCSE status."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Organisation, User

STATUS_FIELDS = ("size", "is_vcse")


def _confirm_status(organisation: Organisation, by: User) -> None:
    organisation.confirmed_size = organisation.size
    organisation.confirmed_is_vcse = organisation.is_vcse
    organisation.status_confirmed_at = timezone.now()
    organisation.status_confirmed_by = by


def _unconfirm_status(organisation: Organisation) -> None:
    organisation.confirmed_size = ""
    organisation.confirmed_is_vcse = False
    organisation.status_confirmed_at = None
    organisation.status_confirmed_by = None


@transaction.atomic
def organisation_register(
    *, by: User, areas=(), confirm_status: bool = False, **fields
) -> Organisation:
    """An officer registers a community group or supplier the place works with.

    Its SME and VCSE status is self-declared unless `confirm_status` says the person
    registering it vouches for it (an officer filling in the form), and they may confirm it.
    Imports and the award form's new supplier leave it self-declared."""
    from django.utils.text import slugify

    from socialvalue.rules import allowed

    organisation = Organisation(**fields)
    base = slugify(organisation.name)[:70] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    organisation.slug = slug
    if confirm_status and allowed(by, "people.confirm_status", organisation):
        _confirm_status(organisation, by)
    organisation.full_clean()
    organisation._history_user = by
    organisation.save()
    organisation.areas.set(areas)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, areas=None, **fields):
    """Change an organisation's details. A change to its SME or VCSE status makes it
    self-declared again, until an officer confirms it (`organisation_status_confirm`)."""
    # As stored: a model form may already have set the new values on the instance.
    before = Organisation.objects.filter(pk=organisation.pk).values(*STATUS_FIELDS).first()
    for name, value in fields.items():
        setattr(organisation, name, value)
    if before and any(getattr(organisation, name) != before[name] for name in STATUS_FIELDS):
        _unconfirm_status(organisation)
    organisation.full_clean()
    organisation._history_user = by
    organisation.save()
    if areas is not None:
        organisation.areas.set(areas)
    return organisation


@transaction.atomic
def organisation_status_confirm(*, organisation: Organisation, by: User) -> Organisation:
    """An officer confirms the organisation's SME and VCSE status as it stands: from now on
    it counts in published figures and open data, with who confirmed it and when."""
    from socialvalue.rules import allowed

    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not allowed(by, "people.confirm_status", organisation):
        raise ValidationError("You cannot confirm this organisation's status")
    _confirm_status(organisation, by)
    organisation.full_clean()
    organisation._history_user = by
    organisation.save()
    return organisation
