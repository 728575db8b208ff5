from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ArrangementMember,
    Assessment,
    Commitment,
    Contract,
    DeliveryReturn,
    Exemption,
    ExemptionThreshold,
    JointArrangement,
    KeyPerformanceIndicator,
    PerformanceAssessment,
    ReportingPeriod,
)


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Records that matter are closed, cancelled, withdrawn or superseded; never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(NoDeleteAdmin):
    list_display = ["reference", "title", "buyer", "stage", "s1_compliance", "estimated_value"]
    list_filter = ["stage", "s1_compliance", "category", "place"]
    search_fields = ["reference", "title", "ocid"]
    # Out of scope only by a confirmed exemption (services.exemption_confirm), never by a tick.
    readonly_fields = ["s1_compliance", "stage", "not_in_scope", "not_in_scope_reason"]
    filter_horizontal = ["joint_buyers", "areas", "subcontractors"]


@admin.register(Assessment)
class AssessmentAdmin(NoDeleteAdmin):
    list_display = ["contract", "version", "status", "author", "approved_by", "approved_at"]
    list_filter = ["status"]
    # Who wrote, submitted and signed off a version is the record of the second-person rule
    # (`contracts.signoff`): the admin shows it but cannot change it.
    readonly_fields = [
        "contract",
        "version",
        "author",
        "status",
        "submitted_at",
        "submitted_by",
        "approved_at",
        "approved_by",
    ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status in ("approved", "superseded"):
            return False  # the approved record is immutable
        return super().has_change_permission(request, obj)


@admin.register(Commitment)
class CommitmentAdmin(NoDeleteAdmin):
    list_display = ["contract", "delivered_by", "measure", "quantity", "area", "due_date"]
    readonly_fields = ["proxy_value", "proxy_source", "proxy_year"]


@admin.register(DeliveryReturn)
class DeliveryReturnAdmin(NoDeleteAdmin):
    list_display = ["commitment", "period", "quantity", "status", "submitted_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "decided_by", "decided_at", "version"]


admin.site.register(ReportingPeriod, NoDeleteAdmin)
admin.site.register(KeyPerformanceIndicator, NoDeleteAdmin)
admin.site.register(PerformanceAssessment, NoDeleteAdmin)


class ArrangementMemberInline(admin.TabularInline):
    """Who joined, and who confirmed it for their body: recorded by the pages, shown here."""

    model = ArrangementMember
    fk_name = "arrangement"
    extra = 0
    can_delete = False
    readonly_fields = [
        "organisation",
        "added_by",
        "added_at",
        "confirmed_by",
        "confirmed_at",
        "ended_by",
        "ended_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False  # a body joins through the pages, confirmed by its own admin


@admin.register(JointArrangement)
class JointArrangementAdmin(NoDeleteAdmin):
    list_display = ["name", "place", "recorded_by", "recorded_at", "ended_at"]
    list_filter = ["place"]
    readonly_fields = ["place", "recorded_by", "recorded_at", "ended_by", "ended_at"]
    inlines = [ArrangementMemberInline]

    def has_add_permission(self, request):
        return False  # recorded through the pages, by an admin of a member body


class ReadOnlyAdmin(NoDeleteAdmin):
    """Decisions made through the pages, under the sign-off rule: the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdmin):
    list_display = ["contract", "ground", "status", "proposed_by", "decided_by", "decided_at"]
    list_filter = ["status", "ground"]


@admin.register(ExemptionThreshold)
class ExemptionThresholdAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "value", "reference", "recorded_by", "recorded_at"]
