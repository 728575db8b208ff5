"""Code size limits (issue 18): no application module over 400 lines, and no function over 60
lines unless its docstring says why ("Long because ..."). Long code hides what it does; a limit
checked on every run cannot drift the way a review habit does. Migrations are generated and
tests are not the application, so neither is held to it."""

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
REASON = "Long because"


def application_modules() -> list[str]:
    """Each git-tracked Python file outside tests, migrations and hidden folders, relative to
    the repository root."""
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return sorted(
        path
        for path in listed
        if not path.startswith("tests/")
        and "migrations" not in Path(path).parts[:-1]
        and not any(part.startswith(".") for part in Path(path).parts)
    )


def long_functions(source: str) -> list[tuple[int, str, int]]:
    """(line, name, length) of each function or method over the limit whose docstring gives no
    reason; the length runs from the `def` line to the last line, decorators excluded. The
    reason may wrap onto the docstring's next line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            docstring = " ".join((ast.get_docstring(node) or "").split())
            if length > MAX_FUNCTION_LINES and REASON not in docstring:
                found.append((node.lineno, node.name, length))
    return found


def test_the_check_reads_the_application():
    paths = set(application_modules())
    assert {"manage.py", "dashboards/cache.py", "scripts/build_frontend.py"} <= paths
    assert not any(path.startswith("tests/") or "/migrations/" in path for path in paths)


def _function(lines: int, head: str = "def f():", docstring: str = "") -> str:
    """A function `lines` long from its head line, indented four spaces under it."""
    indent = " " * (len(head) - len(head.lstrip()) + 4)
    body = [f'{indent}"""{docstring}"""'] if docstring else []
    body += [f"{indent}x = {n}" for n in range(lines - 1 - len(body))]
    return "\n".join([head, *body]) + "\n"


def test_the_check_sees_a_long_function_and_its_reason():
    limit = MAX_FUNCTION_LINES
    assert long_functions("@decorated\n" + _function(limit + 1)) == [(2, "f", limit + 1)]
    assert long_functions("@decorated\n" + _function(limit)) == []
    method = "class C:\n" + _function(limit + 1, "    async def f(self):")
    assert long_functions(method) == [(2, "f", limit + 1)]
    assert long_functions(_function(limit + 1, docstring=f"{REASON} it is a list.")) == []
    assert long_functions(_function(limit + 1, docstring="Long\n    because it is.")) == []
    assert long_functions(_function(limit + 1, docstring="A list.")) != []


def test_no_application_module_is_over_the_limit():
    long = {
        path: lines
        for path in application_modules()
        if (lines := len((ROOT / path).read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_long_function_without_a_reason():
    offenders = [
        f"{path}:{line} {name} ({length} lines)"
        for path in application_modules()
        for line, name, length in long_functions((ROOT / path).read_text())
    ]
    assert offenders == [], "\n".join(offenders)
