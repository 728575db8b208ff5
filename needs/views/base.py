"""The needs board's object mixins, on the project's view bases
(`socialvalue.view_bases.ActOnObjectMixin`: the object through the person's queryset, a 404
for anything they may not see, then the view's rule, a 403)."""

from socialvalue.view_bases import ActOnObjectMixin


class NeedMixin(ActOnObjectMixin):
    """A need the person may see (`Need.objects.visible_to`)."""

    acted_on_name = "need"

    def get_acted_on_queryset(self):
        from ..models import Need

        return Need.objects.visible_to(self.request.user)


class PledgeMixin(ActOnObjectMixin):
    """A pledge the person may see (`Pledge.objects.visible_to`), with what its pages show."""

    acted_on_name = "pledge"

    def get_acted_on_queryset(self):
        from ..models import Pledge

        return (
            Pledge.objects.visible_to(self.request.user).for_list().select_related("need__measure")
        )
