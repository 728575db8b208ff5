"""Admin for the needs board: read-only. Needs and pledges change only through the app's
services (the life cycle, moderation, receipt and its return), so the record stays whole."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Need, NeedStep, Pledge, PledgeMessage


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NeedStepInline(ReadOnlyMixin, admin.TabularInline):
    model = NeedStep
    extra = 0
    fields = ["kind", "from_status", "to_status", "by", "at", "note"]
    readonly_fields = fields


@admin.register(Need)
class NeedAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["title", "group", "kind", "status", "needed_by", "hidden_at"]
    list_filter = ["status", "kind", "place"]
    search_fields = ["title", "group__name"]
    inlines = [NeedStepInline]


class PledgeMessageInline(ReadOnlyMixin, admin.TabularInline):
    model = PledgeMessage
    extra = 0
    fields = ["author", "organisation", "body", "sent_at"]
    readonly_fields = fields


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["need", "organisation", "status", "quantity", "commitment", "delivery_return"]
    list_filter = ["status"]
    search_fields = ["need__title", "organisation__name"]
    inlines = [PledgeMessageInline]
