"""The ledger compared with what it is derived from, for `manage.py rebuild_ledger`: its lines
and commitment totals with the returns summed again (`ledger._summed`, the one aggregation over
returns), and the objectives' rollup with the lines summed again."""

from __future__ import annotations

from .ledger import BATCH, LINE_FIELDS, NOTHING, _lines, _objective_rows, _summed
from .models import Commitment, DeliveryTotal, LedgerEntry, ObjectiveDelivery


def differences(limit: int = 20) -> list[tuple[str, dict, dict]]:
    """Ledger lines and commitment totals that differ from the returns: (which, stored,
    computed), at most `limit` of them."""
    found: list[tuple[str, dict, dict]] = []
    proxies = dict(Commitment.objects.values_list("pk", "proxy_value"))
    fields = (*LINE_FIELDS, "verified_value", "claimed_value", "quarter")
    computed_lines = {
        (line.commitment_id, line.period_id): {name: getattr(line, name) for name in fields}
        for line in _lines(_summed().iterator(chunk_size=BATCH), proxies)
    }
    stored_lines = {
        (row.pop("commitment_id"), row.pop("period_id")): row
        for row in LedgerEntry.objects.values("commitment_id", "period_id", *fields)
    }
    for key in sorted(set(computed_lines) | set(stored_lines)):
        have, want = stored_lines.get(key), computed_lines.get(key)
        if have != want:
            found.append((f"commitment {key[0]}, period {key[1]}", have or {}, want or {}))
            if len(found) >= limit:
                return found
    computed_totals: dict[int, dict] = {}
    for (pk, _period), line in computed_lines.items():
        total = computed_totals.setdefault(pk, dict(NOTHING))
        for name in LINE_FIELDS:
            total[name] += line[name]
    stored_totals = {
        row.pop("commitment_id"): row
        for row in DeliveryTotal.objects.values("commitment_id", *LINE_FIELDS)
    }
    for pk in sorted(set(computed_totals) | set(stored_totals)):
        have = stored_totals.get(pk, NOTHING)
        want = computed_totals.get(pk, NOTHING)
        if have != want:
            found.append((f"commitment {pk} (total)", have, want))
            if len(found) >= limit:
                return found
    return found + _objective_differences(limit - len(found))


def _objective_differences(limit: int) -> list[tuple[str, dict, dict]]:
    """Rows of the objectives' rollup that differ from the ledger's lines summed again."""
    fields = ("verified", "claimed")

    def keyed(rows):
        return {
            (row.objective_id, row.measure_id, row.period_start): {
                name: getattr(row, name) for name in fields
            }
            for row in rows
        }

    stored = keyed(ObjectiveDelivery.objects.all())
    computed = keyed(_objective_rows())
    found = []
    for key in sorted(set(stored) | set(computed)):
        have, want = stored.get(key, {}), computed.get(key, {})
        if have != want and len(found) < limit:
            objective_id, measure_id, start = key
            which = f"objective {objective_id}, measure {measure_id}, periods from {start}"
            found.append((which, have, want))
    return found
