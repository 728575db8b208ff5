"""No code outside the ledger sums delivery returns (issue 14: the verified quantity of a
commitment used to be computed in four places, which then disagreed).

The application's source is parsed, not run: any `aggregate()` or `annotate()` on a queryset
of returns, any `Sum`/`Avg` over a `returns__…` or `delivery_return…` lookup, and any raw SQL
naming the returns table, outside `contracts/ledger.py`, fails the test with its place.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "consultations",
    "contracts",
    "dashboards",
    "needs",
    "objectives",
    "people",
    "places",
    "socialvalue",
)
LEDGER = ROOT / "contracts" / "ledger.py"
AGGREGATES = {"Sum", "Avg", "Max", "Min", "StdDev", "Variance"}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path == LEDGER:
                continue
            yield path


def _root_name(node) -> str | None:
    """The name a method chain starts from: `DeliveryReturn` in
    `DeliveryReturn.objects.filter(...).annotate(...)`."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr == "returns":  # commitment.returns.aggregate(...)
                return "DeliveryReturn"
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _lookups(call: ast.Call):
    for arg in call.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            yield arg.value


def _problems(tree: ast.AST, path: Path) -> list[str]:
    found = []
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("aggregate", "annotate")
            and _root_name(func.value) == "DeliveryReturn"
        ):
            found.append(f"{where}:{node.lineno}: {func.attr}() over returns")
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in AGGREGATES:
            for lookup in _lookups(node):
                if lookup.startswith(("returns__", "delivery_return")):
                    found.append(f"{where}:{node.lineno}: {name}({lookup!r})")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "contracts_deliveryreturn" in node.value.lower()
        ):
            found.append(f"{where}:{node.lineno}: raw SQL over the returns table")
    return found


def test_no_code_outside_the_ledger_sums_returns():
    problems = []
    for path in _sources():
        problems += _problems(ast.parse(path.read_text(), filename=str(path)), path)
    assert problems == [], "Read delivery from contracts.ledger instead:\n" + "\n".join(problems)


def test_the_scan_finds_each_kind_of_aggregation_over_returns():
    """The scan itself can fail: each pattern it looks for is caught."""
    samples = {
        'DeliveryReturn.objects.filter(status="verified").aggregate(t=Sum("quantity"))': 1,
        'DeliveryReturn.objects.values("commitment").annotate(t=Sum("quantity"))': 1,
        'commitment.returns.aggregate(t=Sum("quantity"))': 1,
        'Commitment.objects.annotate(v=Sum("returns__quantity"))': 1,
        'cursor.execute("SELECT SUM(quantity) FROM contracts_deliveryreturn")': 1,
        'Commitment.objects.annotate(v=Sum("delivery_total__verified"))': 0,
        "DeliveryReturn.objects.filter(status='queried').count()": 0,
    }
    for source, expected in samples.items():
        found = _problems(ast.parse(source), ROOT / "sample.py")
        assert len(found) == expected, (source, found)
