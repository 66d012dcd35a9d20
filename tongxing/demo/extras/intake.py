"""Intake details on most case clients: a district of the unit's region with an address in it, education,
employment and an emergency contact (issue 19). Family members and people served without a case file keep the
bare record a walk-in gives.
"""

from __future__ import annotations

from tongxing.organisations.models import Region
from tongxing.people.models import Education, Employment, Relationship
from tongxing.people.services import update_person

from .base import ExtrasBase

# district -> streets and estates where a centre's clients live
STREETS = {
    Region.HONG_KONG: {
        "hk_kwun_tong": ["九龍觀塘翠屏邨翠楠樓", "九龍觀塘秀茂坪邨秀明樓", "九龍牛頭角彩德邨德雅樓"],
        "hk_wong_tai_sin": ["九龍黃大仙下邨龍廣樓", "九龍慈雲山慈正邨正安樓"],
        "hk_sham_shui_po": ["九龍深水埗北河街", "九龍長沙灣蘇屋邨彩雀樓", "九龍深水埗福華街"],
        "hk_yau_tsim_mong": ["九龍油麻地上海街", "九龍旺角砵蘭街"],
        "hk_kwai_tsing": ["新界葵涌石蔭邨石美樓", "新界青衣長青邨青桃樓"],
        "hk_tuen_mun": ["新界屯門大興邨興輝樓", "新界屯門友愛邨愛德樓"],
        "hk_yuen_long": ["新界天水圍天耀邨耀盛樓", "新界元朗朗屏邨玉屏樓"],
        "hk_sha_tin": ["新界沙田禾輋邨豐和樓"],
        "hk_eastern": ["香港柴灣興華二邨和興樓"],
    },
    Region.TAIWAN: {
        "tw_kaohsiung": ["高雄市前鎮區瑞隆路", "高雄市三民區建國二路", "高雄市苓雅區三多一路"],
        "tw_pingtung": ["屏東縣屏東市民生路"],
        "tw_tainan": ["臺南市永康區中華路"],
    },
}
CONTACT_NAMES = ["陳太", "李先生", "黃美玲", "張志強", "何嘉欣", "林淑芬", "吳家豪"]
EDUCATION = {Education.PRIMARY: 1, Education.LOWER_SECONDARY: 4, Education.UPPER_SECONDARY: 4,
             Education.POST_SECONDARY: 1}
EMPLOYMENT = {Employment.UNEMPLOYED: 5, Employment.PART_TIME: 3, Employment.FULL_TIME: 2, Employment.STUDENT: 1,
              Employment.HOMEMAKER: 1}
RELATIONSHIP = {Relationship.PARENT: 5, Relationship.SPOUSE: 2, Relationship.SIBLING: 2, Relationship.FRIEND: 1}


class IntakeExtras(ExtrasBase):
    def intake(self):
        """About four in five case clients have their intake recorded, by their case's worker (audited)."""
        streets = STREETS.get(self.unit.region)
        if not streets:
            return
        done = set()
        for case in self.psa_cases():
            client = case.client
            if client.pk in done or self.rng.random() < 0.2:
                continue
            done.add(client.pk)
            district = self.rng.choice(list(streets))
            has_contact = self.rng.random() < 0.85
            data = {
                "district": district,
                "address": f"{self.rng.choice(streets[district])} {self.rng.randint(2, 38)} 樓 "
                           f"{self.rng.randint(1, 28):02d} 室" if self.rng.random() < 0.9 else "",
                "education": self.weighted(EDUCATION), "employment": self.weighted(EMPLOYMENT),
                "emergency_name": self.rng.choice(CONTACT_NAMES) if has_contact else "",
                "emergency_relationship": self.weighted(RELATIONSHIP) if has_contact else "",
                "emergency_phone": self.phone() if has_contact else "",
            }
            update_person(client, data=data, user=self.by_worker(case))

    def phone(self) -> str:
        if self.unit.region == Region.TAIWAN:
            return f"09{self.rng.randint(10, 99)}-{self.rng.randint(0, 999):03d}-{self.rng.randint(0, 999):03d}"
        return f"{self.rng.choice('5679')}{self.rng.randint(0, 999):03d} {self.rng.randint(0, 9999):04d}"
