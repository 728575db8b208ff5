"""Money is shown "£6,000", never "6,000 £" (issue 17): the dashboard's "not in scope of the
Act" total put the sign after the number."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

POUND_AFTER = re.compile(r"\d\s*£")


def test_the_exempt_total_on_the_dashboard_reads_pounds_first(client, world):
    client.force_login(world.officer)
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "A further 1 (£500)" in html
    assert not POUND_AFTER.search(html), POUND_AFTER.search(html)
