"""Email notifications, sent after the transaction that caused them commits.

A notification is one plain-text template rendered per recipient. Recipients are people
(users) or bare email addresses; duplicates and inactive accounts are dropped. Sending happens
on commit, so a rolled-back change never emails anyone.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


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
    """Queue one email per recipient for when the current transaction commits.

    Returns the addresses it will write to (for the caller's records and tests)."""
    addresses = _addresses(recipients)
    context = {
        **context,
        "service_name": settings.SOCIALVALUE_SERVICE_NAME,
        "operator_name": settings.SOCIALVALUE_OPERATOR_NAME,
    }
    full_subject = f"{subject} – {settings.SOCIALVALUE_SERVICE_NAME}"

    def send():
        for address in addresses:
            send_mail(
                subject=full_subject,
                message=render_to_string(template, {**context, "recipient": address}),
                from_email=None,
                recipient_list=[address],
            )

    if addresses:
        transaction.on_commit(send)
    return addresses
