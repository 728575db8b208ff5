"""The project's own rules: the plain ones the navigation and the shared pages ask."""

from .rules import rule


@rule("socialvalue.anyone", anonymous=True)
def anyone(user, obj=None) -> bool:
    return True


@rule("socialvalue.signed_in")
def signed_in(user, obj=None) -> bool:
    """Every active person who has signed in (anonymous visitors are refused by the registry)."""
    return True


@rule("socialvalue.use_admin", superusers=False)
def can_use_admin(user, obj=None) -> bool:
    """Staff reach the Django admin; a superuser who is not staff does not (Django's own rule)."""
    return user.is_staff
