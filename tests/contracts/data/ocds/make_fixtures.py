"""Writes the realistic OCDS fixtures in this folder (run it to regenerate them; the JSON files
are committed so a reviewer reads exactly what the tests import).

Each file follows the shape its publisher uses, as documented by the OCDS 1.1 schema and seen in
the publishers' own downloads, but every organisation, identifier and notice is invented: the
ocids end in `0fakeNN`, Companies House numbers are 9999xxxx, PPON ids end in TEST.

- contracts_finder_many_buyers.json: a Contracts Finder search download (`ocds-b5fd17`, buyer
  ids in the GB-SRS scheme, no `buyer` object in some releases) mixing several buyers, a
  spelling of the council's name it does not use itself, a notice without a value, a supplier
  whose name is null, a framework with three suppliers, a notice in euros and one over the limit.
- find_a_tender_lots.json: a Find a Tender award (`ocds-h6vhtk`, GB-PPON with Companies House
  numbers as additional identifiers) with one award per lot, each naming its own supplier and
  value.
- scotland_no_values.json: Public Contracts Scotland notices (`ocds-r6ebe6`) naming the buyer
  only by name, without values.
- sell2wales_bilingual.json: Sell2Wales notices (`ocds-kuma6s`) with a bilingual buyer name.
- framework_35_suppliers.json: a framework award naming 35 suppliers, one of them twice under
  two trading names (as Contracts Finder does).
- older_after_newer.json: two releases of one contract, the newer first in the file.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent
COUNCIL = {"name": "Testborough Council", "srs": "GB-SRS-sid4gov.example/TBC0fake"}
NHS = {"name": "Testborough NHS", "srs": "GB-SRS-sid4gov.example/NHS0fake"}
ELSEWHERE = {"name": "Elsewhere Council", "srs": "GB-SRS-sid4gov.example/ELS0fake"}
UNKNOWN = {"name": "Midshire Purchasing Organisation", "srs": "GB-SRS-sid4gov.example/MPO0fake"}
SPELLING = {
    "name": "Testborough Council - Adult Social Care",
    "srs": "GB-SRS-sid4gov.example/TBCASC0fake",
}


def package(publisher: str, releases: list[dict]) -> dict:
    return {
        "uri": "https://example.org/ocds/test-data.json",
        "version": "1.1",
        "publishedDate": "2025-09-01T08:00:00Z",
        "publisher": {"name": publisher},
        "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "releases": releases,
    }


def party(body: dict, roles: list[str]) -> dict:
    local = body["srs"].removeprefix("GB-SRS-")
    return {
        "id": body["srs"],
        "name": body["name"],
        "identifier": {"legalName": body["name"], "scheme": "GB-SRS", "id": local},
        "address": {"locality": "Testborough", "countryName": "England"},
        "roles": roles,
    }


def supplier(number: str, name: str | None, scale: str = "sme", vcse: bool = False) -> dict:
    return {
        "id": f"GB-COH-{number}",
        "name": name,
        "identifier": {"legalName": name, "scheme": "GB-COH", "id": number},
        "address": {"streetAddress": "1 High Street, Testborough", "countryName": "England"},
        "details": {"scale": scale, "vcse": vcse},
        "roles": ["supplier"],
    }


def cf_release(n: int, body: dict, *, date: str, tender: dict, **extra) -> dict:
    ocid = f"ocds-b5fd17-0fake{n:02d}"
    release = {
        "ocid": ocid,
        "id": f"{ocid}-{n}",
        "language": "en",
        "date": date,
        "tag": extra.pop("tag", ["tender"]),
        "initiationType": "tender",
        "parties": [party(body, ["buyer"]), *extra.pop("suppliers", [])],
        "tender": {
            "id": f"CF-2025-{n:03d}",
            "mainProcurementCategory": "services",
            "procurementMethod": "open",
            "procurementMethodDetails": "Open procedure (below threshold)",
            "classification": {"scheme": "CPV", "id": "85310000", "description": "Social work"},
            **tender,
        },
        **extra,
    }
    if n % 2:  # Contracts Finder gives the buyer object in some downloads, not others
        release["buyer"] = {"id": body["srs"], "name": body["name"]}
    return release


def gbp(amount) -> dict:
    return {"amount": amount, "currency": "GBP"}


def award(n: int, names: list[tuple[str, str | None]], value=None, **extra) -> dict:
    entry = {
        "id": f"ocds-b5fd17-0fake{n:02d}-1",
        "status": "active",
        "date": "2025-07-01T00:00:00Z",
        "suppliers": [{"id": f"GB-COH-{num}", "name": name} for num, name in names],
        "contractPeriod": {
            "startDate": "2025-08-01T00:00:00Z",
            "endDate": "2027-07-31T23:59:59Z",
        },
        **extra,
    }
    if value is not None:
        entry["value"] = gbp(value)
    return entry


def contracts_finder() -> dict:
    open_tender = {"status": "active", "tenderPeriod": {"endDate": "2025-06-30T12:00:00Z"}}
    return package(
        "Contracts Finder (test data)",
        [
            cf_release(
                1,
                COUNCIL,
                date="2025-06-02T10:00:00Z",
                tender={"title": "Befriending service", "value": gbp(120000), **open_tender},
            ),
            cf_release(
                2,
                SPELLING,
                date="2025-06-03T10:00:00Z",
                tender={"title": "Day opportunities", "value": gbp(90000), **open_tender},
            ),
            cf_release(
                3,
                ELSEWHERE,
                date="2025-06-04T10:00:00Z",
                tender={"title": "Street lighting", "value": gbp(500000), **open_tender},
            ),
            cf_release(
                4,
                UNKNOWN,
                date="2025-06-05T10:00:00Z",
                tender={"title": "Vehicle hire framework", "value": gbp(4000000), **open_tender},
            ),
            cf_release(
                5,
                NHS,
                date="2025-06-06T10:00:00Z",
                tender={"title": "Community nursing", "value": gbp(700000), **open_tender},
            ),
            cf_release(
                6,
                COUNCIL,
                date="2025-06-07T10:00:00Z",
                tender={"title": "Youth outreach (value not published)", **open_tender},
            ),
            cf_release(
                7,
                COUNCIL,
                date="2025-07-02T10:00:00Z",
                tag=["award"],
                tender={"title": "Grounds maintenance", "value": gbp(60000), "status": "complete"},
                suppliers=[supplier("99990001", None)],
                awards=[award(7, [("99990001", None)], 58000)],
            ),
            cf_release(
                8,
                COUNCIL,
                date="2025-07-03T10:00:00Z",
                tag=["award"],
                tender={
                    "title": "Home care framework",
                    "value": gbp(3000000),
                    "status": "complete",
                    "procurementMethodDetails": "Framework agreement",
                },
                suppliers=[
                    supplier("99990002", "Carewell Homecare Ltd"),
                    supplier("99990003", "Kindly Hands CIC", vcse=True),
                    supplier("99990004", "Northway Care Group Ltd", scale="large"),
                ],
                awards=[
                    award(
                        8,
                        [
                            ("99990002", "Carewell Homecare Ltd"),
                            ("99990003", "Kindly Hands CIC"),
                            ("99990004", "Northway Care Group Ltd"),
                        ],
                        3000000,
                    )
                ],
            ),
            cf_release(
                9,
                COUNCIL,
                date="2025-06-09T10:00:00Z",
                tender={"title": "Twinning visit", "value": {"amount": 8000, "currency": "EUR"}},
            ),
            cf_release(
                10,
                COUNCIL,
                date="2025-06-10T10:00:00Z",
                tender={"title": "Everything", "value": gbp(5000000000000)},
            ),
        ],
    )


def find_a_tender() -> dict:
    ppon = "GB-PPON-PTST-0001-TEST"
    lots = [
        ("99990011", "Brightstart Training Ltd", 40000),
        ("99990012", "Second Chance Skills CIC", 25000),
    ]
    parties = [
        {
            "id": ppon,
            "name": "Testborough Council",
            "identifier": {"scheme": "GB-PPON", "id": "PTST-0001-TEST"},
            "roles": ["buyer"],
        }
    ]
    for number, name, _ in lots:
        parties.append(
            {
                "id": f"GB-PPON-S{number}-TEST",
                "name": name,
                "identifier": {"scheme": "GB-PPON", "id": f"S{number}-TEST"},
                "additionalIdentifiers": [{"scheme": "GB-COH", "id": number}],
                "details": {"scale": "sme", "vcse": "CIC" in name},
                "roles": ["supplier"],
            }
        )
    ocid = "ocds-h6vhtk-0fake21"
    release = {
        "ocid": ocid,
        "id": f"{ocid}-award",
        "date": "2025-07-20T09:00:00+01:00",
        "tag": ["award"],
        "initiationType": "tender",
        "buyer": {"id": ppon, "name": "Testborough Council"},
        "parties": parties,
        "tender": {
            "id": "FTS-2025-0fake21",
            "title": "Employability support, two lots",
            "status": "complete",
            "value": gbp(70000),
            "mainProcurementCategory": "services",
            "procurementMethod": "open",
            "tenderPeriod": {"startDate": "2025-04-01T09:00:00+01:00"},
        },
        "awards": [
            {
                "id": f"{ocid}-lot-{i}",
                "status": "active",
                "date": "2025-07-18T00:00:00Z",
                "value": gbp(value),
                "suppliers": [{"id": f"GB-PPON-S{number}-TEST", "name": name}],
                "contractPeriod": {
                    "startDate": "2025-09-01T00:00:00Z",
                    "endDate": "2026-08-31T00:00:00Z",
                },
            }
            for i, (number, name, value) in enumerate(lots, start=1)
        ],
    }
    return package("Find a Tender (test data)", [release])


def named_only(prefix: str, n: int, buyer_name: str, title: str, date: str) -> dict:
    ocid = f"{prefix}-0fake{n:02d}"
    return {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": date,
        "tag": ["tender"],
        "initiationType": "tender",
        "buyer": {"name": buyer_name},
        "parties": [{"name": buyer_name, "roles": ["buyer"], "address": {"region": "UKM"}}],
        "tender": {
            "id": f"{n:06d}",
            "title": title,
            "status": "active",
            "mainProcurementCategory": "services",
            "tenderPeriod": {"startDate": date, "endDate": "2025-10-31T12:00:00Z"},
        },
    }


def scotland() -> dict:
    return package(
        "Public Contracts Scotland (test data)",
        [
            named_only(
                "ocds-r6ebe6", 31, "Testborough Council", "Warm spaces", "2025-08-01T09:00:00Z"
            ),
            named_only(
                "ocds-r6ebe6", 32, "Testborough Council", "Food larder", "2025-08-02T09:00:00Z"
            ),
            named_only(
                "ocds-r6ebe6", 33, "Glenmoor Council", "Harbour works", "2025-08-03T09:00:00Z"
            ),
        ],
    )


def wales() -> dict:
    name = "Cyngor Testborough / Testborough Council"
    return package(
        "Sell2Wales (test data)",
        [
            named_only("ocds-kuma6s", 41, name, "Welsh language classes", "2025-08-04T09:00:00Z"),
            named_only("ocds-kuma6s", 42, name, "Library outreach", "2025-08-05T09:00:00Z"),
        ],
    )


def framework() -> dict:
    names = [(f"9999{1000 + i}", f"Framework Supplier {i:02d} Ltd") for i in range(1, 35)]
    names.insert(5, (names[4][0], "Framework Supplier 05 Ltd (t/a Fivestar Fleet)"))
    suppliers = [supplier(number, name) for number, name in names]
    release = cf_release(
        51,
        COUNCIL,
        date="2025-07-10T10:00:00Z",
        tag=["award"],
        tender={
            "title": "Specialist vehicles framework",
            "value": gbp(400000000),
            "status": "complete",
            "procurementMethodDetails": "Framework agreement",
        },
        suppliers=suppliers,
        awards=[award(51, names, 400000000)],
    )
    return package("Contracts Finder (test data)", [release])


def older_after_newer() -> dict:
    newer = cf_release(
        61,
        COUNCIL,
        date="2025-08-01T10:00:00Z",
        tender={
            "title": "Carers' breaks (framework call-off)",
            "value": gbp(80000),
            "status": "active",
            "procurementMethodDetails": "Call-off from a framework agreement",
        },
    )
    older = cf_release(
        61,
        COUNCIL,
        date="2025-06-01T10:00:00Z",
        tender={"title": "Carers' breaks", "value": gbp(75000), "status": "active"},
    )
    older["id"] = "ocds-b5fd17-0fake61-older"
    return package("Contracts Finder (test data)", [newer, older])


FILES = {
    "contracts_finder_many_buyers.json": contracts_finder,
    "find_a_tender_lots.json": find_a_tender,
    "scotland_no_values.json": scotland,
    "sell2wales_bilingual.json": wales,
    "framework_35_suppliers.json": framework,
    "older_after_newer.json": older_after_newer,
}

if __name__ == "__main__":
    for name, make in FILES.items():
        text = json.dumps(make(), indent=2, ensure_ascii=False) + "\n"
        (HERE / name).write_text(text, encoding="utf-8")
