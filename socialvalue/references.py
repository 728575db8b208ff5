"""The public reference of a record people quote (an objective, a proposal, a need): its
prefix and its id, zero-padded, so "OBJ-00004" reads the same on every page, CSV and email."""


class ReferenceMixin:
    """Mix into a model and set `reference_prefix` ("OBJ"); `reference` is "New" until saved."""

    reference_prefix = ""

    @property
    def reference(self) -> str:
        return f"{self.reference_prefix}-{self.pk:05d}" if self.pk else "New"
