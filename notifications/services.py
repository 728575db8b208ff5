"""Raising notifications and queueing email. `notify` is the one entry point every app's
`notices.py` calls; `queue_email` is the only way the service sends an email."""

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Delivery, Email, Kind, Notification, Preference


def site_url(path: str = "") -> str:
    """An absolute link to `path` at the service's configured address (SOCIALVALUE_SITE_URL),
    never the address of whatever request happened to cause the email."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SOCIALVALUE_SITE_URL + path


def queue_email(*, to: str, subject: str, body: str) -> Email:
    """Put one email in the outbox and have the worker send it once the current transaction
    commits. A rolled-back change never emails anyone; the web request never waits for the
    mail server."""
    from .tasks import send_email

    email = Email.objects.create(to=to, subject=subject[:300], body=body)
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def email_failed(*, email: Email, error: str, now=None) -> Email:
    """Record a failed attempt: try again later, waiting longer each time (1, 2, 4, 8, 16
    minutes), and give up after `NOTIFICATIONS_EMAIL_MAX_ATTEMPTS`, leaving the email marked
    failed in the admin with its error."""
    now = now or timezone.now()
    email.attempts += 1
    email.last_error = error[:2000]
    if email.attempts >= settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS:
        email.status = Email.Status.FAILED
    else:
        email.next_attempt_at = now + timedelta(minutes=2 ** (email.attempts - 1))
    email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return email


@transaction.atomic
def email_retry(*, email: Email) -> Email:
    """An administrator's "try again" on a failed email: attempts start over."""
    email = Email.objects.select_for_update().get(pk=email.pk)
    if email.status == Email.Status.SENT:
        return email
    email.status = Email.Status.QUEUED
    email.attempts = 0
    email.next_attempt_at = timezone.now()
    email.save(update_fields=["status", "attempts", "next_attempt_at"])
    from .tasks import send_email

    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return email


def deliveries(users: Iterable, kind: str) -> dict[int, str]:
    """Each user's email choice for `kind` (one query)."""
    users = list(users)
    chosen = dict(
        Preference.objects.filter(user__in=users, kind=kind).values_list("user_id", "delivery")
    )
    return {u.pk: chosen.get(u.pk, Delivery.INSTANTLY) for u in users}


def notify(
    *,
    kind: str,
    recipients: Iterable,
    may_see: Callable[[object], bool],
    title: str,
    path: str,
    body: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell each recipient who may see what the notification is about: an entry in their
    list, and an email if they chose it for this kind (straight away, or in the daily digest).

    `may_see(user)` is the object-level rule for the page at `path` (usually the object's
    `visible_to` queryset). Someone it refuses is not told, even if a caller named them:
    a notification must never reveal an object its reader could not open. Inactive accounts,
    duplicates and nobody are dropped. With `dedupe_key`, a person is told once per key.
    `email=False` when the caller sends its own email (an invitation's carries its link)."""
    Kind(kind)  # an unknown kind is a programming error
    people = _to_tell(recipients, may_see, dedupe_key)
    if not people:
        return []
    choice = deliveries(people, kind) if email else {}
    now = timezone.now()
    created = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            title=title[:300],
            body=body,
            path=path,
            dedupe_key=dedupe_key,
            # Only what waits for a daily summary is left undigested.
            digested_at=None if choice.get(user.pk) == Delivery.DIGEST else now,
        )
        for user in people
    )
    if email:
        for user in people:
            if choice[user.pk] == Delivery.INSTANTLY and user.email:
                _email_now(user, title=title, body=body, path=path)
    return created


def _to_tell(recipients: Iterable, may_see, dedupe_key: str) -> list:
    """The active people, each once, whom `may_see` allows and who were not yet told under
    `dedupe_key`."""
    people: dict[int, object] = {}
    for user in recipients:
        if user is None or not getattr(user, "is_active", False) or user.pk in people:
            continue
        if may_see(user):
            people[user.pk] = user
    if dedupe_key:
        told = set(
            Notification.objects.filter(
                recipient__in=people.values(), dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
        people = {pk: u for pk, u in people.items() if pk not in told}
    return list(people.values())


def _email_now(user, *, title: str, body: str, path: str) -> None:
    queue_email(
        to=user.email,
        subject=f"{title} – {settings.SOCIALVALUE_SERVICE_NAME}",
        body=render_to_string(
            "notifications/email/notification.txt",
            {
                "title": title,
                "body": body,
                "url": site_url(path),
                "preferences_url": site_url("/notifications/preferences/"),
                "service_name": settings.SOCIALVALUE_SERVICE_NAME,
                "operator_name": settings.SOCIALVALUE_OPERATOR_NAME,
            },
        ),
    )


def visible_in(queryset_for: Callable[[object], object], pk) -> Callable[[object], bool]:
    """`may_see` for an object reached through a `visible_to(user)` queryset."""
    return lambda user: queryset_for(user).filter(pk=pk).exists()


@transaction.atomic
def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or only `ids` among theirs)."""
    unread = Notification.objects.for_user(user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user, choices: dict[str, str]) -> None:
    """Save one email choice per kind."""
    for kind, delivery in choices.items():
        Kind(kind)
        Delivery(delivery)
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def digest_send(*, now=None) -> int:
    """Email each person who chose the daily summary for some kind one email listing what
    they have not been sent yet. Returns how many emails were queued."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(digested_at__isnull=True)
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for note in pending:
        by_user.setdefault(note.recipient_id, []).append(note)
    sent = 0
    with transaction.atomic():
        for notes in by_user.values():
            user = notes[0].recipient
            if not user.is_active or not user.email:
                continue
            queue_email(
                to=user.email,
                subject=f"Your daily summary – {settings.SOCIALVALUE_SERVICE_NAME}",
                body=render_to_string(
                    "notifications/email/digest.txt",
                    {
                        "items": [(n.title, site_url(n.path)) for n in notes],
                        "preferences_url": site_url("/notifications/preferences/"),
                        "service_name": settings.SOCIALVALUE_SERVICE_NAME,
                        "operator_name": settings.SOCIALVALUE_OPERATOR_NAME,
                    },
                ),
            )
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(digested_at=now)
            sent += 1
    return sent
