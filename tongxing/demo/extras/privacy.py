"""Consents (one revoked, one expired) and the disclosures that relied on them.
"""

from __future__ import annotations

import datetime as dt

from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.exchange.registry import link_agencies
from tongxing.organisations.models import Agency
from tongxing.privacy.models import Consent, Disclosure

from ..vocabulary import REFERRAL_AGENCIES
from .base import ExtrasBase

CONSENT_RECIPIENTS = [
    ("醫院管理局物質誤用診所", "個案摘要、吸毒史及尿液測試結果", "轉介及協調戒毒醫療跟進"),
    ("感化辦事處", "出席紀錄及戒毒進度", "配合感化令要求作報告"),
    ("社會福利署綜合家庭服務中心", "家庭狀況及子女照顧安排", "共同制定子女照顧計劃"),
    ("戒毒康復中途宿舍", "個案摘要及健康狀況", "申請入住中途宿舍"),
    ("勞工處就業中心", "就業意向及工作經驗", "轉介就業支援"),
]
LEGAL_BASIS = "法庭命令：區域法院要求提交戒毒進度報告"


class PrivacyExtras(ExtrasBase):
    def agencies(self):
        """The unit's agency list, which the referral and consent forms choose from: every agency the demo's
        referrals and consents name, each referral and consent linked to its agency."""
        for name in sorted({name for names in REFERRAL_AGENCIES.values() for name in names}):
            agency = Agency.objects.create(unit=self.unit, name=name)
            record(Action.CREATE, user=self.by, obj=agency, unit_code=self.unit.code, summary=f"agency {name}")
        link_agencies(self.unit)

    def privacy(self):
        """Consents (one revoked, one expired) and the disclosures that relied on them, the demo worker's
        clients first; one disclosure rests on a court order instead of consent."""
        for n, case in enumerate(self.psa_cases()[:8]):
            user = self.by_worker(case)
            recipient, information, purpose = CONSENT_RECIPIENTS[n % len(CONSENT_RECIPIENTS)]
            given = self.day_between(self.start, self.today - dt.timedelta(days=60))
            expires = given + dt.timedelta(days=365) if n != 5 else given + dt.timedelta(days=30)
            consent = Consent(person=case.client, recipient=recipient, information=information, purpose=purpose,
                              given_on=given, expires_on=expires, recorded_by=user,
                              revoked_on=given + dt.timedelta(days=40) if n == 3 else None)
            consent.full_clean()
            consent.save()
            record(Action.CREATE, user=user, obj=consent, unit_code=self.unit.code, summary=f"consent to {recipient}")
            if n % 2 == 0:
                self.disclose(case.client, user, consent=consent, at=given + dt.timedelta(days=self.rng.randint(3, 25)),
                              recipient=recipient, information=information, purpose=purpose, channel="referral")
            if n == 1:
                self.disclose(case.client, user, at=self.today - dt.timedelta(days=12), recipient="區域法院",
                              information="戒毒進度報告", purpose="法庭審理案件需要", channel="report",
                              legal_basis=LEGAL_BASIS)

    def disclose(self, person, user, *, at: dt.date, consent=None, legal_basis="", **details):
        """Like privacy.services.disclose, but dated in the past: the demo's history."""
        when = dt.datetime.combine(at, dt.time(15, 30), tzinfo=self.tz)
        Disclosure.objects.create(person=person, at=when, consent=consent, legal_basis=legal_basis, by=user,
                                  **details)
        record(Action.DISCLOSE, user=user, obj=person, summary=f"{details['channel']} → {details['recipient']}: "
               f"{details['information']}", changes={"consent": consent.pk if consent else None,
                                                     "legal_basis": legal_basis})
