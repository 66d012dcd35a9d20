from django.contrib import admin

from tongxing.lib.admin import register_all

from .models import Administration, Answer, Band, Instrument, Item, Option, Scale, Subscale


class ScaleInline(admin.TabularInline):
    model = Scale
    extra = 0


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0


class SubscaleInline(admin.TabularInline):
    model = Subscale
    extra = 0


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    raw_id_fields = ["item"]


register_all([Instrument, Scale, Administration], search=("code", "name"), inlines={
    Instrument: [ScaleInline, SubscaleInline, ItemInline, BandInline], Scale: [OptionInline],
    Administration: [AnswerInline]})
