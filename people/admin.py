from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Invitation, LoginFailure, Membership, Organisation, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal details", {"fields": ["full_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    fields = ["user", "role", "job_title", "started_at", "ended_at"]
    autocomplete_fields = ["user"]
    can_delete = False


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "place",
        "size",
        "is_vcse",
        "status_confirmed_at",
        "archived_at",
    ]
    list_filter = ["kind", "place", "is_vcse"]
    # What an officer confirmed is set only by confirming it on the organisation's page; a size
    # or VCSE status changed here no longer matches it, so it is self-declared again.
    readonly_fields = [
        "confirmed_size",
        "confirmed_is_vcse",
        "status_confirmed_at",
        "status_confirmed_by",
    ]
    search_fields = ["name", "identifier"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: history must survive


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "started_at", "ended_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def has_delete_permission(self, request, obj=None):
        return False  # end the membership instead


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = [
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    readonly_fields = ["token_hash", "accepted_at", "accepted_by"]
    search_fields = ["email", "organisation__name"]

    def has_add_permission(self, request):
        return False  # invitations are sent from the organisation's page, which emails the link


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["kind", "email", "ip_address", "at"]
    list_filter = ["kind"]
    search_fields = ["email", "ip_address"]
