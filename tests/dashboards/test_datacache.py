"""The data token behind every cache of computed pages (socialvalue/datacache.py)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from socialvalue.datacache import current_token, writes_watched_table

# Real commits: the token changes once a writing transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


def _bumps_waiting() -> int:
    return sum(
        1 for _, func, *_ in connection.run_on_commit if getattr(func, "data_version_bump", False)
    )


def test_a_rolled_back_change_leaves_the_token_and_a_transaction_changes_it_once(world):
    token = current_token()
    with pytest.raises(RuntimeError), transaction.atomic():
        world.k1.recovery_action = "Extra sessions"
        world.k1.save()
        raise RuntimeError
    assert current_token() == token
    with transaction.atomic():
        world.k1.recovery_action = "Extra sessions"
        world.k1.save()
        with transaction.atomic():  # a savepoint inside
            world.k1.contract.save()
        world.council.save()
        assert _bumps_waiting() == 1
    assert current_token() != token


def test_a_change_kept_after_a_rolled_back_savepoint_still_changes_the_token(world):
    token = current_token()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            world.k1.contract.save()  # registers a change inside the savepoint
            raise RuntimeError
        # the savepoint and its change are dropped...
        world.k1.save()  # ...so this change must register its own
    assert current_token() != token


def test_writes_by_other_threads_connections_are_seen(world):
    token = current_token()

    def write():
        try:
            world.k1.contract.save()
        finally:
            connections.close_all()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert current_token() != token


def test_signing_in_and_audit_history_do_not_change_the_token(client, world):
    token = current_token()
    client.force_login(world.leader)  # a session row and the user's last sign-in
    assert current_token() == token


@pytest.mark.parametrize(
    "sql, watched",
    [
        ('INSERT INTO "contracts_deliveryreturn" ("id") VALUES (%s)', True),
        ('UPDATE "objectives_objective" SET "title" = %s', True),
        ('DELETE FROM "objectives_objective_areas" WHERE "id" = %s', True),
        ("  update places_area set name = 'x'", True),
        ('UPDATE "people_organisation" SET "name" = %s', True),
        ('UPDATE "people_user" SET "last_login" = %s', False),
        ('INSERT INTO "objectives_historicalobjective" ("id") VALUES (%s)', False),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        ('SELECT "id" FROM "objectives_objective"', False),
    ],
)
def test_which_statements_count_as_changes(sql, watched):
    assert writes_watched_table(sql) is watched


def test_the_command_tells_the_caches_of_a_change_made_elsewhere(db):
    token = current_token()
    call_command("data_changed")
    assert current_token() != token
