"""The named figures a KPI formula may use (seed 004), each with its label: the vocabulary of
`tongxing.prevention.kpi`. statistics.py computes them; Kpi.clean checks a formula names only these."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tongxing.activities.models import ActivityKind
from tongxing.cases.models import ReferralCategory

from .choices import CallerType, ConsultationCategory, PreReleaseKind, ServiceItem

# Contacts (seed 004 表一): the activity kinds that count as a visit, with the table's column names.
CONTACT_KINDS = (ActivityKind.PHONE, ActivityKind.HOME_VISIT, ActivityKind.INTERVIEW, ActivityKind.OTHER)
CONTACT_LABELS = {
    ActivityKind.PHONE: _("電訪 phone visit"), ActivityKind.HOME_VISIT: _("家訪 home visit"),
    ActivityKind.INTERVIEW: _("面談 face-to-face interview"),
    ActivityKind.OTHER: _("其他訪視（如轉介回覆）other (e.g. referral replies)"),
}


def _figure_names() -> dict[str, object]:
    return {
        "registered_cases": _("列管個案人數 registered cases"),
        "registered_male": _("男性個案 male"), "registered_female": _("女性個案 female"),
        "contacts": _("訪視人次 contacts"),
        **{f"contacts_{k}": CONTACT_LABELS[k] for k in CONTACT_KINDS},
        "referrals": _("轉介人次 referrals"),
        **{f"referrals_{k}": label for k, label in ReferralCategory.choices},
        "referrals_closed_loop": _("已有回覆的轉介 referrals with a reply"),
        "referrals_attended": _("轉介後已出席 referrals attended"),
        **{f"prerelease_{k}_{m}": format_lazy("{} {}", label, suffix) for k, label in PreReleaseKind.choices
           for m, suffix in (("sessions", "場次 sessions"), ("person_times", "人次 person-times"))},
        "lectures": _("講習場次 lectures"), "lecture_required": _("應出席人數 required to attend"),
        "lecture_attended": _("實際出席人數 attended"),
        "consultations": _("心靈諮詢人次 consultations"),
        "consultation_sessions": _("心靈諮詢場次 counselling-station sessions"),
        **{f"consultations_{k}": label for k, label in ConsultationCategory.choices},
        "hotline_calls": _("專線來電 hotline calls"),
        **{f"hotline_calls_{k}": label for k, label in CallerType.choices},
        "hotline_calls_client_family": _("個案及家屬來電 calls from clients and families"),
        "hotline_items": _("專線服務項次 hotline items"),
        **{f"hotline_items_{k}": label for k, label in ServiceItem.choices},
        "support_group_sessions": _("支持團體場次 support-group sessions"),
        "support_group_person_times": _("支持團體人次 support-group person-times"),
    }


#: Every name a KPI formula may use, with its label.
FIGURES = _figure_names()
