from django.contrib import admin

from .models import PublishedFile


@admin.register(PublishedFile)
class PublishedFileAdmin(admin.ModelAdmin):
    list_display = ("place", "kind", "built_at", "build_seconds", "size", "sha256")
    readonly_fields = [f.name for f in PublishedFile._meta.fields]

    def has_add_permission(self, request):
        return False
