"""The bases every app's views are built from: who may act, on what, and how a form that calls a
service reports the service's refusal.

Three pieces, meant to be combined (most write pages use all three)::

    class ProposalActionMixin(ActOnObjectMixin):
        model = Proposal                    # found through Proposal.objects.visible_to(user)
        acted_on_name = "proposal"          # the template's name for it (the model's name)

    class ProposalWithdrawView(ServiceFormMixin, ProposalActionMixin, FormView):
        permission_rule = "consultations.withdraw_proposal"
        form_class = ReasonForm

        def perform(self, form):            # the service call: the page's only write
            return services.proposal_withdraw(
                proposal=self.acted_on(), by=self.request.user, **form.cleaned_data
            )

        def success_message(self, proposal):
            return f"{proposal} withdrawn"

- `RuleRequiredMixin`: the view names one rule of the registry (`socialvalue.rules`) and the
  object it is asked about; no rule named is a 403 (deny by default).
- `ActOnObjectMixin`: the object from the URL, loaded through the queryset of what this person
  may see (a 404 when they may not see it: nothing is given away), then the view's rule asked
  of it (a 403 when they may see but not act). Loaded once per request.
- `ServiceFormMixin`: `form_valid` calls `perform(form)`; a `ValidationError` from the service
  goes onto the form (field by field where it names fields) and the form is shown again,
  having changed nothing; otherwise a success message and a redirect to what came back.

Django's `View.setup()` has set `self.request`, `self.args` and `self.kwargs` before
`dispatch()` runs, so no base re-assigns them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect

from .forms import apply_validation_error
from .rules import allowed


class RuleRequiredMixin:
    """Refuse the request (403) unless the user passes `permission_rule` for the object.

    Objects the user may not even see are already a 404, because views fetch them through
    `visible_to(user)` querysets; this mixin handles "may see, but may not do". Override
    `get_permission_object()` to name the object the rule is asked about (None: the rule is
    asked without one, for "may this person add any?").
    """

    permission_rule: str = ""

    def get_permission_object(self):
        return None

    def check_permission(self):
        if not self.permission_rule:
            raise PermissionDenied  # deny by default: a view must name its rule
        if not allowed(self.request.user, self.permission_rule, self.get_permission_object()):
            raise PermissionDenied

    def dispatch(self, request, *args, **kwargs):
        self.check_permission()
        return super().dispatch(request, *args, **kwargs)


class ActOnObjectMixin(RuleRequiredMixin):
    """The object this person may act on, from the URL: 404 unless they may see it, 403 unless
    `permission_rule` allows them to act on it.

    Set `model` (its manager must offer `visible_to(user)`) or override `get_acted_on_queryset()`
    (to narrow it, or to add `select_related`); `lookups` maps the model's fields to the URL's
    keyword arguments (`{"pk": "pk"}` by default, `{"slug": "slug"}` for slugs). The object is
    in the template context as `acted_on_name` (the model's name by default) and in the
    view as `self.acted_on()`. It does not touch `get_object()`, so a `DetailView` can show a
    different object of the same page.
    """

    model = None
    lookups: dict[str, str] = {"pk": "pk"}
    acted_on_name: str | None = None

    def get_acted_on_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def acted_on(self):
        if not hasattr(self, "_acted_on"):
            filters = {field: self.kwargs[kwarg] for field, kwarg in self.lookups.items()}
            self._acted_on = get_object_or_404(self.get_acted_on_queryset(), **filters)
        return self._acted_on

    def get_permission_object(self):
        return self.acted_on()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.acted_on_name or self.acted_on()._meta.model_name] = self.acted_on()
        return context


class ServiceFormMixin:
    """A form page whose write is one service call.

    Define `perform(form)`: call the service with the form's cleaned data and return what it
    made or changed. A `ValidationError` the service raises is put on the form (on the fields
    it names, otherwise above the form) and the form is shown again. Otherwise
    `success_message(result)` (empty: no message) is flashed, at `message_level(result)` (a
    success by default; a warning where what was recorded needs attention), and
    `success_redirect(result)` is returned: by default a redirect to the result's
    `get_absolute_url()`.
    """

    def perform(self, form):
        raise NotImplementedError(f"{type(self).__name__} must say which service it calls")

    def success_message(self, result) -> str:
        return ""

    def message_level(self, result) -> int:
        return messages.SUCCESS

    def success_redirect(self, result):
        return redirect(result)

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        if message := self.success_message(result):
            messages.add_message(self.request, self.message_level(result), message)
        return self.success_redirect(result)


class ServiceActionMixin:
    """A one-button page action (POST only) whose write is one service call.

    Define `perform()`: call the service and return what it changed. A `ValidationError` it
    raises becomes an error message on the page the button was on (`refused_redirect()`, by
    default the acted-on object), having changed nothing; otherwise `success_message(result)`
    is flashed and the person goes to `result`. Combine with `ActOnObjectMixin`.
    """

    http_method_names = ["post"]

    def perform(self):
        raise NotImplementedError(f"{type(self).__name__} must say which service it calls")

    def success_message(self, result) -> str:
        return ""

    def refused_redirect(self):
        return redirect(self.acted_on())

    def post(self, request, *args, **kwargs):
        try:
            result = self.perform()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.refused_redirect()
        if message := self.success_message(result):
            messages.success(request, message)
        return redirect(result)
