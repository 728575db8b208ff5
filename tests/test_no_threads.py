"""No threads in the application: background work is a task (django.tasks) run by the worker,
periodic work a `@cron` task run by the scheduler (`manage.py crontask`). A thread started in a
web worker is lost when the server recycles it, holds a database connection nobody closes, and
runs where nobody can see it fail. Tests may use threads (to race requests)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Not the application: the tests, files the service writes, and (hidden folders) .venv, .git.
SKIPPED = {"tests", "var", "node_modules"}
FORBIDDEN = ("threading", "_thread", "multiprocessing", "concurrent.futures")


def application_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not set(path.relative_to(ROOT).parts[:-1]) & SKIPPED
        and not any(part.startswith(".") for part in path.relative_to(ROOT).parts)
    )


def _forbidden(name: str) -> bool:
    return any(name == module or name.startswith(module + ".") for module in FORBIDDEN)


def thread_imports(source: str) -> list[str]:
    """Each import (static, or by name with importlib / __import__) of a module that starts
    threads or processes."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            found += [name for name in names if _forbidden(name)][:1]
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            called = getattr(function, "attr", None) or getattr(function, "id", None)
            argument = node.args[0]
            if (
                called in ("import_module", "__import__")
                and isinstance(argument, ast.Constant)
                and isinstance(argument.value, str)
                and _forbidden(argument.value)
            ):
                found.append(argument.value)
    return found


@pytest.mark.parametrize(
    "source",
    [
        "import threading",
        "from threading import Timer",
        "import _thread",
        "import multiprocessing.pool",
        "from multiprocessing import Process",
        "import concurrent.futures as cf",
        "from concurrent.futures import ThreadPoolExecutor",
        "from concurrent import futures",
        "import importlib\nimportlib.import_module('threading')",
        "__import__('_thread')",
    ],
)
def test_the_check_sees_each_way_of_importing_threads(source):
    assert thread_imports(source)


@pytest.mark.parametrize(
    "source", ["import time", "from django.db import transaction", "from concurrent import x"]
)
def test_the_check_leaves_other_imports_alone(source):
    assert not thread_imports(source)


def test_the_check_reads_the_application():
    paths = {str(path.relative_to(ROOT)) for path in application_modules()}
    assert {"manage.py", "dashboards/cache.py", "notifications/tasks.py"} <= paths
    assert not any(path.startswith(("tests/", ".venv/")) for path in paths)


def test_no_application_module_starts_threads_or_processes():
    found = {
        str(path.relative_to(ROOT)): imports
        for path in application_modules()
        if (imports := thread_imports(path.read_text()))
    }
    assert found == {}
