from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import items_for


def service(request):
    """Branding, and the navigation this person may use."""
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SOCIALVALUE_SERVICE_NAME,
        "operator_name": settings.SOCIALVALUE_OPERATOR_NAME,
        "brand_colour": settings.SOCIALVALUE_BRAND_COLOUR,
        "contact_email": settings.SOCIALVALUE_CONTACT_EMAIL,
        "nav_items": items_for(user, request.path) if user is not None else [],
        # Counted once, and only on pages that show it (the header, for people signed in).
        "unread_notifications": SimpleLazyObject(lambda: _unread(user)),
    }


def _unread(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    from notifications.models import Notification

    return Notification.objects.for_user(user).unread().count()
