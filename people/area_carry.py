"""Carrying the areas groups work in from retired wards to their successors (places.carry)."""

from places.carry import carry_many

from .models import Organisation


def carry_organisation_areas(*, successors, by=None):
    return carry_many(
        records=Organisation.objects.filter(archived_at__isnull=True),
        field="areas",
        successors=successors,
        describe_record=lambda organisation: f"{organisation.name}'s working areas",
        by=by,
    )
