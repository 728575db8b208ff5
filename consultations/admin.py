"""Admin for community voice. Nothing is deleted here: proposals are withdrawn or declined,
comments hidden, consultations closed, each through the app so the record stays whole."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Comment,
    Consultation,
    Option,
    Proposal,
    ProposalEvent,
    ProposalFile,
    Question,
    Response,
    SummaryEntry,
)


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ProposalEventInline(NoDeleteMixin, admin.TabularInline):
    model = ProposalEvent
    extra = 0
    fields = ["kind", "from_status", "to_status", "by", "by_organisation", "at", "public_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ProposalFileInline(NoDeleteMixin, admin.TabularInline):
    model = ProposalFile
    extra = 0
    fields = ["original_name", "kind", "size", "uploaded_at", "removed_at"]
    readonly_fields = ["original_name", "kind", "size", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "organisation", "place", "status", "submitted_at", "updated_at"]
    list_filter = ["status", "place"]
    search_fields = ["title", "problem", "organisation__name"]
    filter_horizontal = ["areas"]
    raw_id_fields = ["objective", "merged_into", "created_by"]
    # The status moves only through the app's services, which record who, when and why.
    readonly_fields = ["status", "status_changed_at", "submitted_at", "created_at", "updated_at"]
    inlines = [ProposalEventInline, ProposalFileInline]


@admin.register(Comment)
class CommentAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["proposal", "author", "is_answer", "created_at", "hidden_at"]
    list_filter = ["is_answer"]
    search_fields = ["body"]
    raw_id_fields = ["proposal", "reply_to", "author", "hidden_by"]


class QuestionInline(NoDeleteMixin, admin.StackedInline):
    model = Question
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "owner", "opens_on", "closes_on", "published_at", "closed_at"]
    list_filter = ["place", "owner"]
    search_fields = ["title", "purpose"]
    filter_horizontal = ["areas", "objectives"]
    raw_id_fields = ["created_by"]
    inlines = [QuestionInline]


@admin.register(Option)
class OptionAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["label", "question"]


@admin.register(Response)
class ResponseAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["consultation", "respondent_type", "area", "created_at"]
    list_filter = ["respondent_type"]
    raw_id_fields = ["user"]
    readonly_fields = ["ip_hash"]


@admin.register(SummaryEntry)
class SummaryEntryAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["consultation", "you_said"]
    raw_id_fields = ["objective", "proposal"]
