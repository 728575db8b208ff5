"""Run the real task queue in tests: the database backend (the embedded default) or Redis
through RQ, chosen like the service chooses it (SOCIALVALUE_TASKS)."""

import os

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def chosen_backend() -> str:
    return os.environ.get("SOCIALVALUE_TASKS", "database")


def use_real_queue(settings) -> None:
    """Point the tasks framework at the real queue of the chosen backend, emptied."""
    if chosen_backend() == "redis":
        import django_rq

        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
        }
        django_rq.get_queue("default").empty()
    else:
        settings.TASKS = DATABASE


def pending() -> int:
    """Tasks waiting for a worker."""
    if chosen_backend() == "redis":
        import django_rq

        return django_rq.get_queue("default").count
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def run_worker() -> None:
    """What `manage.py db_worker --batch` (or `rqworker --burst`) does: run every waiting
    task, then stop."""
    if chosen_backend() == "redis":
        import django_rq
        from django_tasks_rq.backend import Job
        from rq import SimpleWorker

        # In this process (no fork), so the worker shares the test's database transaction.
        django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker).work(burst=True)
        return
    from unittest import mock

    from django_tasks_db.management.commands import db_worker

    # In this process the connection is the test's own (inside its transaction): the worker's
    # closing of old connections would close it.
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()
