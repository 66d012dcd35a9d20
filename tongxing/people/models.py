from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.organisations.models import Unit


class Sex(models.TextChoices):
    FEMALE = "F", _("女 female")
    MALE = "M", _("男 male")
    OTHER = "X", _("其他 other")


class Channel(models.TextChoices):
    """How a PSA was first identified (OS2: the first four are proactive)."""

    OUTREACH = "outreach", _("外展 outreach")
    FRIENDS_FAMILY = "friends_family", _("親友介紹 introduced by friends/family")
    PUBLICITY = "publicity", _("宣傳 advertising/publicity")
    SOCIAL_MEDIA = "social_media", _("社交媒體／互聯網 social media/internet")
    PROFESSIONAL_REFERRAL = "professional_referral", _("專業人士轉介 professional referral")
    COMMUNITY_REFERRAL = "community_referral", _("社區人士轉介 community referral")
    SELF = "self", _("自行求助 self")


PROACTIVE_CHANNELS = (Channel.OUTREACH, Channel.FRIENDS_FAMILY, Channel.PUBLICITY, Channel.SOCIAL_MEDIA)


class Drug(models.TextChoices):
    KETAMINE = "ketamine", _("氯胺酮 ketamine")
    METHAMPHETAMINE = "methamphetamine", _("冰毒 methamphetamine")
    CANNABIS = "cannabis", _("大麻 cannabis")
    COCAINE = "cocaine", _("可卡因 cocaine")
    HEROIN = "heroin", _("海洛英 heroin")
    OTHER = "other", _("其他 other")


class Person(models.Model):
    """One record per human (DOMAIN.md "each PSA is counted once")."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="people")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    reference = models.CharField(_("檔案編號 reference number"), max_length=32, blank=True, db_index=True,
                                 help_text=_("中心的檔案編號 the centre's file number"))
    name = models.CharField(_("姓名 name"), max_length=200, blank=True)
    name_en = models.CharField(_("英文姓名 English name"), max_length=200, blank=True)
    phone = models.CharField(_("電話 phone"), max_length=32, blank=True)
    sex = models.CharField(_("性別 sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期 birth date"), null=True, blank=True)
    pregnant = models.BooleanField(_("懷孕 pregnant"), null=True, blank=True)
    identified_on = models.DateField(_("首次識別日期 first identified on"), null=True, blank=True)
    identification_channel = models.CharField(_("識別途徑 identification channel"), max_length=32,
                                              choices=Channel.choices, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_from", verbose_name=_("已合併至 merged into"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人士 person")
        verbose_name_plural = _("人士 people")
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
    birth_date = models.DateField(_("出生日期 birth date"))
    carer = models.CharField(_("照顧安排 care arrangement"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("子女 child")
        verbose_name_plural = _("子女 children")

    def __str__(self):
        return str(self.birth_date)


class DrugUse(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="drug_use")
    drug = models.CharField(_("藥物 drug"), max_length=32, choices=Drug.choices)
    last_used = models.DateField(_("最後使用 last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("吸毒紀錄 drug use")
        verbose_name_plural = _("吸毒紀錄 drug use")

    def __str__(self):
        return self.get_drug_display()
