"""An OCDS 1.1 release package of a place's contracts with social value.

`release.py` builds one contract's release, `package.py` the package around them (ocids,
publisher, extensions, streaming), `parties.py` the organisations in them.
"""

from .package import (
    EXTENSION_DIR,
    EXTENSIONS,
    VERSION,
    exported_contracts,
    extension_url,
    publisher_for,
    release_package,
    release_package_text,
    releases,
    unpublished_reason,
)
from .parties import party, party_details
from .release import ocid_for, ocid_prefix, release_for

__all__ = [
    "EXTENSIONS",
    "EXTENSION_DIR",
    "VERSION",
    "exported_contracts",
    "extension_url",
    "ocid_for",
    "ocid_prefix",
    "party",
    "party_details",
    "publisher_for",
    "release_for",
    "release_package",
    "release_package_text",
    "releases",
    "unpublished_reason",
]
