from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.organisations.models import Region, Unit


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


class District(models.TextChoices):
    """Where a person lives: Hong Kong's 18 districts and Taiwan's 22 counties and cities (a unit is offered its own
    region's, `DISTRICTS_BY_REGION`)."""

    HK_CENTRAL_WESTERN = "hk_central_western", _("Central and Western")
    HK_WAN_CHAI = "hk_wan_chai", _("Wan Chai")
    HK_EASTERN = "hk_eastern", _("Eastern")
    HK_SOUTHERN = "hk_southern", _("Southern")
    HK_YAU_TSIM_MONG = "hk_yau_tsim_mong", _("Yau Tsim Mong")
    HK_SHAM_SHUI_PO = "hk_sham_shui_po", _("Sham Shui Po")
    HK_KOWLOON_CITY = "hk_kowloon_city", _("Kowloon City")
    HK_WONG_TAI_SIN = "hk_wong_tai_sin", _("Wong Tai Sin")
    HK_KWUN_TONG = "hk_kwun_tong", _("Kwun Tong")
    HK_KWAI_TSING = "hk_kwai_tsing", _("Kwai Tsing")
    HK_TSUEN_WAN = "hk_tsuen_wan", _("Tsuen Wan")
    HK_TUEN_MUN = "hk_tuen_mun", _("Tuen Mun")
    HK_YUEN_LONG = "hk_yuen_long", _("Yuen Long")
    HK_NORTH = "hk_north", _("North")
    HK_TAI_PO = "hk_tai_po", _("Tai Po")
    HK_SHA_TIN = "hk_sha_tin", _("Sha Tin")
    HK_SAI_KUNG = "hk_sai_kung", _("Sai Kung")
    HK_ISLANDS = "hk_islands", _("Islands")
    TW_TAIPEI = "tw_taipei", _("Taipei City")
    TW_NEW_TAIPEI = "tw_new_taipei", _("New Taipei City")
    TW_TAOYUAN = "tw_taoyuan", _("Taoyuan City")
    TW_TAICHUNG = "tw_taichung", _("Taichung City")
    TW_TAINAN = "tw_tainan", _("Tainan City")
    TW_KAOHSIUNG = "tw_kaohsiung", _("Kaohsiung City")
    TW_KEELUNG = "tw_keelung", _("Keelung City")
    TW_HSINCHU_CITY = "tw_hsinchu_city", _("Hsinchu City")
    TW_CHIAYI_CITY = "tw_chiayi_city", _("Chiayi City")
    TW_HSINCHU_COUNTY = "tw_hsinchu_county", _("Hsinchu County")
    TW_MIAOLI = "tw_miaoli", _("Miaoli County")
    TW_CHANGHUA = "tw_changhua", _("Changhua County")
    TW_NANTOU = "tw_nantou", _("Nantou County")
    TW_YUNLIN = "tw_yunlin", _("Yunlin County")
    TW_CHIAYI_COUNTY = "tw_chiayi_county", _("Chiayi County")
    TW_PINGTUNG = "tw_pingtung", _("Pingtung County")
    TW_YILAN = "tw_yilan", _("Yilan County")
    TW_HUALIEN = "tw_hualien", _("Hualien County")
    TW_TAITUNG = "tw_taitung", _("Taitung County")
    TW_PENGHU = "tw_penghu", _("Penghu County")
    TW_KINMEN = "tw_kinmen", _("Kinmen County")
    TW_LIENCHIANG = "tw_lienchiang", _("Lienchiang County")


#: The districts a unit of each region records; a region without a list (Macao) records none.
DISTRICTS_BY_REGION = {
    Region.HONG_KONG: tuple(d for d in District if d.value.startswith("hk_")),
    Region.TAIWAN: tuple(d for d in District if d.value.startswith("tw_")),
}


def districts_for(unit) -> tuple:
    return DISTRICTS_BY_REGION.get(unit.region, ())


class Education(models.TextChoices):
    """Highest level of education completed (Hong Kong forms / Taiwan grades in brackets)."""

    NONE = "none", _("no schooling / kindergarten")
    PRIMARY = "primary", _("primary")
    LOWER_SECONDARY = "lower_secondary", _("lower secondary (S1–S3 / junior high)")
    UPPER_SECONDARY = "upper_secondary", _("upper secondary (S4–S6 / senior or vocational high)")
    POST_SECONDARY = "post_secondary", _("post-secondary (diploma, associate degree, junior college)")
    DEGREE = "degree", _("bachelor's degree or above")


class Employment(models.TextChoices):
    """Employment status at intake."""

    FULL_TIME = "full_time", _("employed full-time")
    PART_TIME = "part_time", _("employed part-time / casual")
    UNEMPLOYED = "unemployed", _("unemployed")
    STUDENT = "student", _("student")
    HOMEMAKER = "homemaker", _("keeping house")
    RETIRED = "retired", _("retired")
    UNABLE = "unable", _("unable to work (illness or disability)")
    OTHER = "other", _("other")


class Relationship(models.TextChoices):
    """The emergency contact's relationship to the person."""

    PARENT = "parent", _("parent")
    SPOUSE = "spouse", _("spouse / partner")
    SIBLING = "sibling", _("brother / sister")
    CHILD = "child", _("son / daughter")
    RELATIVE = "relative", _("other relative")
    FRIEND = "friend", _("friend")
    OTHER = "other", _("other")


#: Intake fields that locate or reach the person through others: kept out of de-identified files, of the audit
#: trail's values and of search, as the name is.
CONTACT_FIELDS = ("address", "emergency_name", "emergency_phone")
EMERGENCY_FIELDS = ("emergency_name", "emergency_relationship", "emergency_phone")
INTAKE_FIELDS = ("district", "address", "education", "employment", "emergency_name", "emergency_relationship",
                 "emergency_phone")


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
    # Intake (issue 19)
    district = models.CharField(_("district"), max_length=32, choices=District.choices, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    education = models.CharField(_("education level"), max_length=32, choices=Education.choices, blank=True)
    employment = models.CharField(_("employment status"), max_length=32, choices=Employment.choices, blank=True)
    emergency_name = models.CharField(_("emergency contact"), max_length=200, blank=True)
    emergency_relationship = models.CharField(_("relationship to the person"), max_length=16, choices=Relationship.choices,
                                              blank=True)
    emergency_phone = models.CharField(_("emergency contact's phone"), max_length=32, blank=True)
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
