"""Who a release names: the buyer among the public bodies, the suppliers among organisations.

`BuyerDirectory` is read once per import: every public body's own identifier and name, and the
identifiers and names it publishes under (`BuyerAlias`). A release's buyer is matched by its
identifiers first (Contracts Finder, Find a Tender, Companies House schemes), then by name. The
importer may import only for the bodies of the place they are an officer of (`mine`).

`SupplierBook` finds each supplier by identifier, then by name, and registers the unknown ones
once per import (a framework names the same 35 suppliers in every release).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper

from people.models import Organisation, User
from people.services import organisation_register
from places.models import Place

from ..models import SUPPLIER_KINDS, BuyerAlias, normalise_identifier, normalise_name
from ..permissions import organisations_importing_for
from .releases import Party


def importer_bodies(user: User, place: Place) -> list[Organisation]:
    """The public bodies serving `place` that `user` is an officer of: an import creates and
    updates contracts for these, and no others."""
    return list(organisations_importing_for(user).filter(place=place).order_by("name"))


def buyer_key(party: Party) -> str:
    """How an unrecognised buyer is told apart: its first identifier, else its name."""
    if party.ids:
        return party.keys[0]
    return f"name:{normalise_name(party.name or '')}"


@dataclass
class BuyerMatch:
    organisation: Organisation | None
    key: str  # the buyer's key, for the review page when it is not recognised
    recognised: bool = True  # False: unknown here, or matched only on the review page


@dataclass
class BuyerDirectory:
    mine: dict[int, Organisation]
    by_identifier: dict[str, Organisation] = field(default_factory=dict)
    by_name: dict[str, Organisation] = field(default_factory=dict)
    chosen: dict[str, Organisation] = field(default_factory=dict)  # from the review page

    @classmethod
    def load(cls, *, user: User, place: Place, chosen: dict[str, Organisation] | None = None):
        directory = cls(mine={o.pk: o for o in importer_bodies(user, place)})
        bodies = Organisation.objects.filter(kind__in=Organisation.PUBLIC_BODY_KINDS)
        for body in bodies.only("pk", "name", "identifier", "kind", "place_id", "archived_at"):
            if body.identifier:
                directory.by_identifier.setdefault(normalise_identifier(body.identifier), body)
            directory.by_name.setdefault(normalise_name(body.name), body)
        aliases = BuyerAlias.objects.filter(removed_at__isnull=True).select_related("organisation")
        for alias in aliases:
            table = (
                directory.by_identifier
                if alias.kind == BuyerAlias.Kind.IDENTIFIER
                else directory.by_name
            )
            table.setdefault(alias.key, alias.organisation)
        directory.chosen = dict(chosen or {})
        return directory

    def match(self, party: Party) -> BuyerMatch:
        key = buyer_key(party)
        for identifier in party.keys:
            if identifier in self.by_identifier:
                return BuyerMatch(self.by_identifier[identifier], key)
        name = normalise_name(party.name or "")
        if name and name in self.by_name:
            return BuyerMatch(self.by_name[name], key)
        return BuyerMatch(self.chosen.get(key), key, recognised=False)


@dataclass
class SupplierBook:
    """Suppliers found or registered during one import, so each is looked up once."""

    by: User
    registered: list[Organisation] = field(default_factory=list)
    _cache: dict[str, Organisation | None] = field(default_factory=dict)

    def find(self, party: Party) -> Organisation | None:
        keys = [f"id:{i}" for i in party.keys]
        if party.name:
            keys.append(f"name:{party.name.casefold()}")
        for key in keys:
            if key in self._cache:
                return self._cache[key]
        found = None
        if party.ids:
            candidates = list(
                Organisation.objects.exclude(identifier="")
                .annotate(identifier_upper=Upper("identifier"))
                .filter(identifier_upper__in=party.keys)
            )
            candidates.sort(key=lambda o: (o.kind not in SUPPLIER_KINDS, o.pk))
            found = candidates[0] if candidates else None
        if found is None and party.name:
            found = Organisation.objects.filter(name__iexact=party.name).order_by("pk").first()
        if found is not None:
            self._remember(keys, found)
        return found

    def register(self, party: Party) -> Organisation:
        """A new supplier from the release's details. Raises ValidationError."""
        with transaction.atomic():
            supplier = organisation_register(
                by=self.by,
                name=party.name,
                kind=Organisation.Kind.SUPPLIER,
                size=party.size,
                is_vcse=party.is_vcse,
                identifier=party.identifier,
            )
        self.registered.append(supplier)
        keys = [f"id:{i}" for i in party.keys] + [f"name:{party.name.casefold()}"]
        self._remember(keys, supplier)
        return supplier

    def _remember(self, keys: list[str], organisation: Organisation) -> None:
        for key in keys:
            self._cache[key] = organisation

    def mark(self) -> int:
        return len(self.registered)

    def roll_back_to(self, mark: int) -> None:
        """A release was rolled back: the suppliers it registered no longer exist."""
        gone = {o.pk for o in self.registered[mark:]}
        del self.registered[mark:]
        self._cache = {k: o for k, o in self._cache.items() if o is None or o.pk not in gone}


def register_failure(party: Party, error: ValidationError) -> str:
    return f"The supplier {party.describe()} cannot be added: {'; '.join(error.messages)}"
