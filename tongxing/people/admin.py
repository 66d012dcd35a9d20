from django.contrib import admin

from tongxing.lib.admin import register_all

from .models import Child, DrugUse, Person


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0


class DrugUseInline(admin.TabularInline):
    model = DrugUse
    extra = 0


register_all([Person], search=("external_id", "name", "name_en", "phone"),
             inlines={Person: [ChildInline, DrugUseInline]})
