"""OCDS imports run in the worker, never in the request (issue 17): the request stores and
checks the upload; the worker previews it and, once confirmed, imports it; the person follows it
on the import's page and is notified of the outcome. A failed import changes nothing and says
so. Run against the database backend and against Redis (`SOCIALVALUE_TASKS=redis pytest -m
tasks`, as .ci/run does)."""

import pytest
from django.test import TestCase
from django.urls import reverse

from contracts.models import Contract, OcdsImport
from contracts.ocds import importer
from notifications.models import Kind, Notification
from tests.contracts.test_ocds_pages import upload
from tests.tasks.worker import pending, run_worker, use_real_queue

pytestmark = [pytest.mark.django_db, pytest.mark.tasks]
Status = OcdsImport.Status


@pytest.fixture(autouse=True)
def real_queue(settings):
    use_real_queue(settings)


def _post(client, *args, **kwargs):
    """A request, then its transaction's commit: what it queued is now waiting."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(*args, **kwargs)


def _staged(client, officer) -> OcdsImport:
    client.force_login(officer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert upload(client).status_code == 302
    return OcdsImport.objects.get()


def _pages(staged):
    return (
        reverse("contracts:ocds_review", kwargs={"pk": staged.pk}),
        reverse("contracts:ocds_result", kwargs={"pk": staged.pk}),
    )


def test_the_upload_is_checked_by_the_worker_and_imported_by_the_worker(client, officer):
    staged = _staged(client, officer)
    review, result = _pages(staged)
    # The request stored the file; the check waits for the worker.
    assert staged.status == Status.CHECKING and pending() == 1
    page = client.get(review).content.decode()
    assert "Your file is being checked" in page and "Waiting to start" in page

    run_worker()
    staged.refresh_from_db()
    assert staged.status == Status.PREVIEWED and staged.report["releases"] == 10
    assert "Import 4 releases" in client.get(review).content.decode()
    assert not Contract.objects.exists()

    response = _post(client, review, {"revision": 0, "action": "import"})
    assert response.status_code == 302 and response.url == result
    # Confirmed: nothing is imported until the worker runs.
    assert not Contract.objects.exists() and pending() == 1
    page = client.get(result).content.decode()
    assert "Your file is being imported" in page and "nothing is changed" in page
    assert "Waiting to start" in page  # the check's start is not the import's
    assert client.get(review).url == result

    run_worker()
    staged.refresh_from_db()
    assert staged.status == Status.IMPORTED and bytes(staged.content) == b""
    assert Contract.objects.count() == 4
    assert "Import saved" in client.get(result).content.decode()
    note = Notification.objects.get(kind=Kind.IMPORT_FINISHED)
    assert note.recipient == officer and note.path == result
    assert "is saved" in note.title


def test_a_failed_import_changes_nothing_and_says_so(client, officer, monkeypatch):
    staged = _staged(client, officer)
    run_worker()
    review, result = _pages(staged)
    _post(client, review, {"revision": 0, "action": "import"})

    apply_in_order = importer._apply_in_order

    def written_then_broken(releases, ctx):
        apply_in_order(releases, ctx)
        assert Contract.objects.count() == 4  # written, inside the import's transaction
        raise RuntimeError("database went away")

    monkeypatch.setattr(importer, "_apply_in_order", written_then_broken)
    run_worker()

    staged.refresh_from_db()
    assert staged.status == Status.FAILED
    assert not Contract.objects.exists(), "the failed import is rolled back whole"
    page = client.get(result).content.decode()
    assert "The import failed" in page and "Nothing was changed" in page
    assert "database went away" not in page  # the detail is for the log, not the page
    note = Notification.objects.get(kind=Kind.IMPORT_FINISHED)
    assert note.recipient == officer and "failed" in note.title
    # It cannot be confirmed again: the file must be uploaded again.
    _post(client, review, {"revision": 0, "action": "import"})
    run_worker()
    assert not Contract.objects.exists()


def test_a_task_run_twice_or_for_old_choices_does_nothing(client, officer):
    from contracts import tasks

    staged = _staged(client, officer)
    run_worker()
    tasks.check_ocds_import.enqueue(str(staged.pk), 0)  # a second check: already done
    tasks.run_ocds_import.enqueue(str(staged.pk), 0)  # an import nobody confirmed
    run_worker()
    staged.refresh_from_db()
    assert staged.status == Status.PREVIEWED and not Contract.objects.exists()


def test_someone_elses_import_page_is_not_found(client, officer, council, make_member):
    from people.models import Membership

    staged = _staged(client, officer)
    run_worker()
    colleague = make_member(council, Membership.Role.OFFICER)
    client.force_login(colleague)
    for page in _pages(staged):
        assert client.get(page).status_code == 404


def test_an_import_lost_with_a_killed_worker_is_queued_again_and_runs_once(client, officer):
    """A worker killed mid-import rolls its transaction back and its task is gone: the
    scheduled sweep queues the import again once it has waited long enough."""
    import datetime

    from django.utils import timezone

    from contracts import tasks
    from contracts.ocds import staging
    from tests.tasks.worker import chosen_backend

    staged = _staged(client, officer)
    run_worker()
    _post(client, _pages(staged)[0], {"revision": 0, "action": "import"})
    # The worker took the import and was killed: the task is lost.
    if chosen_backend() == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.ready().get().claim("killed-worker")
    else:
        import django_rq

        django_rq.get_queue("default").empty()
    run_worker()
    assert not Contract.objects.exists()
    assert tasks.requeue_lost_ocds_imports.call() == 0  # not yet: it may still be running

    later = timezone.now() + staging.LOST_AFTER + datetime.timedelta(seconds=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert staging.requeue_lost(now=later) == 1
    run_worker()
    staged.refresh_from_db()
    assert staged.status == Status.IMPORTED and Contract.objects.count() == 4
    assert Notification.objects.filter(kind=Kind.IMPORT_FINISHED).count() == 1
