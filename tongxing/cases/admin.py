from django.contrib import admin

from tongxing.lib.admin import register_all

from .models import Approval, Case, CasePlan, Collaboration, Episode, Involvement, Referral


class EpisodeInline(admin.TabularInline):
    model = Episode
    extra = 0


register_all([Case, Episode, CasePlan, Approval, Involvement, Collaboration, Referral], inlines={Case: [EpisodeInline]})
