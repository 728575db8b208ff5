"""Validating the OCDS export offline: the official OCDS 1.1.5 release package and release
schemas, with the extensions the package lists applied as JSON merge patches (RFC 7386), all read
from `dashboards/data/ocds/` (see its README for sources, commits and licence).

`ocds_errors()` gives the schema errors (and the sustainability goal codelist rule the extension
states in words). `undeclared_fields()` gives every field of the package that neither OCDS nor
an extension declares: what the Open Contracting Partnership's validator (lib-cove-ocds) reports
as "additional fields". lib-cove-ocds itself fetches the standard and each extension over the
network when it runs, which the test machines cannot, so these two stand in for it.
"""

import csv
import datetime
import functools
import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

import dashboards

OCDS_DATA = Path(dashboards.__file__).parent / "data" / "ocds"
# Extensions applied to the release schema, in the package's order (folders under extensions/).
OCDS_EXTENSIONS = ("sustainability", "metrics", "partyDetails_scale", "socialvalue")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch: objects merge key by key, `null` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _codes(name: str) -> set[str]:
    path = OCDS_DATA / "extensions" / "sustainability" / "codelists" / name
    return {row["Code"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}


# jsonschema only checks "date-time" and "uri" with optional packages that are not installed, so
# check them here: RFC 3339 date-times and absolute URIs (with a scheme), as OCDS requires.
FORMATS = jsonschema.FormatChecker(formats=jsonschema.Draft4Validator.FORMAT_CHECKER.checkers)


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and not re.search(
        r"\s", value
    )


@functools.cache
def ocds_validator() -> jsonschema.Draft4Validator:
    """A draft-04 validator for the release package schema, its `$ref` to the (extended) release
    schema resolved locally from the vendored copies."""
    package = _read(OCDS_DATA / "release-package-schema.json")
    release = release_schema()
    for schema in (package, release):
        jsonschema.Draft4Validator.check_schema(schema)
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in (package, release)
    )
    return jsonschema.Draft4Validator(package, registry=registry, format_checker=FORMATS)


def ocds_errors(package: dict) -> list[str]:
    """Every way `package` fails OCDS: the schema, then the sustainability goal codelist (open,
    but new codes must be sub-codes of listed ones: `[existing-code].[sub-code]`)."""
    errors = [
        f"/{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in ocds_validator().iter_errors(package)
    ]
    goals = _codes("sustainabilityGoal.csv")
    for r, release in enumerate(package.get("releases") or []):
        for s, item in enumerate((release.get("tender") or {}).get("sustainability") or []):
            goal = item.get("goal") if isinstance(item, dict) else None
            if isinstance(goal, str) and goal not in goals and goal.rsplit(".", 1)[0] not in goals:
                errors.append(
                    f"/releases/{r}/tender/sustainability/{s}/goal: {goal!r} is not in the "
                    "sustainabilityGoal codelist nor a sub-code of a code in it"
                )
    return sorted(errors)


@functools.cache
def release_schema() -> dict:
    release = _read(OCDS_DATA / "release-schema.json")
    for extension in OCDS_EXTENSIONS:
        release = merge_patch(
            release, _read(OCDS_DATA / "extensions" / extension / "release-schema.json")
        )
    return release


def _resolve(node: dict, root: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref.startswith("#/definitions/"):
            node = root["definitions"][ref.rsplit("/", 1)[1]]
        else:
            return {}
    return node


def _declared(node: dict, key: str, root: dict) -> dict | None:
    """The schema of `key` within object schema `node`, or None if nothing declares it."""
    node = _resolve(node, root)
    if key in node.get("properties", {}):
        return _resolve(node["properties"][key], root)
    for pattern, schema in node.get("patternProperties", {}).items():
        if re.search(pattern, key):
            return _resolve(schema, root)
    return None


def undeclared_fields(package: dict) -> list[str]:
    """JSON paths of the package's fields that no schema (core or extension) declares."""
    root = release_schema()
    found = []

    def walk(value, schema: dict, path: str) -> None:
        schema = _resolve(schema, root)
        if isinstance(value, dict):
            for key, item in value.items():
                declared = _declared(schema, key, root)
                if declared is None:
                    found.append(f"{path}/{key}")
                else:
                    walk(item, declared, f"{path}/{key}")
        elif isinstance(value, list):
            items = _resolve(schema.get("items", {}), root)
            for i, item in enumerate(value):
                walk(item, items, f"{path}/{i}")

    head = {key: value for key, value in package.items() if key != "releases"}
    package_keys = {"uri", "version", "extensions", "publishedDate", "publisher", "license"}
    package_keys |= {"publicationPolicy", "packages"}
    found += [f"/{key}" for key in head if key not in package_keys]
    for i, release in enumerate(package.get("releases") or []):
        walk(release, root, f"/releases/{i}")
    return found
