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
    ActivityKind.PHONE: _("phone visit"), ActivityKind.HOME_VISIT: _("home visit"),
    ActivityKind.INTERVIEW: _("face-to-face interview"),
    ActivityKind.OTHER: _("other (e.g. referral replies)"),
}


def _figure_names() -> dict[str, object]:
    return {
        "registered_cases": _("registered cases"),
        "registered_male": _("male cases"), "registered_female": _("female cases"),
        "contacts": _("contacts"),
        **{f"contacts_{k}": CONTACT_LABELS[k] for k in CONTACT_KINDS},
        "referrals": _("referral person-times"),
        **{f"referrals_{k}": label for k, label in ReferralCategory.choices},
        "referrals_closed_loop": _("referrals with a reply"),
        "referrals_attended": _("referrals attended"),
        **{f"prerelease_{k}_{m}": format_lazy("{} {}", label, suffix) for k, label in PreReleaseKind.choices
           for m, suffix in (("sessions", _("sessions")), ("person_times", _("attendances")))},
        "lectures": _("lectures"), "lecture_required": _("required to attend"),
        "lecture_attended": _("number attending"),
        "consultations": _("consultations"),
        "consultation_sessions": _("counselling-station sessions"),
        **{f"consultations_{k}": label for k, label in ConsultationCategory.choices},
        "hotline_calls": _("hotline calls"),
        **{f"hotline_calls_{k}": label for k, label in CallerType.choices},
        "hotline_calls_client_family": _("calls from clients and families"),
        "hotline_items": _("hotline items"),
        **{f"hotline_items_{k}": label for k, label in ServiceItem.choices},
        "support_group_sessions": _("support-group sessions"),
        "support_group_person_times": _("support-group person-times"),
    }


#: Every name a KPI formula may use, with its label.
FIGURES = _figure_names()
