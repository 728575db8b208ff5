from django.utils.functional import SimpleLazyObject


def unread(request):
    """How many notifications this person has not read, for the header."""
    user = getattr(request, "user", None)
    # Counted once, and only on pages that show it (the header, for people signed in).
    return {"unread_notifications": SimpleLazyObject(lambda: _unread(user))}


def _unread(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    from .models import Notification

    return Notification.objects.for_user(user).unread().count()
