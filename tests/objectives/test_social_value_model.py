"""Loading the government's Social Value Model (PPN 06/20 and PPN 002) as two frameworks."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from objectives.models import Framework, Measure, Outcome, Theme
from objectives.services import frameworks as services
from objectives.social_value_model import DATA, DIMENSIONS, EDITIONS, load_social_value_model

pytestmark = pytest.mark.django_db

PPN0620 = "Social Value Model (PPN 06/20)"
PPN002 = "Social Value Model (PPN 002)"


def history_count() -> int:
    return (
        Framework.history.count()
        + Theme.history.count()
        + Outcome.history.count()
        + Measure.history.count()
    )


def test_the_data_and_its_licence_are_in_the_repository():
    for name in ("social_value_model_ppn0620.csv", "social_value_model_ppn002.csv", "README.md"):
        assert (DATA / name).is_file()
    assert "Open Government Licence v3.0" in (DATA / "LICENCE.md").read_text()


def test_loads_two_frameworks_of_themes_and_outcomes_without_measures(place, officer):
    report = load_social_value_model(place=place, by=officer)

    assert [str(f) for f in report.created] == [f"{PPN0620} (2020)", f"{PPN002} (2025)"]
    ppn0620 = Framework.objects.get(place=place, name=PPN0620, version="2020")
    ppn002 = Framework.objects.get(place=place, name=PPN002, version="2025")
    for framework in (ppn0620, ppn002):
        assert framework.licence == "Open Government Licence v3.0"
        assert "not included" in framework.source
        assert "assigned by this service" in framework.description
        assert framework.themes.count() == 5
        assert framework.created_by == officer
    assert ppn0620.outcomes.count() == 8
    assert ppn002.outcomes.count() == 7
    assert Measure.objects.count() == 0
    assert [t.name for t in ppn002.themes.order_by("position")] == [
        "Kick start economic growth",
        "Make Britain a clean energy superpower",
        "Take back our streets",
        "Break down barriers to opportunity",
        "Build an NHS fit for the future",
    ]
    assert not ppn002.themes.get(name="Take back our streets").outcomes.exists()
    assert "Take back our streets" in ppn002.description
    assert "PPN 06/20" in ppn0620.source
    assert "PPN 002" in ppn002.description
    assert "PPN 002" in ppn002.source


def test_outcomes_carry_their_codes_criteria_and_dimensions(place):
    load_social_value_model(place=place)

    fair_work = Outcome.objects.get(framework__name=PPN002, name="Fair work")
    assert fair_work.code == "1"
    assert fair_work.dimensions == ["economic"]
    lines = fair_work.description.splitlines()
    assert lines[1:] == [
        "- 1a: Create and retain high quality jobs (as defined in MACs 1b-1d)",
        "- 1b: Fair working conditions",
        "- 1c: Fair pay practices",
        "- 1d: In-work progression to help people to move into work by developing new skills",
    ]  # 1e has a code but no wording, so it is left out
    assert Outcome.objects.get(framework__name=PPN002, name="Skills for growth").description == ""
    assert list(
        Outcome.objects.filter(framework__name=PPN002)
        .order_by("code")
        .values_list("code", flat=True)
    ) == ["1", "2", "3", "4", "6", "7", "8"]

    new_businesses = Outcome.objects.get(
        framework__name=PPN0620, name="Create new businesses, new jobs and new skills"
    )
    assert new_businesses.code == ""
    assert new_businesses.description.splitlines()[1].startswith(
        "- MAC 2.1: Create opportunities for entrepreneurship"
    )
    assert len(new_businesses.description.splitlines()) == 6  # heading, MAC 2.1, 4 objectives
    covid = Outcome.objects.get(framework__name=PPN0620, theme__name="COVID-19 recovery")
    assert covid.dimensions == ["economic", "social"]
    climate = Outcome.objects.get(framework__name=PPN0620, theme__name="Fighting climate change")
    assert climate.dimensions == ["environmental"]
    assert set(
        Outcome.objects.filter(theme__name="Wellbeing").values_list("social", flat=True)
    ) == {True}


def test_every_theme_in_the_data_has_dimensions():
    for edition in EDITIONS:
        with open(DATA / edition.file, encoding="utf-8") as data:
            themes = {row["theme"] for row in csv.DictReader(data)}
        assert themes <= set(DIMENSIONS)


def test_loading_twice_changes_nothing(place, officer):
    load_social_value_model(place=place, by=officer)
    before = (Framework.objects.count(), Outcome.objects.count(), history_count())

    report = load_social_value_model(place=place, by=officer)

    assert (report.created, report.updated) == ([], [])
    assert len(report.unchanged) == 2
    assert (Framework.objects.count(), Outcome.objects.count(), history_count()) == before
    assert report.summary().endswith("already up to date")


def test_loading_again_repairs_a_changed_outcome_and_keeps_what_the_council_added(place, officer):
    load_social_value_model(place=place, by=officer)
    fair_work = Outcome.objects.get(name="Fair work")
    services.outcome_update(
        outcome=fair_work, by=officer, description="Edited", dimensions=["social"]
    )
    services.measure_create(
        outcome=fair_work, code="FW1", name="Real Living Wage jobs", unit="FTE", by=officer
    )

    report = load_social_value_model(place=place, by=officer)

    assert [str(f) for f in report.updated] == [f"{PPN002} (2025)"]
    fair_work.refresh_from_db()
    assert fair_work.description.startswith("Model award criteria")
    assert fair_work.dimensions == ["economic"]
    assert Measure.objects.filter(code="FW1").exists()


def test_a_retired_edition_is_left_alone(place, officer):
    load_social_value_model(place=place, by=officer)
    services.framework_retire(framework=Framework.objects.get(name=PPN0620), by=officer)

    report = load_social_value_model(place=place, by=officer)

    assert [str(f) for f in report.retired] == [f"{PPN0620} (2020)"]
    assert Framework.objects.count() == 2


def test_the_management_command(place):
    out = io.StringIO()
    call_command("load_social_value_model", place=place.slug, stdout=out)
    call_command("load_social_value_model", place=place.slug, stdout=out)

    assert Framework.objects.filter(place=place).count() == 2
    assert "created" in out.getvalue()
    assert "already up to date" in out.getvalue()


def test_the_management_command_needs_a_known_place(db):
    with pytest.raises(CommandError, match="There is no place with the slug nowhere"):
        call_command("load_social_value_model", place="nowhere")
