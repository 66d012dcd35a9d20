from django.contrib import admin

from tongxing.lib.admin import register_all

from .models import Establishment, OpeningHours, Organisation, School, Staff, StaffRole, Unit, Workplace


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0


register_all([Organisation, Unit, Staff, Establishment, School, Workplace], search=("code", "name", "external_id"),
             inlines={Unit: [OpeningHoursInline], Staff: [StaffRoleInline]})
