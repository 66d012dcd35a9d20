from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the trail is changed by nobody, through no screen."""

    list_display = ["at", "username", "action", "object_type", "object_id", "unit_code", "summary", "ip"]
    list_filter = ["action", "object_type", "unit_code"]
    search_fields = ["username", "object_id", "summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
