from django.conf import settings

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
    }
