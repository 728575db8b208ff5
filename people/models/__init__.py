"""People, the organisations they belong to, and the roles they hold there: one module per
family (people and their accounts, organisations, memberships and invitations). Import models
from here (`people.models`), as migrations and other apps do."""

from .memberships import Invitation, Membership
from .organisations import Organisation
from .users import LoginFailure, Registration, User, UserManager

__all__ = [
    "Invitation",
    "LoginFailure",
    "Membership",
    "Organisation",
    "Registration",
    "User",
    "UserManager",
]
