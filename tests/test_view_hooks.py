"""The view bases' hooks (`perform`, `act`, `add`, `service`, `link_failed`) raise
NotImplementedError only in the base: every view a URL routes to defines its own, so no
page can reach the base's."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic.edit import FormMixin

from consultations.views.consultations import ConfirmView
from contracts.views.return_decisions import ReturnActionView
from contracts.views.supply_chain import SupplyChainAddView
from people.views.sign_in import LinkThrottleMixin
from socialvalue.view_bases import ServiceActionMixin, ServiceFormMixin

# (base, hook, the base's method that calls the hook, or None when it always runs): a view that overrides the caller (a
# page that only shows something, or writes its own way) never reaches the hook.
HOOKS = [
    (ServiceFormMixin, "perform", "form_valid"),
    (ServiceActionMixin, "perform", "post"),
    (ReturnActionView, "act", "post"),
    (SupplyChainAddView, "add", "perform"),
    (ConfirmView, "service", "perform"),
    # Its dispatch() always runs (the views wrap theirs with decorators, which then call it).
    (LinkThrottleMixin, "link_failed", None),
]


def _routed_views(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routed_views(entry.url_patterns)
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "view_class"):
            yield entry.callback.view_class


@pytest.mark.parametrize(
    ("base", "hook", "caller"), HOOKS, ids=[f"{b.__name__}.{h}" for b, h, _ in HOOKS]
)
def test_every_routed_view_on_a_base_defines_its_hook(base, hook, caller):
    routed = [
        view
        for view in _routed_views()
        if issubclass(view, base)
        and (caller is None or getattr(view, caller) is getattr(base, caller))
    ]
    assert routed, f"no routed view reaches {base.__name__}.{hook}"
    missing = [v.__name__ for v in routed if getattr(v, hook) is getattr(base, hook)]
    assert missing == []


def test_only_form_pages_are_service_form_views():
    """ServiceFormMixin is a form page's base, never bundled into an object mixin that pages
    which only show something (or stream a file) share."""
    bundled = [
        view.__name__
        for view in _routed_views()
        if issubclass(view, ServiceFormMixin) and not issubclass(view, FormMixin)
    ]
    assert bundled == []
