"""The prevention centre's categories (seed 004): pre-release counselling kinds, counselling-station and hotline
categories, callers, and how a KPI compares with its target. Apart from the models so that the named figures
(figures.py) can label themselves without importing the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PreReleaseKind(models.TextChoices):
    GROUP = "group", _("group counselling")
    INDIVIDUAL = "individual", _("individual counselling")
    FAMILY_MEETING = "family_meeting", _("family meeting")


class ConsultationCategory(models.TextChoices):
    """The columns of seed 004 表三, in its order (其他 last: it absorbs the rounding)."""

    FAMILY = "family", _("household")
    WORK = "work", _("work")
    SELF_EXPLORATION = "self_exploration", _("self-exploration")
    RELATIONSHIP = "relationship", _("relationship/marriage")
    PHYSICAL_HEALTH = "physical_health", _("physical health")
    LEGAL = "legal", _("legal")
    OTHER = "other", _("other")


class CallerType(models.TextChoices):
    CLIENT = "client", _("client case")
    FAMILY = "family", _("relative")
    OTHER = "other", _("other")


class ServiceItem(models.TextChoices):
    """Items of service given on a hotline call; seed 004 names the two largest (心理支持, 講習)."""

    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("psychological support")
    LECTURE_ENQUIRY = "lecture_enquiry", _("lecture enquiries")
    TREATMENT = "treatment", _("medical treatment")
    LEGAL = "legal", _("legal advice")
    WELFARE = "welfare", _("social welfare")
    EMPLOYMENT = "employment", _("employment")
    OTHER = "other", _("other")


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")
