"""The community needs board, end to end: a VCS member posts a need; a supplier finds it among
the needs that fit its commitments and pledges against one; the group accepts, talks and
confirms receipt; an officer verifies the return it became; the commitment, the objective,
the need and its public page all show the same delivery, once. axe checks every page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.models import Membership, Organisation
from tests.browser.test_delivery import PASSWORD, shoot
from tests.browser.test_objectives import fill_date, select_containing
from tests.contracts.factories import AwardedContractFactory, CommitmentFactory
from tests.objectives.factories import TargetFactory
from tests.people.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.places.factories import AreaFactory, PlaceFactory

Role = Membership.Role


@pytest.fixture
def board(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    place = PlaceFactory(name="Wrenford", slug="wrenford")
    council = OrganisationFactory(
        name="Wrenford Council", kind=Organisation.Kind.LOCAL_AUTHORITY, place=place
    )
    supplier = OrganisationFactory(name="Acme Cleaning Ltd", kind=Organisation.Kind.SUPPLIER)
    ward = AreaFactory(place=place, kind="ward", name="Castle Hill")
    AreaFactory(place=place, kind="neighbourhood", name="Keep Lane", parent=ward)
    group = OrganisationFactory(name="Castle Hill Pantry", kind=Organisation.Kind.VCS)
    group.areas.set([ward])
    people = {
        "olive@council.test": (council, Role.OFFICER, "Olive Officer"),
        "sam@acme.test": (supplier, Role.SUPPLIER_CONTACT, "Sam Supplier"),
        "val@pantry.test": (group, Role.MEMBER, "Val Volunteer"),
    }
    for email, (organisation, role, name) in people.items():
        MembershipFactory(
            user=UserFactory(email=email, full_name=name), organisation=organisation, role=role
        )
    contract = AwardedContractFactory(
        place=place, buyer=council, supplier=supplier, reference="WR-CLEAN-01"
    )
    commitment = CommitmentFactory(
        contract=contract,
        area=ward,
        quantity=Decimal("100"),
        measure__code="WR6",
        measure__name="Volunteering for local groups",
        measure__unit="volunteering hours",
    )
    target = TargetFactory(
        objective=commitment.objective,
        measure=commitment.measure,
        target_quantity=Decimal("100"),
        baseline_date=contract.contract_start,
        target_date=contract.contract_end,
    )
    return {"commitment": commitment, "objective": commitment.objective, "target": target}


def test_a_need_met_by_a_commitment_is_counted_once_everywhere(
    browser, live_server, board, sign_in, axe_check
):
    soon = timezone.localdate() + datetime.timedelta(days=40)
    today = timezone.localdate()

    vcs = browser.new_context().new_page()
    sign_in(vcs, "val@pantry.test", PASSWORD)
    vcs.goto(f"{live_server.url}/needs/")
    expect(vcs.get_by_role("heading", level=1)).to_have_text("Community needs")
    axe_check(vcs)
    vcs.get_by_role("link", name="Post a need").click()
    vcs.get_by_role("button", name="Publish the need").click()
    expect(vcs.locator(".govuk-error-summary")).to_contain_text("Enter what you need")
    axe_check(vcs)
    vcs.get_by_label("What do you need?").fill("Volunteers to clear the canal path")
    vcs.get_by_label("Why does it matter?").fill("Older visitors cannot reach the pantry.")
    vcs.get_by_label("Volunteering time").check()
    vcs.get_by_label("Keep Lane (neighbourhood in Castle Hill)").check()
    select_containing(vcs.get_by_label("How is it counted? (optional)"), "Volunteering")
    vcs.get_by_label("How much do you need? (optional)").fill("40")
    fill_date(vcs, "When is it needed by?", str(soon.day), str(soon.month), str(soon.year))
    vcs.get_by_role("button", name="Publish the need").click()
    expect(vcs.locator(".govuk-notification-banner--success")).to_contain_text("is published")
    axe_check(vcs)
    shoot(vcs, "need_detail_group")
    need_url = vcs.url

    supplier = browser.new_context().new_page()
    sign_in(supplier, "sam@acme.test", PASSWORD)
    supplier.goto(f"{live_server.url}/needs/?fits=true")
    axe_check(supplier)
    shoot(supplier, "need_list_supplier")
    supplier.get_by_role("link", name="Volunteers to clear the canal path").click()
    supplier.get_by_role("link", name="Pledge to meet this need").click()
    supplier.get_by_label("What do you offer?").fill("Eight staff for a morning, with tools.")
    supplier.get_by_label("How much?").fill("50")
    fill_date(supplier, "By when?", str(soon.day), str(soon.month), str(soon.year))
    select_containing(
        supplier.get_by_label("Which of your contract commitments does it serve? (optional)"),
        "WR-CLEAN-01",
    )
    supplier.get_by_label("This pledge is not claimed in any other return or contract").check()
    supplier.get_by_role("button", name="Make the pledge").click()
    expect(supplier.locator(".govuk-error-summary")).to_contain_text("40 volunteering hours is")
    axe_check(supplier)
    shoot(supplier, "pledge_form_refused")
    supplier.get_by_label("How much?").fill("30")
    supplier.get_by_role("button", name="Make the pledge").click()
    expect(supplier.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your pledge was sent"
    )
    axe_check(supplier)

    vcs.goto(need_url)
    vcs.get_by_role("link", name="Acme Cleaning Ltd: 30 volunteering hours").click()
    vcs.get_by_role("button", name="Accept the pledge").click()
    expect(vcs.locator(".govuk-notification-banner--success")).to_contain_text("You accepted")
    vcs.get_by_label("Your message").fill("Tuesday at 9, meet at the lock gates.")
    vcs.get_by_role("button", name="Send message").click()
    expect(vcs.locator("[data-message]")).to_contain_text("meet at the lock gates")
    axe_check(vcs)
    vcs.get_by_role("link", name="Confirm we received it").click()
    axe_check(vcs)
    vcs.get_by_label("How much did you receive?").fill("30")
    fill_date(vcs, "When was it received?", str(today.day), str(today.month), str(today.year))
    vcs.get_by_label("Note").fill("Eight staff cleared the path from the lock to the bridge.")
    vcs.get_by_role("button", name="Confirm we received it").click()
    expect(vcs.locator(".govuk-summary-list")).to_contain_text("Counted in the return for")
    axe_check(vcs)
    shoot(vcs, "pledge_detail_received")

    # Received today, so it is counted in the return for the current quarter, which has not
    # ended: nothing is verified before its period ends unless an officer allows early returns
    # for the period, with a reason (issue 14), which the officer does here.
    from contracts import services as contract_services
    from contracts.models import DeliveryReturn
    from people.models import User

    counted = DeliveryReturn.objects.get(commitment=board["commitment"])
    olive = User.objects.get(email="olive@council.test")
    assert contract_services.return_verify_refusal(counted, olive).startswith(
        "Its reporting period ends on"
    )
    contract_services.period_allow_early_returns(
        period=counted.period, by=olive, reason="The pantry confirmed the help it received"
    )

    officer = browser.new_context().new_page()
    sign_in(officer, "olive@council.test", PASSWORD)
    officer.goto(f"{live_server.url}/returns/")
    officer.get_by_role("link", name="WR6 Volunteering for local groups").first.click()
    expect(officer.get_by_role("heading", name="Check this return")).to_be_visible()
    expect(officer.locator("main")).to_contain_text("confirmed by the group on the needs board")
    axe_check(officer)
    officer.get_by_role("button", name="Verify this return").click()
    expect(officer.locator(".govuk-notification-banner--success")).to_contain_text(
        "Return verified"
    )
    officer.get_by_role("link", name="WR6 in Castle Hill").click()
    expect(officer.get_by_role("row", name="Verified delivered")).to_contain_text("30")
    officer.goto(f"{live_server.url}/objectives/{board['objective'].pk}/")
    expect(officer.get_by_role("table").get_by_role("row").nth(1)).to_contain_text("30 (30%)")
    axe_check(officer)
    officer.goto(f"{live_server.url}/dashboard/")
    quantities = officer.get_by_role("table", name=re.compile("Committed and delivered quantities"))
    shoot(officer, "dashboard_after")
    expect(
        quantities.get_by_role("row", name=re.compile("Volunteering for local groups"))
    ).to_contain_text("30")
    officer.goto(f"{live_server.url}/needs/unmet/")
    expect(officer.locator("#pledgers-caption")).to_be_visible()
    axe_check(officer)
    shoot(officer, "unmet_needs_officer")

    public = browser.new_context().new_page()
    public.goto(need_url)
    received = public.locator("[data-received-row]")
    expect(received).to_have_count(1)
    expect(received).to_contain_text("30 volunteering hours")
    expect(received).to_contain_text("verified")
    expect(public.locator("[data-received]")).to_have_text("30 volunteering hours")
    expect(public.locator("main")).not_to_contain_text("Val Volunteer")
    axe_check(public)
    shoot(public, "need_detail_public")
