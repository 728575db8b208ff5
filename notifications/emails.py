"""Plain emails (not tied to an in-app notification), through the outbox.

A message is one plain-text template rendered per recipient. Recipients are people (users)
or bare email addresses; duplicates and inactive accounts are dropped. Each email is queued in
the outbox (`notifications.Email`) and sent by the worker after the transaction that caused it
commits: a rolled-back change never emails anyone, and no web request waits for a mail server.
Every template gets `site_url`, the service's configured address, for its links.
"""

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string

from .services import queue_email


def _addresses(recipients: Iterable) -> list[str]:
    seen: dict[str, None] = {}
    for recipient in recipients:
        if recipient is None:
            continue
        if hasattr(recipient, "email"):
            if not getattr(recipient, "is_active", True) or not recipient.email:
                continue
            address = recipient.email
        else:
            address = str(recipient)
        seen.setdefault(address.strip().lower(), None)
    return list(seen)


def notify(*, recipients: Iterable, subject: str, template: str, context: dict) -> list[str]:
    """Queue one email per recipient, sent once the current transaction commits.

    Returns the addresses it will write to (for the caller's records and tests)."""
    addresses = _addresses(recipients)
    context = {
        **context,
        "service_name": settings.SOCIALVALUE_SERVICE_NAME,
        "operator_name": settings.SOCIALVALUE_OPERATOR_NAME,
        "site_url": settings.SOCIALVALUE_SITE_URL,
    }
    full_subject = f"{subject} – {settings.SOCIALVALUE_SERVICE_NAME}"
    for address in addresses:
        queue_email(
            to=address,
            subject=full_subject,
            body=render_to_string(template, {**context, "recipient": address}),
        )
    return addresses
