"""The two view bases of the needs board: load the object through the person's queryset (a
404 for anything they may not see), check the named rule (403), and call one service, putting
its ValidationError on the form."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

from socialvalue.forms import apply_validation_error
from socialvalue.rules import allowed


class ObjectRuleMixin:
    """`queryset_for(user)` narrows to what the person may see; `permission_rule` is asked
    about the object."""

    permission_rule = ""
    context_name = "object"

    def queryset_for(self, user):
        raise NotImplementedError

    def get_target(self):
        if not hasattr(self, "_target"):
            self._target = get_object_or_404(
                self.queryset_for(self.request.user), pk=self.kwargs["pk"]
            )
        return self._target

    def dispatch(self, request, *args, **kwargs):
        self.request, self.kwargs = request, kwargs
        if not self.permission_rule:
            raise PermissionDenied
        if not allowed(request.user, self.permission_rule, self.get_target()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), self.context_name: self.get_target()}


class ServiceFormView(ObjectRuleMixin, FormView):
    """`service(form)` does the write and returns what to redirect to."""

    def service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            done = self.service(form)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(done)


class NeedMixin(ObjectRuleMixin):
    """A need the person may see (`Need.objects.visible_to`)."""

    context_name = "need"

    def queryset_for(self, user):
        from ..models import Need

        return Need.objects.visible_to(user)


class PledgeMixin(ObjectRuleMixin):
    """A pledge the person may see (`Pledge.objects.visible_to`), with what its pages show."""

    context_name = "pledge"

    def queryset_for(self, user):
        from ..models import Pledge

        return Pledge.objects.visible_to(user).for_list().select_related("need__measure")
