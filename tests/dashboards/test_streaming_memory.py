"""The whole-place exports stream: the memory they hold does not grow with the data.

Each export is consumed under tracemalloc twice, with N and with 4N contracts (small chunks, so
both sizes span many chunks); the peak must stay about the same. A version that built the
whole document in memory peaks roughly four times higher on the larger place.
"""

import tracemalloc
from decimal import Decimal

import pytest

from dashboards import ocds, opendata
from dashboards.figures import Scope
from dashboards.ocds import package as ocds_package
from tests.contracts.factories import (
    AwardedContractFactory,
    CommitmentFactory,
    DeliveryReturnFactory,
)

pytestmark = pytest.mark.django_db


def _add_contracts(place, buyer, n):
    for _ in range(n):
        contract = AwardedContractFactory(place=place, buyer=buyer, stage="in_delivery")
        commitment = CommitmentFactory(contract=contract, quantity=Decimal("8"))
        DeliveryReturnFactory(commitment=commitment, status="verified")


def _peak(chunks) -> tuple[int, int]:
    """(peak bytes held while consuming, total bytes produced)."""
    tracemalloc.start()
    produced = 0
    try:
        for chunk in chunks:
            produced += len(chunk)
        return tracemalloc.get_traced_memory()[1], produced
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("export", ["ocds", "csv"])
def test_exports_hold_the_same_memory_for_four_times_the_contracts(
    export, place, council, monkeypatch
):
    monkeypatch.setattr(ocds_package, "CHUNK_SIZE", 5)
    monkeypatch.setattr(opendata, "CHUNK_SIZE", 5)
    monkeypatch.setattr(opendata, "LINES_PER_PIECE", 5)
    scope = Scope(place=place, public=True)

    def run():
        if export == "ocds":
            return _peak(ocds.release_package_text(scope, uri="https://example.org/"))
        return _peak(opendata.csv_text(scope))

    _add_contracts(place, council, 10)
    run()  # warm up: imports, compiled queries, caches
    small_peak, small_size = run()
    _add_contracts(place, council, 30)
    large_peak, large_size = run()
    assert large_size > 3.5 * small_size  # the export itself did grow fourfold
    assert large_peak < 1.5 * small_peak + 64 * 1024, (small_peak, large_peak)
