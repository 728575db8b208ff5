"""The server the benchmark measures: gunicorn as in production, on a free loopback port, and
the session cookies it accepts."""

# ruff: noqa: S603 - runs this project's own gunicorn and wrk with fixed arguments

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.test import Client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WORKERS = 2  # gunicorn's server processes


def start_gunicorn(port):
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        # The same key as this process, so the sessions it makes are valid there too.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SOCIALVALUE_OPERATOR_NAME": settings.SOCIALVALUE_OPERATOR_NAME,
        "EMAIL_HOST": "localhost",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            gunicorn,
            "socialvalue.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
            # As `make serve`: a county's exports stream for minutes.
            "--timeout",
            os.environ.get("GUNICORN_TIMEOUT", "600"),
        ],
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise CommandError("gunicorn did not start")


def session_cookie(user):
    if user is None:
        return None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
