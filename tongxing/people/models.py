from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.organisations.models import Unit


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")
    OTHER = "X", _("other")


class Channel(models.TextChoices):
    """How a PSA was first identified (OS2: the first four are proactive)."""

    OUTREACH = "outreach", _("outreach")
    FRIENDS_FAMILY = "friends_family", _("introduced by friends/family")
    PUBLICITY = "publicity", _("advertising/publicity")
    SOCIAL_MEDIA = "social_media", _("social media/internet")
    PROFESSIONAL_REFERRAL = "professional_referral", _("professional referral")
    COMMUNITY_REFERRAL = "community_referral", _("community referral")
    SELF = "self", _("self")


PROACTIVE_CHANNELS = (Channel.OUTREACH, Channel.FRIENDS_FAMILY, Channel.PUBLICITY, Channel.SOCIAL_MEDIA)


class Drug(models.TextChoices):
    KETAMINE = "ketamine", _("ketamine")
    METHAMPHETAMINE = "methamphetamine", _("methamphetamine")
    CANNABIS = "cannabis", _("cannabis")
    COCAINE = "cocaine", _("cocaine")
    HEROIN = "heroin", _("heroin")
    OTHER = "other", _("other")


class Person(models.Model):
    """One record per human (DOMAIN.md "each PSA is counted once")."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="people")
    external_id = models.CharField(_("external id"), max_length=64)
    reference = models.CharField(_("reference number"), max_length=32, blank=True, db_index=True,
                                 help_text=_("the centre's file number"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    name_en = models.CharField(_("English full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    pregnant = models.BooleanField(_("pregnant"), null=True, blank=True)
    identified_on = models.DateField(_("first identified on"), null=True, blank=True)
    identification_channel = models.CharField(_("identification channel"), max_length=32,
                                              choices=Channel.choices, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_from", verbose_name=_("merged into"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(fields=["unit", "external_id"], name="person_external_id_unique"),
            models.CheckConstraint(
                condition=Q(identified_on__isnull=True, identification_channel="")
                | Q(identified_on__isnull=False) & ~Q(identification_channel=""),
                name="person_identification_complete",
            ),
        ]

    def __str__(self):
        return self.name or self.external_id


class Child(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="children")
    birth_date = models.DateField(_("birth date"))
    carer = models.CharField(_("care arrangement"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self):
        return str(self.birth_date)


class DrugUse(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="drug_use")
    drug = models.CharField(_("drug"), max_length=32, choices=Drug.choices)
    last_used = models.DateField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("drug use history")
        verbose_name_plural = _("drug use history")

    def __str__(self):
        return self.get_drug_display()
