"""The demo loader: fictional, complete, and idempotent (running it twice changes nothing)."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from tests.test_everyday_demo import DEMO_PEOPLE

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"people", "places", "objectives", "contracts", "consultations"}
    }


def test_the_demo_loads_once_and_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=None)
    first = row_counts()
    call_command("load_demo", stdout=None)
    assert row_counts() == first
    from contracts.models import Contract, DeliveryReturn
    from people.models import User

    assert set(User.objects.values_list("email", flat=True)) >= set(DEMO_PEOPLE)
    assert set(Contract.objects.values_list("stage", flat=True)) == set(Contract.Stage.values)
    assert set(DeliveryReturn.objects.values_list("status", flat=True)) == set(
        DeliveryReturn.Status.values
    )


def test_the_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only loaded with DJANGO_DEBUG=true"):
        call_command("load_demo")
