from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tongxing.audit.models import Action
from tongxing.audit.services import record


class AuditedAdminMixin:
    """Admin changes go into the audit trail too, in the same transaction as the change."""

    def log_addition(self, request, obj, message):
        record(Action.CREATE, request=request, obj=obj, summary=f"admin: {obj}"[:300])
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record(Action.CHANGE, request=request, obj=obj, summary=f"admin: {obj}"[:300], changes={"admin": message})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record(Action.DELETE, request=request, obj=obj, summary=f"admin: {obj}"[:300])
        return super().log_deletions(request, queryset)


def register_all(app_models, *, search=("external_id",), inlines=None):
    """Register each model with a readable list; models with history get the history view."""
    inlines = inlines or {}
    for model in app_models:
        fields = [f.name for f in model._meta.concrete_fields if f.name != "id"][:7]
        base = SimpleHistoryAdmin if hasattr(model, "history") else admin.ModelAdmin
        searchable = [s for s in search if s in {f.name for f in model._meta.concrete_fields}]
        attrs = {
            "list_display": ["__str__", *fields[:6]],
            "search_fields": searchable,
            "list_filter": [f.name for f in model._meta.concrete_fields
                            if f.choices or f.get_internal_type() == "BooleanField"][:4],
            "list_select_related": True,
            "inlines": inlines.get(model, []),
            "raw_id_fields": [f.name for f in model._meta.concrete_fields if f.is_relation and f.name != "unit"],
        }
        admin.site.register(model, type(f"{model.__name__}Admin", (AuditedAdminMixin, base), attrs))
