"""Frameworks in the Django admin: with history, and never deleted (retire them instead).

Objectives, targets and evidence links are registered in admin_objectives.py.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Framework, Measure, Outcome, Theme


class NoDeleteHistoryAdmin(SimpleHistoryAdmin):
    """History on every change, no change to a retired framework, and no delete: frameworks and
    measures are retired, so every target and commitment that used them keeps its meaning."""

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        """A retired framework is frozen: it and everything in it can be viewed, not changed."""
        framework = obj if isinstance(obj, Framework) else getattr(obj, "framework", None)
        if framework is not None and framework.is_retired:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Framework)
class FrameworkAdmin(NoDeleteHistoryAdmin):
    list_display = ["name", "version", "place", "status", "licence"]
    list_filter = ["status", "place"]
    search_fields = ["name", "version", "description"]
    readonly_fields = ["created_at", "created_by", "retired_at"]
    list_select_related = ["place"]


@admin.register(Theme)
class ThemeAdmin(NoDeleteHistoryAdmin):
    list_display = ["name", "code", "framework", "position"]
    list_filter = ["framework"]
    search_fields = ["name", "code"]
    list_select_related = ["framework"]


@admin.register(Outcome)
class OutcomeAdmin(NoDeleteHistoryAdmin):
    list_display = ["name", "code", "theme", "framework", "economic", "social", "environmental"]
    list_filter = ["framework", "economic", "social", "environmental"]
    search_fields = ["name", "code", "description"]
    readonly_fields = ["framework"]
    list_select_related = ["theme", "framework"]


@admin.register(Measure)
class MeasureAdmin(NoDeleteHistoryAdmin):
    list_display = ["code", "name", "unit", "proxy_value", "proxy_year", "framework", "retired_at"]
    list_filter = ["framework", "retired_at"]
    search_fields = ["code", "name", "guidance"]
    readonly_fields = ["framework"]
    list_select_related = ["framework"]
