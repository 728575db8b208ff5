from django.db import models
from django.db.models import Q


class AreaQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)

    def within(self, area):
        """The area itself and every area below it.

        For a council grouping, that is its wards and everything below them.
        """
        if area.kind == area.Kind.GROUPING:
            ward_paths = list(area.wards.values_list("path", flat=True))
            condition = Q(pk=area.pk)
            for path in ward_paths:
                condition |= Q(path__startswith=path)
            return self.filter(condition)
        return self.filter(path__startswith=area.path)

    def for_tree(self):
        return self.select_related("parent").order_by("path")
