"""Issue 16: the dashboard's printable summary is a real PDF of at most four A4 pages, for the
same people as the dashboard, and rendering it reads only the project's static files."""

import pytest
from django.test import Client

from dashboards.pdf import MAX_PAGES, _static_only

pytestmark = pytest.mark.django_db


def test_the_leader_downloads_a_summary_of_at_most_four_pages(world, monkeypatch):
    from dashboards import pdf

    counted = {}
    real = pdf.render_pdf

    def counting(html):
        data, pages = real(html)
        counted["pages"] = pages
        counted["html"] = html
        return data, pages

    monkeypatch.setattr(pdf, "render_pdf", counting)
    client = Client()
    client.force_login(world.users["leader"])

    response = client.get("/dashboard/summary.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment;" in response["Content-Disposition"]
    assert 1 <= counted["pages"] <= MAX_PAGES
    # The same partials as the page: the first screen and delivery against need.
    assert "Needing a decision" in counted["html"]
    assert "Delivery against need" in counted["html"]


@pytest.mark.parametrize("role", ["resident", "vcs_member", "supplier_contact"])
def test_people_who_may_not_see_the_dashboard_get_no_summary(world, role):
    client = Client()
    client.force_login(world.users[role])
    assert client.get("/dashboard/summary.pdf").status_code == 403


@pytest.mark.parametrize(
    "url", ["https://fonts.example.com/font.woff2", "http://169.254.169.254/", "file:///etc/passwd"]
)
def test_the_pdf_may_read_nothing_but_static_files(url):
    with pytest.raises(ValueError, match="static files only"):
        _static_only(url)
