"""Writes the boundary fixtures beside this file, in the form the ONS Open Geography Portal
publishes GeoJSON (properties FID, WDyyCD, WDyyNM, WDyyNMW, BNG_E, BNG_N, LONG, LAT, GlobalID;
CRS84 longitude/latitude, or EPSG:27700). The squares lie in open sea; the codes are invented.

Run from the project root: .venv/bin/python tests/places/data/make_boundary_fixtures.py
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2]))

from places.geometry import _from_bng  # noqa: E402 - the importer's own transformation

to_lonlat = _from_bng()
X0, Y0 = 670000, 310000


def square(x, y, w, h):
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]


WARDS = {
    "E05099001": ("Abbey Fields", square(X0, Y0, 2000, 2000)),
    "E05099002": ("Brook Green", square(X0 + 2000, Y0, 2000, 2000)),
}
LSOAS = {
    "E01099001": ("Testborough 001A", square(X0, Y0, 1000, 2000)),
    "E01099002": ("Testborough 001B", square(X0 + 1000, Y0, 1000, 2000)),
    "E01099003": ("Testborough 002A", square(X0 + 2000, Y0, 1000, 2000)),
    "E01099004": ("Testborough 002B", square(X0 + 3000, Y0, 1000, 2000)),
}


def lonlat(ring):
    return [[round(v, 7) for v in to_lonlat.transform(x, y)] for x, y in ring]


def collection(prefix, items, bng=False, change=None):
    features = []
    for number, (code, (name, ring)) in enumerate(items.items(), start=1):
        cx = sum(p[0] for p in ring[:-1]) / 4
        cy = sum(p[1] for p in ring[:-1]) / 4
        lon, lat = to_lonlat.transform(cx, cy)
        properties = {
            "FID": number,
            f"{prefix}CD": code,
            f"{prefix}NM": name,
            f"{prefix}NMW": " ",
            "BNG_E": round(cx),
            "BNG_N": round(cy),
            "LONG": round(lon, 5),
            "LAT": round(lat, 5),
            "GlobalID": f"0f1c2d3e-0000-4000-8000-{number:012d}",
        }
        coordinates = [ring if bng else lonlat(ring)]
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Polygon", "coordinates": coordinates},
            }
        )
    crs = "urn:ogc:def:crs:EPSG::27700" if bng else "urn:ogc:def:crs:OGC:1.3:CRS84"
    data = {
        "type": "FeatureCollection",
        "name": f"{prefix}_boundaries",
        "crs": {"type": "name", "properties": {"name": crs}},
        "features": features,
    }
    if change:
        change(data)
    return data


def write(name, data):
    (HERE / name).write_text(json.dumps(data, indent=1) + "\n")


def web_mercator(data):
    data["crs"]["properties"]["name"] = "urn:ogc:def:crs:EPSG::3857"


def swapped(data):
    del data["crs"]
    for feature in data["features"]:
        ring = feature["geometry"]["coordinates"][0]
        feature["geometry"]["coordinates"] = [[[y, x] for x, y in ring]]


def bowtie(data):
    ring = data["features"][1]["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]


if __name__ == "__main__":
    write("wards_2024_bgc.geojson", collection("WD24", WARDS))
    write("lsoas_2021_bgc_bng.geojson", collection("LSOA21", LSOAS, bng=True))
    write("wards_2024_web_mercator.geojson", collection("WD24", WARDS, change=web_mercator))
    write("wards_2024_swapped.geojson", collection("WD24", WARDS, change=swapped))
    write("wards_2024_bowtie.geojson", collection("WD24", WARDS, change=bowtie))
    other = {**WARDS, "E05088001": ("Elsewhere", square(X0, Y0 + 5000, 1000, 1000))}
    write("wards_2024_other_place.geojson", collection("WD24", other))
    write(
        "msoa_2021_bgc.geojson",
        collection("MSOA21", {"E02099001": ("Testborough 001", square(X0, Y0, 4000, 2000))}),
    )
