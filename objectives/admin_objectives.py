"""Admin for objectives and targets. The same model rules apply here as in the app."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EvidenceLink, Objective, Target


class ObjectiveAdminForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = "__all__"  # noqa: DJ007 - the admin edits every field

    def clean(self):
        cleaned = super().clean()
        place, areas = cleaned.get("place"), cleaned.get("areas")
        if place and areas:
            outside = [a.name for a in areas if a.place_id != place.pk]
            if outside:
                self.add_error(
                    "areas", f"{', '.join(outside)} not in {place}. Choose areas in the same place"
                )
        return cleaned


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    can_delete = False
    fields = [
        "measure",
        "baseline",
        "baseline_date",
        "target_quantity",
        "target_date",
        "archived_at",
    ]
    autocomplete_fields = ["measure"]


class EvidenceLinkInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    form = ObjectiveAdminForm
    list_display = ["title", "place", "status", "priority", "lead_organisation", "updated_at"]
    list_filter = ["status", "priority", "place"]
    search_fields = ["title", "description"]
    filter_horizontal = ["areas", "partners"]
    readonly_fields = [
        "status_changed_at",
        "activated_at",
        "achieved_at",
        "retired_at",
        "created_at",
        "updated_at",
    ]
    inlines = [TargetInline, EvidenceLinkInline]

    def has_delete_permission(self, request, obj=None):
        return False  # retire instead: the register keeps its history


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["objective", "measure", "target_quantity", "target_date", "archived_at"]
    autocomplete_fields = ["measure", "objective"]
    search_fields = ["objective__title", "measure__code"]

    def has_delete_permission(self, request, obj=None):
        return False
