"""What an import did, release by release (or, for a preview, would do).

Every release gets one `ReleaseOutcome`: created, updated or unchanged (its contract was
written), skipped (not for the importer: another buyer, an older notice, a contract closed
here), refused (it would change a contract the importer does not manage, or move it to another
buyer), held (it cancels a contract, which needs confirming), or a problem (something in it is
wrong: listed with its JSON path). Only a file that cannot be read at all has `errors`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import asdict, dataclass, field

from people.models import Organisation

from .reading import OcdsError, show


class Status:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    REFUSED = "refused"
    HELD = "held"
    PROBLEM = "problem"

    LABELS = {
        CREATED: "Created",
        UPDATED: "Updated",
        UNCHANGED: "Unchanged",
        SKIPPED: "Skipped",
        REFUSED: "Refused",
        HELD: "Needs your confirmation",
        PROBLEM: "With problems",
    }
    WRITTEN = (CREATED, UPDATED, UNCHANGED)


@dataclass
class ReleaseOutcome:
    path: str
    ocid: str
    date: datetime.datetime | None
    status: str = Status.UNCHANGED
    reason: str = ""
    problems: list[OcdsError] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    contract_id: int | None = None
    reference: str = ""
    title: str = ""
    buyer: str = ""

    def __str__(self) -> str:
        what = f"{self.path} ({self.ocid})" if self.ocid else self.path
        if self.reason:
            return f"{what}: {self.reason}"
        if self.changed:
            return f"{what}: {self.reference} {', '.join(self.changed)}"
        return f"{what}: {Status.LABELS[self.status].lower()}"

    @property
    def label(self) -> str:
        return Status.LABELS[self.status]


@dataclass
class UnrecognisedBuyer:
    """A buyer the import did not recognise: the review page lets the importer say it is one
    of their bodies, or leave its releases out."""

    key: str
    name: str
    ids: list[str]
    releases: int = 0
    chosen_id: int | None = None  # the importer's body it was matched to on the review page

    def __str__(self) -> str:
        ref = f" ({show(self.ids[0], 60)})" if self.ids else ""
        return f"{show(self.name or 'A buyer with no name')}{ref}"


@dataclass
class Cancellation:
    """A release that cancels a contract recorded before the import: applied only once the
    importer confirms it."""

    ocid: str
    reference: str
    title: str
    confirmed: bool = False


@dataclass
class ImportReport:
    dry_run: bool = False
    releases: int = 0
    outcomes: list[ReleaseOutcome] = field(default_factory=list)
    errors: list[OcdsError] = field(default_factory=list)  # the file could not be read
    unrecognised: dict[str, UnrecognisedBuyer] = field(default_factory=dict)
    cancellations: dict[str, Cancellation] = field(default_factory=dict)
    suppliers_created: list[Organisation] = field(default_factory=list)
    periods_created: int = 0
    aliases_learnt: list[str] = field(default_factory=list)
    saved: bool = False

    def error(self, path: str, message: str) -> None:
        self.errors.append(OcdsError(path, message))

    def of(self, status: str) -> list[ReleaseOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def created(self) -> list[ReleaseOutcome]:
        return self.of(Status.CREATED)

    @property
    def updated(self) -> list[ReleaseOutcome]:
        return self.of(Status.UPDATED)

    @property
    def unchanged(self) -> list[ReleaseOutcome]:
        return self.of(Status.UNCHANGED)

    @property
    def skipped(self) -> list[ReleaseOutcome]:
        return self.of(Status.SKIPPED)

    @property
    def refused(self) -> list[ReleaseOutcome]:
        return self.of(Status.REFUSED)

    @property
    def held(self) -> list[ReleaseOutcome]:
        return self.of(Status.HELD)

    @property
    def problems(self) -> list[ReleaseOutcome]:
        return self.of(Status.PROBLEM)

    @property
    def written(self) -> list[ReleaseOutcome]:
        return [o for o in self.outcomes if o.status in Status.WRITTEN]

    @property
    def contract_ids(self) -> list[int]:
        return list(dict.fromkeys(o.contract_id for o in self.written if o.contract_id))

    def counts(self) -> dict[str, int]:
        counted = Counter(o.status for o in self.outcomes)
        return {status: counted[status] for status in Status.LABELS if counted[status]}

    def summary(self) -> str:
        """One line: how many releases each way, and the new suppliers."""
        if self.errors:
            return self.errors[0].message
        counted = self.counts()
        parts = [f"{n} {Status.LABELS[s].lower()}" for s, n in counted.items()]
        releases = "release" if self.releases == 1 else "releases"
        text = f"{self.releases} {releases} read: " + (", ".join(parts) or "none to import")
        if self.suppliers_created:
            count = len(self.suppliers_created)
            text += f"; {count} new {'supplier' if count == 1 else 'suppliers'}"
        return text

    # Kept on the staged import between the preview and the confirmation ---------------------

    def to_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "releases": self.releases,
            "saved": self.saved,
            "outcomes": [
                {
                    **{k: v for k, v in asdict(o).items() if k not in ("date", "problems")},
                    "date": o.date.isoformat() if o.date else None,
                    "problems": [[p.path, p.message] for p in o.problems],
                }
                for o in self.outcomes
            ],
            "errors": [[e.path, e.message] for e in self.errors],
            "unrecognised": [asdict(u) for u in self.unrecognised.values()],
            "cancellations": [asdict(c) for c in self.cancellations.values()],
            "suppliers_created": [o.name for o in self.suppliers_created],
            "periods_created": self.periods_created,
            "aliases_learnt": self.aliases_learnt,
        }

    @classmethod
    def from_json(cls, data: dict) -> StoredReport:
        report = StoredReport(
            dry_run=data.get("dry_run", True),
            releases=data.get("releases", 0),
            saved=data.get("saved", False),
            errors=[OcdsError(*e) for e in data.get("errors", [])],
            periods_created=data.get("periods_created", 0),
            aliases_learnt=data.get("aliases_learnt", []),
        )
        report.supplier_names = data.get("suppliers_created", [])
        for item in data.get("outcomes", []):
            item = dict(item)
            date = item.pop("date")
            problems = [OcdsError(*p) for p in item.pop("problems")]
            report.outcomes.append(
                ReleaseOutcome(
                    **item,
                    date=datetime.datetime.fromisoformat(date) if date else None,
                    problems=problems,
                )
            )
        for item in data.get("unrecognised", []):
            report.unrecognised[item["key"]] = UnrecognisedBuyer(**item)
        for item in data.get("cancellations", []):
            report.cancellations[item["ocid"]] = Cancellation(**item)
        return report


@dataclass
class StoredReport(ImportReport):
    """A report read back from a staged import: new suppliers by name only."""

    supplier_names: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = super().summary()
        if self.supplier_names:
            count = len(self.supplier_names)
            text += f"; {count} new {'supplier' if count == 1 else 'suppliers'}"
        return text
