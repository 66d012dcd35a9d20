from django.contrib import admin

from tongxing.lib.admin import register_all

from .models import Enrolment, OutcomeIndicator, OutputIndicator, Programme, Project


class ProgrammeInline(admin.StackedInline):
    model = Programme
    extra = 0
    filter_horizontal = ["groups", "staff"]


class OutputInline(admin.StackedInline):
    model = OutputIndicator
    extra = 0


class OutcomeInline(admin.StackedInline):
    model = OutcomeIndicator
    extra = 0


register_all([Project, Programme, Enrolment], search=("code", "title", "name"), inlines={
    Project: [ProgrammeInline, OutputInline, OutcomeInline]})
