from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.organisations.models import Unit


class AgreedLevel(models.Model):
    """協定水平: the level a unit agreed for one standard in one financial year."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="agreed_levels")
    fy = models.PositiveSmallIntegerField(_("financial year"))
    standard = models.CharField(_("standard"), max_length=8)
    value = models.DecimalField(_("agreed level"), max_digits=12, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreed level")
        verbose_name_plural = _("agreed levels")
        ordering = ["unit", "fy", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "fy", "standard"], name="agreed_level_once")]

    def __str__(self):
        return f"FY{self.fy} {self.standard} = {self.value}"


class ConversionRoute(models.TextChoices):
    POST_SECONDARY = "post_secondary", _("post-secondary or vocational sessions")
    FAMILY_BRIEF = "family_brief", _("cases plus brief counselling")
    FAMILY_GROUP = "family_group", _("cases plus counselling groups")


class SchoolConversion(models.Model):
    """Schools reported as served by conversion in a year (DOMAIN.md "Schools (OS11)")."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="school_conversions")
    fy = models.PositiveSmallIntegerField(_("financial year"))
    route = models.CharField(_("route"), max_length=16, choices=ConversionRoute.choices)
    schools = models.PositiveIntegerField(_("number of schools"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school conversion")
        verbose_name_plural = _("school conversions")
        ordering = ["unit", "fy", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "fy", "route"], name="conversion_route_once"),
            models.CheckConstraint(condition=Q(schools__gte=0), name="conversion_schools_nonnegative"),
        ]

    def __str__(self):
        return f"FY{self.fy} {self.get_route_display()} × {self.schools}"
