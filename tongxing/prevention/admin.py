from django.contrib import admin

from tongxing.lib.admin import register_all

from .models import Consultation, HotlineCall, HotlineItem, Institution, Kpi, Lecture, PreReleaseSession


class HotlineItemInline(admin.TabularInline):
    model = HotlineItem
    extra = 2


class ConsultationInline(admin.TabularInline):
    model = Consultation
    extra = 3


register_all([Institution, PreReleaseSession, Lecture, Consultation, HotlineCall, Kpi], search=("name", "title"),
             inlines={HotlineCall: [HotlineItemInline], Lecture: [ConsultationInline]})
