"""Names shared by the contracts models: value thresholds, who a contract can be awarded to, the
CPV code check, and the mixin that remembers the status a record was loaded with."""

from decimal import Decimal

from django.core.validators import RegexValidator

from people.models import Organisation

FIVE_MILLION = Decimal("5000000")
CENTRAL_GOVERNMENT_MINIMUM_WEIGHTING = Decimal("10")

# The kinds of organisation a contract can be awarded to (and that can subcontract).
SUPPLIER_KINDS = (
    Organisation.Kind.SUPPLIER,
    Organisation.Kind.SOCIAL_ENTERPRISE,
    Organisation.Kind.VCS,
)

cpv_validator = RegexValidator(
    r"^\d{8}(-\d)?$",
    "Enter a CPV code as 8 digits, with or without its check digit, like 45000000-7",
)


class LoadedStatusMixin:
    """Remembers the status a record was loaded with (`_loaded_status`), so that its `save()`
    can tell a decision (a change of status) from any other save, and guard both."""

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_status = instance.__dict__.get("status")
        return instance
