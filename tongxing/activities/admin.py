from django.contrib import admin

from tongxing.lib.admin import register_all

from .models import Activity, ActivityStaff, Attendance, Feedback, Group, MedicalAssessment, Training


class ActivityStaffInline(admin.TabularInline):
    model = ActivityStaff
    extra = 0
    raw_id_fields = ["staff"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["person"]


register_all([Group, Activity, MedicalAssessment, Feedback, Training], search=("external_id", "title"),
             inlines={Activity: [ActivityStaffInline, AttendanceInline]})
