"""Which app may import which: the direction the README's "How the code is organised" gives.

Every module of every project app (migrations and tests aside) is read with `ast`, and each
import of another project app must be one its row of `MAY_IMPORT` allows. The table itself
must have no cycle, so neither can the code. A new app gets a row here (and in the README)
before it can import or be imported.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

# Lowest first: each app may import only the apps listed against it (and itself).
MAY_IMPORT: dict[str, set[str]] = {
    "socialvalue": set(),
    "places": {"socialvalue"},
    "notifications": {"socialvalue"},
    "people": {"socialvalue", "places", "notifications"},
    "objectives": {"socialvalue", "places", "people"},
    "consultations": {"socialvalue", "places", "people", "notifications", "objectives"},
    "contracts": {"socialvalue", "places", "people", "notifications", "objectives"},
    "dashboards": {
        "socialvalue",
        "places",
        "people",
        "objectives",
        "consultations",
        "contracts",
    },
    "publishing": {"socialvalue", "places", "people", "contracts", "dashboards"},
    "needs": {
        "socialvalue",
        "places",
        "people",
        "notifications",
        "objectives",
        "consultations",
        "contracts",
    },
}


def project_apps() -> list[str]:
    """The apps whose code lives in this repository (not Django's, not a virtualenv's)."""
    return sorted(
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
        and "site-packages" not in Path(config.path).parts
    )


def imported_apps(app: str, names: set[str]) -> dict[str, list[str]]:
    """For each other app of `names` that `app` imports: where (file:line)."""
    found: dict[str, list[str]] = {}
    root = Path(settings.BASE_DIR) / app
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "migrations" in parts or "tests" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in names and top != app:
                    where = f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}"
                    found.setdefault(top, []).append(where)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in `graph` (node -> the nodes it points to) as a path that ends where it
    starts, or None when there is none."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once cleared
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_every_project_app_has_a_row():
    missing = set(project_apps()) - set(MAY_IMPORT)
    assert not missing, f"Add {sorted(missing)} to MAY_IMPORT here and to the README's table"


def test_the_table_has_no_cycle():
    assert find_cycle(MAY_IMPORT) is None


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_app_imports_only_what_its_row_allows(app):
    names = set(project_apps()) | set(MAY_IMPORT)
    found = imported_apps(app, names)
    wrong = {other: places for other, places in found.items() if other not in MAY_IMPORT[app]}
    assert not wrong, f"{app} may not import {sorted(wrong)}: {wrong}"


def test_the_code_has_no_cycle_between_apps():
    names = set(project_apps()) | set(MAY_IMPORT)
    graph = {app: set(imported_apps(app, names)) for app in names}
    assert find_cycle(graph) is None


def test_find_cycle_finds_a_cycle():
    """The check can fail: a fake graph with a cycle two steps long, and one with a longer
    cycle behind an acyclic start."""
    assert find_cycle({"people": {"places"}, "places": {"people"}}) == [
        "people",
        "places",
        "people",
    ]
    cycle = find_cycle({"a": {"b"}, "b": {"c"}, "c": {"d"}, "d": {"b"}})
    assert cycle == ["b", "c", "d", "b"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_imported_apps_reads_imports(tmp_path, settings):
    """The reader sees plain, dotted and function-level imports, and skips migrations."""
    settings.BASE_DIR = tmp_path
    (tmp_path / "alpha" / "migrations").mkdir(parents=True)
    (tmp_path / "alpha" / "views.py").write_text(
        "import beta.models\n\ndef f():\n    from gamma.rules import allowed\n"
    )
    (tmp_path / "alpha" / "migrations" / "0001.py").write_text("import delta\n")
    found = imported_apps("alpha", {"alpha", "beta", "gamma", "delta"})
    assert set(found) == {"beta", "gamma"}


def test_each_app_registers_its_own_rules():
    """Every app with a `permissions` module has its rules in the registry, registered from its
    own `AppConfig.ready()` (the project package names no app)."""
    from django.utils.module_loading import module_has_submodule

    from socialvalue.rules import registered

    for name in project_apps():
        config = apps.get_app_config(name.rsplit(".", 1)[-1])
        if module_has_submodule(config.module, "permissions"):
            assert any(rule.startswith(f"{config.label}.") for rule in registered()), name


def test_the_apps_that_feed_cached_pages_registered_their_tables():
    from socialvalue.datacache import watched_tables

    for name in ("places", "objectives", "consultations", "contracts"):
        config = apps.get_app_config(name)
        assert config.feeds_cached_pages, name
        assert {model._meta.db_table for model in config.get_models()} - {
            model._meta.db_table
            for model in config.get_models()
            if model.__name__.startswith("Historical")
        } <= watched_tables()
    assert apps.get_model("people", "Organisation")._meta.db_table in watched_tables()
