"""The prevention centre's categories (seed 004): pre-release counselling kinds, counselling-station and hotline
categories, callers, and how a KPI compares with its target. Apart from the models so that the named figures
(figures.py) can label themselves without importing the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PreReleaseKind(models.TextChoices):
    GROUP = "group", _("團體輔導 group counselling")
    INDIVIDUAL = "individual", _("個別輔導 individual counselling")
    FAMILY_MEETING = "family_meeting", _("懇親會 family meeting")


class ConsultationCategory(models.TextChoices):
    """The columns of seed 004 表三, in its order (其他 last: it absorbs the rounding)."""

    FAMILY = "family", _("家庭 family")
    WORK = "work", _("工作 work")
    SELF_EXPLORATION = "self_exploration", _("自我探索 self-exploration")
    RELATIONSHIP = "relationship", _("感情（婚姻）relationship/marriage")
    PHYSICAL_HEALTH = "physical_health", _("身體狀況 physical health")
    LEGAL = "legal", _("官司 legal")
    OTHER = "other", _("其他 other")


class CallerType(models.TextChoices):
    CLIENT = "client", _("個案 client")
    FAMILY = "family", _("家屬 family")
    OTHER = "other", _("其他 other")


class ServiceItem(models.TextChoices):
    """Items of service given on a hotline call; seed 004 names the two largest (心理支持, 講習)."""

    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("心理支持 psychological support")
    LECTURE_ENQUIRY = "lecture_enquiry", _("第三、四級毒品危害講習 lecture enquiries")
    TREATMENT = "treatment", _("醫療戒治 medical treatment")
    LEGAL = "legal", _("法律諮詢 legal advice")
    WELFARE = "welfare", _("社會福利 social welfare")
    EMPLOYMENT = "employment", _("就業 employment")
    OTHER = "other", _("其他 other")


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("不低於 at least")
    AT_MOST = "at_most", _("不高於 at most")
