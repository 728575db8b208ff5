"""The one place where "who may do what to which object" is decided.

Each app's `permissions.py` registers named rules with `@rule("app.action")`. A rule is a plain
function of `(user, obj)` returning a bool; it is only asked about active, signed-in users who are
not superusers (superusers may do everything, anonymous users nothing, unless the rule is
registered with `anonymous=True`). A rule registered with `superusers=False` is asked about
superusers too: for decisions only a body's own people may make (signing off its legal record). `RulesBackend` plugs the rules into Django, so
`user.has_perm("people.invite_member", organisation)` works everywhere, including the admin.

Asking about a rule nobody registered is a programming error, not a "no": it raises, so a typo
cannot quietly deny (or allow) in production.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import BaseBackend

Rule = Callable[[Any, Any], bool]
_rules: dict[str, tuple[Rule, bool, bool]] = {}


class UnknownRule(LookupError):
    pass


def rule(name: str, *, anonymous: bool = False, superusers: bool = True) -> Callable[[Rule], Rule]:
    def register(func: Rule) -> Rule:
        if name in _rules and _rules[name][0] is not func:
            raise ValueError(f"Rule {name!r} is registered twice")
        _rules[name] = (func, anonymous, superusers)
        return func

    return register


def allowed(user, name: str, obj: Any = None) -> bool:
    try:
        func, anonymous_ok, superusers_ok = _rules[name]
    except KeyError:
        raise UnknownRule(name) from None
    if user is None or not user.is_authenticated:
        return anonymous_ok and bool(func(user, obj))
    if not user.is_active:
        return False
    if user.is_superuser and superusers_ok:
        return True
    return bool(func(user, obj))


def unrestricted(user) -> bool:
    """Whether this person sees every object whatever their memberships (a superuser). The
    querysets' `visible_to` ask this, so the superuser exception is decided here, with the
    rules, and not read from the flag in each app."""
    return user is not None and user.is_authenticated and user.is_superuser


def registered() -> list[str]:
    return sorted(_rules)


class RulesBackend(BaseBackend):
    """Answers `has_perm` for registered rule names; leaves model permissions to ModelBackend."""

    def has_perm(self, user_obj, perm, obj=None):
        if perm not in _rules:
            return False
        return allowed(user_obj, perm, obj)
