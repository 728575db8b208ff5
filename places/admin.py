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
        """Through the service, so the area's path (and a moved subtree's) is kept."""
        obj._history_user = request.user
        services.area_save(obj)

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: objectives and contracts point at areas
