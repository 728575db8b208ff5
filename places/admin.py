from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Area, Place


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "gss_code", "gss_year", "two_factor_required"]
    list_filter = ["two_factor_required"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "gss_code"]


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "place", "parent", "gss_code", "gss_year", "archived_at"]
    list_filter = ["kind", "place"]
    search_fields = ["name", "gss_code"]
    filter_horizontal = ["wards"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        """Through the service, so the area's path (and a moved subtree's) is kept; the shapes
        it affected before the edit are noted for `save_related`."""
        obj._history_user = request.user
        request.area_shapes_before = services.area_shapes_before_edit(obj) if change else []
        services.area_save(obj)

    def save_related(self, request, form, formsets, change):
        """After the wards are saved: the derived shapes the area affected where it was, and
        affects where it is now, are drawn again (as `services.area_update` does)."""
        super().save_related(request, form, formsets, change)
        services.area_shapes_after_edit(
            area=form.instance, before=getattr(request, "area_shapes_before", [])
        )

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: objectives and contracts point at areas
