import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consultations import services
from consultations.models import Consultation, Response
from tests.consultations.test_consultation_rules import answers_for, respond

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _date(prefix, value):
    return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}


def _response_data(consultation, **kwargs):
    data = {"respondent_type": "resident", "area": consultation.areas.first().pk}
    for pk, value in answers_for(consultation, **kwargs).items():
        data[f"question_{pk}"] = [str(v) for v in value] if isinstance(value, list) else value or ""
    return data


def test_list_and_detail_are_public_without_drafts(client, make_consultation):
    published = make_consultation(title="Open one")
    make_consultation(title="Hidden draft", published_at=None)
    response = client.get(reverse("consultations:consultation_list"))
    assert list(response.context["consultations"]) == [published]
    assert b"Hidden draft" not in response.content
    assert client.get(published.get_absolute_url()).status_code == 200


def test_officer_creates_a_consultation(client, people, council, ward):
    client.force_login(people["officer"])
    url = reverse("consultations:consultation_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "owner": council.pk,
            "title": "Transport",
            "purpose": "Tell us",
            "areas": [ward.pk],
            **_date("opens_on", TODAY),
            **_date("closes_on", TODAY + datetime.timedelta(days=5)),
            "allow_anonymous": "on",
        },
    )
    consultation = Consultation.objects.get()
    assert response["Location"] == consultation.get_absolute_url()
    assert consultation.allow_anonymous and consultation.published_at is None


@pytest.mark.parametrize(("role", "status"), [("officer", 200), ("proposer", 403), ("leader", 403)])
def test_create_permissions(client, people, role, status):
    client.force_login(people[role])
    assert client.get(reverse("consultations:consultation_create")).status_code == status


def test_anonymous_response_when_allowed(client, make_consultation):
    consultation = make_consultation(allow_anonymous=True)
    url = reverse("consultations:respond", args=[consultation.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _response_data(consultation, text="Hello"))
    assert response.status_code == 302
    assert Response.objects.get().user is None


def test_anonymous_is_sent_to_sign_in_when_not_allowed(client, make_consultation):
    consultation = make_consultation(allow_anonymous=False)
    response = client.get(reverse("consultations:respond", args=[consultation.pk]))
    assert response.status_code == 302 and reverse("people:login") in response["Location"]


def test_closed_consultation_gets_a_specific_message(client, people, make_consultation):
    consultation = make_consultation(
        opens_on=TODAY - datetime.timedelta(days=9), closes_on=TODAY - datetime.timedelta(days=2)
    )
    client.force_login(people["resident"])
    url = reverse("consultations:respond", args=[consultation.pk])
    response = client.post(url, _response_data(consultation))
    assert response.status_code == 403
    assert "This consultation closed on" in response.content.decode()
    assert not Response.objects.exists()


def test_throttled_flood_gets_a_message(client, make_consultation):
    consultation = make_consultation(allow_anonymous=True)
    url = reverse("consultations:respond", args=[consultation.pk])
    for _ in range(services.ANONYMOUS_LIMIT):
        assert client.post(url, _response_data(consultation)).status_code == 302
    response = client.post(url, _response_data(consultation))
    assert response.status_code == 200
    assert "too many responses from your internet connection" in response.content.decode()
    assert Response.objects.count() == services.ANONYMOUS_LIMIT


def test_signed_in_response_is_edited_not_duplicated(client, people, make_consultation):
    consultation = make_consultation()
    client.force_login(people["resident"])
    url = reverse("consultations:respond", args=[consultation.pk])
    client.post(url, _response_data(consultation, single="Jobs"))
    page = client.get(url)
    assert b"Update response" in page.content
    client.post(url, _response_data(consultation, single="Food"))
    assert Response.objects.count() == 1


def test_export_is_for_the_owning_officers_only(client, people, make_consultation):
    consultation = make_consultation()
    respond(consultation, people["resident"], text="=cmd|' /C calc'!A0")
    url = reverse("consultations:responses_export", args=[consultation.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in
    for role in ("resident", "leader", "other_officer", "partner_officer"):
        client.force_login(people[role])
        assert client.get(url).status_code == 403
    client.force_login(people["officer"])
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["response", "received", "updated", "responding_as"]
    assert rows[1][3] == "A resident"
    assert rows[1][-1].startswith("'=")  # formula neutralised


def test_summary_is_public_once_published_and_never_shows_free_text(
    client, people, make_consultation
):
    consultation = make_consultation()
    respond(consultation, people["resident"], text="My private story")
    officer = people["officer"]
    url = reverse("consultations:summary", args=[consultation.pk])
    assert client.get(url).status_code == 403  # not published yet
    services.consultation_close(consultation=consultation, by=officer)
    services.summary_entry_add(
        consultation=consultation, by=officer, you_said="Jobs", we_did="Done"
    )
    services.summary_publish(consultation=consultation, by=officer)
    response = client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "My private story" not in content
    assert escape(people["resident"].full_name) not in content
    assert "app-bar-chart__bar--100" in content and "style=" not in content


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow(client, make_consultation, people):
    url = reverse("consultations:consultation_list")
    make_consultation(questions=False)
    one = _count(client, url)
    for _ in range(19):
        make_consultation(questions=False)
    assert _count(client, url) == one


def test_detail_and_summary_query_counts_do_not_grow(client, people, make_consultation):
    consultation = make_consultation(allow_anonymous=True)
    client.force_login(people["officer"])
    detail, respond_url = (
        consultation.get_absolute_url(),
        reverse("consultations:respond", args=[consultation.pk]),
    )
    summary_url = reverse("consultations:summary", args=[consultation.pk])
    respond(consultation, people["resident"])
    counts = (_count(client, detail), _count(client, respond_url), _count(client, summary_url))
    for n in range(20):
        respond(consultation, None, ip=f"10.0.1.{n}", multiple=("Buses", "Shops"))
    assert (
        _count(client, detail),
        _count(client, respond_url),
        _count(client, summary_url),
    ) == counts


@pytest.mark.parametrize("role", ["officer", "partner_officer", "resident"])
def test_summary_and_management_pages_permissions(client, people, make_consultation, role):
    consultation = make_consultation()
    services.consultation_close(consultation=consultation, by=people["officer"])
    client.force_login(people[role])
    expected = 200 if role == "officer" else 403
    for name in ("summary_edit", "summary_entry_create", "summary_publish", "summary"):
        url = reverse(f"consultations:{name}", args=[consultation.pk])
        assert client.get(url).status_code == expected, name
    # Questions are fixed once published, for everyone.
    url = reverse("consultations:question_create", args=[consultation.pk])
    assert client.get(url).status_code == 403
