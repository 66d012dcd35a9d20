from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


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
        admin.site.register(model, type(f"{model.__name__}Admin", (base,), attrs))
