"""Importing contracts from Open Contracting (OCDS 1.1) release packages.

Contracts Finder, Find a Tender, Public Contracts Scotland and Sell2Wales publish each notice as
a release, and an officer's download mixes the notices of many buyers. The import takes the
releases whose buyer is one of the importing officer's own bodies and reports every other
release, with why:

- The buyer is recognised by the release party's identifier first (GB-PPON, GB-FTS, GB-SRS,
  GB-COH…), then by name, against each public body's own identifier and name and the ones it
  publishes under (`BuyerAlias`). An unrecognised buyer can be matched to one of the
  importer's bodies on the review page; the match is learnt when the import is confirmed.
- The `ocid` identifies the contract. An import creates contracts only for the importer's
  bodies and updates only contracts they manage, from a release naming the same buyer: anything
  else is refused for that release and changes nothing. Releases are applied in date order, and
  an older release than the one last applied to a contract changes nothing.
- Every write goes through the contract services the pages use, so the same rules hold: the
  stage only moves forward, a cancellation of a recorded contract needs confirming, and a
  contract imported after procurement started has no assessment on record, which
  `compliance_for` records.
- Each release is its own unit: a bad one is listed with its JSON path and reason, and the
  others still import. A notice without a value is "value not published", never £0. Every
  supplier of an award is kept, with its identifiers and a share only where the notice gives
  one.

`import_release_package()` does it (with `dry_run` for the preview); `staging` keeps an upload
on the server between the preview and the confirmation.
"""

from .importer import MAX_RELEASES, import_release_package
from .reading import MAX_BYTES, OcdsError, parse_json
from .report import ImportReport, ReleaseOutcome, Status, UnrecognisedBuyer
from .stages import NO_ASSESSMENT

__all__ = [
    "MAX_BYTES",
    "MAX_RELEASES",
    "NO_ASSESSMENT",
    "ImportReport",
    "OcdsError",
    "ReleaseOutcome",
    "Status",
    "UnrecognisedBuyer",
    "import_release_package",
    "parse_json",
]
