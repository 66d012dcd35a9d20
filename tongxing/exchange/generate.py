"""Synthetic exchange documents (shared/EXCHANGE.md) for demos and benchmarks.

`generate(...)` returns one unit's records as an exchange-format dict, built only
from the standard library and fully determined by its arguments (same seed, same
document). It serves two purposes:

* ``tongxing demo``: a believable centre with Traditional Chinese names, group and
  training titles, school and workplace names, case-plan texts and closure reasons;
* benchmarks: city-scale documents (e.g. 6,000 people and 35,000 activities a year)
  generated in a few seconds (every step is linear in the output size).

Every reference resolves, enums come from EXCHANGE.md, activities end after they
start, episodes are ordered and non-overlapping, and the data deliberately covers
the counting edges of DOMAIN.md: 45-minute sessions, evening outreach before and
after the closing time (including a late-opening day, Saturday afternoons and
Sundays), a person's fifth and later brief-counselling sessions, brief counselling
for people with a case in hand, Healthy School Programme and international
schools, post-secondary sessions, workplaces under five employees, reopened
episodes, family cases merged into PSA cases, abstinence of exactly 89/90/91
days, incomplete case plans, pregnant women and parents of children under (and
just turning) 12, people aged 20 and exactly 21 at identification, counselling
groups with fewer than 4 sessions or 6 participants, family-relationship groups
with a single family, full-day sessions, peer-only sessions, consultations not
funded by medical support or without a nurse/social worker, and activities that
cross midnight or the end of a financial year.

Beyond EXCHANGE.md it adds people's ``name``, ``name_en`` and ``phone``, children's
``carer``, activities' ``place`` and ``note``, and a top-level ``referrals`` list.
"""

from __future__ import annotations

import datetime as _dt
import random
from bisect import bisect
from itertools import accumulate

__all__ = ["generate"]

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

SURNAMES = [
    ("陳", "Chan", 8), ("黃", "Wong", 6), ("李", "Lee", 5), ("張", "Cheung", 4), ("梁", "Leung", 4),
    ("劉", "Lau", 3), ("林", "Lam", 3), ("吳", "Ng", 2.5), ("何", "Ho", 2.5), ("王", "Wong", 2),
    ("鄭", "Cheng", 2), ("楊", "Yeung", 2), ("麥", "Mak", 1.5), ("周", "Chow", 1.5), ("謝", "Tse", 1.5),
    ("曾", "Tsang", 1.5), ("郭", "Kwok", 1.2), ("羅", "Law", 1.3), ("鄧", "Tang", 1.2), ("馮", "Fung", 1),
    ("胡", "Wu", 1), ("蔡", "Choi", 1), ("蘇", "So", 1), ("葉", "Yip", 1), ("朱", "Chu", 1), ("許", "Hui", 1),
    ("譚", "Tam", 1), ("潘", "Poon", 0.8), ("盧", "Lo", 0.8), ("馬", "Ma", 0.8), ("袁", "Yuen", 0.7),
    ("鍾", "Chung", 0.7), ("蕭", "Siu", 0.6), ("關", "Kwan", 0.6), ("莫", "Mok", 0.6), ("余", "Yu", 0.6),
    ("方", "Fong", 0.6), ("彭", "Pang", 0.6), ("廖", "Liu", 0.6), ("徐", "Tsui", 0.6), ("陸", "Luk", 0.5),
    ("區", "Au", 0.5), ("江", "Kong", 0.5), ("雷", "Lui", 0.4), ("姚", "Yiu", 0.4), ("岑", "Shum", 0.3),
    ("石", "Shek", 0.3), ("韋", "Wai", 0.3), ("歐陽", "Au Yeung", 0.2), ("司徒", "Szeto", 0.2),
]
MALE_CHARS = [
    ("志", "Chi"), ("偉", "Wai"), ("家", "Ka"), ("俊", "Chun"), ("文", "Man"), ("明", "Ming"), ("子", "Tsz"),
    ("浩", "Ho"), ("健", "Kin"), ("國", "Kwok"), ("永", "Wing"), ("華", "Wah"), ("耀", "Yiu"), ("傑", "Kit"),
    ("德", "Tak"), ("強", "Keung"), ("豪", "Ho"), ("振", "Chun"), ("達", "Tat"), ("宏", "Wang"), ("樂", "Lok"),
    ("康", "Hong"), ("天", "Tin"), ("峰", "Fung"), ("軒", "Hin"), ("朗", "Long"), ("銘", "Ming"), ("錦", "Kam"),
    ("榮", "Wing"), ("輝", "Fai"), ("大", "Tai"), ("卓", "Cheuk"), ("凱", "Hoi"), ("嘉", "Ka"), ("威", "Wai"),
    ("信", "Shun"), ("智", "Chi"), ("立", "Lap"), ("仁", "Yan"), ("恆", "Hang"), ("啟", "Kai"), ("景", "King"),
    ("敬", "King"), ("皓", "Ho"), ("晉", "Chun"), ("柏", "Pak"), ("星", "Sing"), ("東", "Tung"), ("昌", "Cheong"),
]
FEMALE_CHARS = [
    ("美", "Mei"), ("麗", "Lai"), ("玲", "Ling"), ("欣", "Yan"), ("慧", "Wai"), ("敏", "Man"), ("婷", "Ting"),
    ("詩", "Sze"), ("穎", "Wing"), ("雅", "Nga"), ("佩", "Pui"), ("淑", "Suk"), ("芳", "Fong"), ("琪", "Kei"),
    ("雯", "Man"), ("嘉", "Ka"), ("曉", "Hiu"), ("彤", "Tung"), ("思", "Sze"), ("鳳", "Fung"), ("珊", "Shan"),
    ("寶", "Po"), ("月", "Yuet"), ("秀", "Sau"), ("燕", "Yin"), ("潔", "Kit"), ("瑩", "Ying"), ("碧", "Pik"),
    ("綺", "Yee"), ("霞", "Ha"), ("晴", "Ching"), ("心", "Sum"), ("恩", "Yan"), ("怡", "Yi"), ("詠", "Wing"),
    ("靜", "Ching"), ("映", "Ying"), ("巧", "Hau"), ("君", "Kwan"), ("翠", "Chui"), ("玉", "Yuk"), ("桂", "Kwai"),
    ("蘭", "Lan"), ("紫", "Tsz"), ("倩", "Sin"), ("愛", "Oi"), ("凱", "Hoi"), ("樂", "Lok"), ("卓", "Cheuk"),
]

MALE_NAMES = [
    ("志偉", "Chi Wai"), ("家俊", "Ka Chun"), ("文傑", "Man Kit"), ("嘉明", "Ka Ming"), ("子健", "Tsz Kin"),
    ("浩然", "Ho Yin"), ("國強", "Kwok Keung"), ("永華", "Wing Wah"), ("耀輝", "Yiu Fai"), ("德明", "Tak Ming"),
    ("振邦", "Chun Pong"), ("俊傑", "Chun Kit"), ("家豪", "Ka Ho"), ("志強", "Chi Keung"), ("偉文", "Wai Man"),
    ("建華", "Kin Wah"), ("天佑", "Tin Yau"), ("卓軒", "Cheuk Hin"), ("皓賢", "Ho Yin"), ("柏熙", "Pak Hei"),
    ("子樂", "Tsz Lok"), ("俊朗", "Chun Long"), ("啟明", "Kai Ming"), ("錦榮", "Kam Wing"), ("大文", "Tai Man"),
    ("志明", "Chi Ming"), ("家樂", "Ka Lok"), ("智勇", "Chi Yung"), ("立仁", "Lap Yan"), ("景輝", "King Fai"),
    ("晉軒", "Chun Hin"), ("星宇", "Sing Yu"), ("東昌", "Tung Cheong"), ("偉強", "Wai Keung"),
    ("永康", "Wing Hong"), ("達明", "Tat Ming"), ("宏達", "Wang Tat"), ("浩峰", "Ho Fung"), ("子軒", "Tsz Hin"),
    ("國華", "Kwok Wah"), ("信宏", "Shun Wang"), ("偉", "Wai"), ("強", "Keung"), ("明", "Ming"), ("傑", "Kit"),
]
FEMALE_NAMES = [
    ("美玲", "Mei Ling"), ("麗華", "Lai Wah"), ("欣怡", "Yan Yi"), ("慧敏", "Wai Man"), ("詩婷", "Sze Ting"),
    ("穎欣", "Wing Yan"), ("雅婷", "Nga Ting"), ("佩儀", "Pui Yee"), ("淑芬", "Suk Fan"), ("嘉琪", "Ka Kei"),
    ("曉彤", "Hiu Tung"), ("思敏", "Sze Man"), ("寶儀", "Po Yee"), ("秀英", "Sau Ying"), ("燕萍", "Yin Ping"),
    ("潔瑩", "Kit Ying"), ("碧霞", "Pik Ha"), ("綺雯", "Yee Man"), ("心怡", "Sum Yi"), ("凱晴", "Hoi Ching"),
    ("詠詩", "Wing Sze"), ("靜儀", "Ching Yee"), ("卓盈", "Cheuk Ying"), ("巧兒", "Hau Yi"), ("翠玲", "Chui Ling"),
    ("玉蘭", "Yuk Lan"), ("桂芳", "Kwai Fong"), ("紫晴", "Tsz Ching"), ("倩雯", "Sin Man"), ("嘉敏", "Ka Man"),
    ("樂怡", "Lok Yi"), ("美儀", "Mei Yee"), ("麗珍", "Lai Chun"), ("雅琳", "Nga Lam"), ("曉晴", "Hiu Ching"),
    ("思穎", "Sze Wing"), ("婉婷", "Yuen Ting"), ("芷晴", "Tsz Ching"), ("家欣", "Ka Yan"), ("玲", "Ling"),
    ("敏", "Man"), ("欣", "Yan"), ("琪", "Kei"),
]
DONOR_GIVEN = ["震夏", "堯敬", "兆基", "德心", "漢柱", "肇堅", "耀南", "錦全", "國威", "惠利", "伯英", "子褒",
               "筱偉", "振興", "伯壎", "樹培", "英東", "逸夫", "國賢", "學基", "佐治", "瑞麟", "定邦", "鏡波"]

DISTRICTS = ["元朗", "屯門", "天水圍", "荃灣", "葵涌", "沙田", "大埔", "將軍澳", "觀塘", "深水埗", "黃大仙",
             "北區", "西貢", "東涌", "油尖旺", "九龍城", "灣仔", "東區", "南區", "離島"]
SCHOOL_SPONSORS = ["明愛", "聖公會", "天主教", "基督教", "東華三院", "保良局", "仁濟醫院", "博愛醫院",
                   "順德聯誼總會", "佛教", "道教青松", "中華基督教會", "循道衛理", "路德會", "嗇色園",
                   "香港紅卍字會", "五旬節", "宣道會", "鐘聲慈善社", "樂善堂", "潮州會館", "裘錦秋"]
COMPANY_WORDS = ["宏達", "永利", "恒昌", "大興", "偉業", "嘉華", "金利", "建華", "德信", "合興", "海港", "群益",
                 "新暉", "富強", "泰豐", "利豐源", "萬通", "正昌", "聯邦", "信和隆"]
INDUSTRIES = ["物流", "建築工程", "飲食集團", "保安服務", "清潔服務", "裝修工程", "運輸", "零售", "美容",
              "機電維修", "貨倉", "印刷", "快遞", "酒店管理"]

OUTREACH_PLACES = ["元朗公園", "天水圍天秀路一帶", "屯門市中心", "荔枝角收押所", "西九龍裁判法院", "屯門醫院急症室",
                   "網上即時通訊平台", "旺角通宵遊戲機中心", "深水埗公園", "葵涌邨球場", "沙田城門河畔",
                   "觀塘海濱長廊", "天水圍嘉湖山莊停車場", "東涌富東廣場", "社交媒體群組"]
ESCORT_NOTES = ["陪同覆診（物質誤用診所）", "陪同出庭", "陪同入住戒毒院舍", "陪同產前檢查", "陪同往社會福利署辦理申請",
                "陪同見工", "陪同探望子女"]
CONSULT_NOTES = ["體格檢查", "藥物測試", "動機式面談", "藥物相關諮詢", "精神健康評估", "戒斷徵狀處理"]
NURSING_NOTES = ["健康評估跟進", "尿液測試", "精神狀況評估", "服藥指導", "睡眠衞生指導", "產前健康教育"]
HOMEMAKER_NOTES = ["育兒指導：餵哺及作息安排", "家居清潔及安全指導", "膳食安排及營養指導", "嬰兒護理示範",
                   "子女功課及作息指導", "家庭財務管理"]
EDU_NOTES = {
    "talk": ["認識毒品禍害講座", "「不可一，不可再」禁毒講座", "精神健康與藥物濫用講座", "新興毒品知多啲講座"],
    "workshop": ["大麻的真相工作坊", "拒毒技巧工作坊", "抗毒短片創作工作坊"],
    "group": ["抗毒領袖訓練小組", "成長小組：向毒品說不"],
    "exhibition": ["禁毒巡迴展覽", "社區禁毒攤位"],
    "large_event": ["禁毒嘉年華", "國際禁毒日大型活動"],
    "publication": ["禁毒資訊單張", "家長禁毒錦囊小冊子"],
    "media": ["禁毒專題電台訪問", "報章專訪：吸毒家長的掙扎"],
    "web": ["禁毒網頁專題", "社交媒體禁毒短片"],
    "souvenir": ["抗毒紀念品派發", "禁毒環保袋"],
}
TRAINING_NOTES = {
    "school": ["為中學教師而設的毒品辨識培訓", "學校社工個案研討會", "訓輔老師禁毒工作坊"],
    "workplace": ["僱主及人事主管毒品認知培訓", "前線主管識別員工吸毒跡象工作坊"],
    None: ["為醫護人員而設的吸毒孕婦支援研討會", "社工專業培訓：青少年吸毒趨勢", "警務人員轉介機制簡介會"],
}
HOTLINE_NOTES = ["家人查詢戒毒服務", "情緒支援", "查詢講座安排", "吸毒者求助", "查詢醫療支援服務"]
OTHER_NOTES = ["動機提升活動：行山日", "戒毒康復者義工服務", "中心開放日", "節日聚餐", "親子一日遊"]

GROUP_TITLES = {
    "counselling": ["情緒管理小組", "預防復吸小組", "靜觀減壓小組", "認知行為治療小組", "壓力處理小組",
                    "憤怒管理小組", "女性成長小組", "青少年抗毒成長小組", "戒毒動機小組"],
    "family_relationship": ["親子關係建立小組", "家庭關係重建小組", "沙維雅家庭治療小組", "親子遊戲小組",
                            "嬰兒按摩親子小組"],
    "mutual_help": ["同行互助小組", "過來人分享小組", "康復者互助小組"],
    "family_support": ["家長支援小組", "家人支援小組", "照顧者自我關懷小組", "家人知識技巧學習小組"],
    "motivation": ["動機提升小組", "歷奇訓練小組", "生涯規劃小組"],
    "vocational": ["職業技能訓練小組", "咖啡師培訓班", "車衣工作坊", "求職面試技巧小組"],
    "other": ["藝術治療小組", "義工服務小組", "興趣小組"],
}
TRAINING_TITLES = ["動機式訪談技巧培訓", "朋輩支援工作坊：分享個人康復故事", "精神健康急救證書課程", "認識新興毒品",
                   "危機處理及自殺風險評估", "家庭治療入門", "個案紀錄與私隱保障", "創傷知情實踐", "朋輩支援督導會議",
                   "禁毒常務委員會研討會"]

PLAN_DIRECTIONS = ["協助案主停止吸食冰毒，重建規律生活", "減低案主吸食氯胺酮的次數及份量，逐步達至戒毒",
                   "提升案主戒毒動機，探索住院戒毒的可能", "協助案主處理情緒困擾，建立正面應對壓力的方法",
                   "重建案主與家人的關係，增加家庭支援", "協助案主預防復吸，穩定就業",
                   "協助案主履行感化令要求，遠離毒品及高危朋輩"]
PARENT_DIRECTIONS = ["協助案主於懷孕期間停止吸毒，保障胎兒健康", "提升案主的親職能力，為子女提供安全的照顧環境",
                     "協助案主停止吸毒，並與社會福利署合作制定子女照顧計劃"]
FAMILY_DIRECTIONS = ["協助家人了解吸毒問題，提升支援吸毒家人的能力", "支援家人處理照顧壓力，鼓勵隱蔽吸毒家人求助",
                     "改善家人與吸毒子女的溝通，建立一致的支援方法"]
PLAN_TIMETABLES = ["首三個月每週面談一次，第六個月檢討", "首三個月每兩週面談一次，其後每月一次，為期九個月",
                   "六個月內完成戒毒評估及醫療跟進，第三及第六個月檢討",
                   "十二個月計劃：首月評估，第二至六個月介入，第七至十二個月鞏固及預防復吸",
                   "三個月內每週家訪一次，其後每兩週一次，為期六個月"]
PLAN_ACTIONS = ["社工每週與案主面談，進行動機式訪談；案主每月接受一次尿液測試",
                "護士安排身體檢查及藥物測試；社工轉介案主參加情緒管理小組",
                "社工每兩週家訪，並邀請家人參與家庭面談；案主記錄每日用藥情況",
                "朋輩支援工作員陪同案主覆診；案主參與同行互助小組",
                "社工聯絡感化主任共同跟進；案主遵守宵禁及報到要求"]
PARENT_ACTIONS = ["家務指導員每週上門提供育兒指導；案主按時出席產前檢查",
                  "社工召開多專業個案會議；案主參加親子關係建立小組",
                  "護士跟進案主健康狀況；家務指導員協助建立子女作息時間表"]
FAMILY_ACTIONS = ["社工每兩週與家人面談；家人出席家人支援小組", "社工提供電話支援；家人記錄與吸毒家人的溝通情況"]
PLAN_GOALS = ["連續90日沒有吸毒（以尿液測試核實）", "吸毒次數由每週三次減至每月一次或以下",
              "六個月內找到穩定工作並維持三個月", "案主出席八成或以上面談及小組",
              "案主能說出三個高危情境及相應的應對方法", "案主完成住院戒毒評估並入住院舍"]
PARENT_GOALS = ["子女照顧計劃獲社會福利署確認，案主每週探望子女", "案主於產前三個月內停止吸毒",
                "親職壓力量表分數下降兩成"]
FAMILY_GOALS = ["家人能掌握三種支援技巧，並每月與吸毒家人有正面溝通", "家人照顧壓力量表分數下降兩成",
                "隱蔽吸毒家人於六個月內接觸中心"]
REASONS_ACHIEVED = ["已達成個案計劃目標，穩定戒毒", "案主已戒毒並穩定就業", "案主已完成住院戒毒並回復正常生活",
                    "案主已達成個案計劃目標，轉介持續跟進服務"]
REASONS_NOT = ["案主失去聯絡超過三個月", "案主拒絕繼續接受服務", "案主因刑事案件還押／入獄", "案主遷出服務範圍",
               "轉介其他機構跟進", "案主離港", "案主入住戒毒院舍，轉由院舍跟進"]
REASONS_FAMILY = ["家人已掌握支援技巧，無需繼續服務", "家人不再需要服務", "家人失去聯絡"]
REASON_MERGED = "吸毒者已接受服務，家人個案併入吸毒者個案"
CARERS = ["案主照顧", "家人照顧", "伴侶照顧", "寄養家庭", "兒童院舍"]

REFERRAL_AGENCIES = {
    "medical_treatment": ["醫院管理局物質誤用診所", "精神科專科門診", "美沙酮診所"],
    "social_welfare": ["社會福利署綜合家庭服務中心", "保護家庭及兒童服務課", "醫務社會服務部"],
    "employment": ["勞工處就業中心", "僱員再培訓局", "青年就業起點"],
    "rehabilitation_protection": ["更生人士支援服務", "感化辦事處", "懲教署更生事務組"],
    "ngo": ["青少年綜合服務中心", "地區青少年外展社會工作隊", "精神健康綜合社區中心"],
    "halfway_house": ["戒毒康復中途宿舍", "女性戒毒康復中途宿舍"],
    "other": ["法律援助署", "學校社工", "警方少年保護組"],
}
STAKEHOLDERS = ["probation", "school", "medical", "police", "correctional", "youth_outreach", "family_service",
                "mental_health", "treatment_centre", "other"]

# Agreed levels of seed 002 (per financial year), scaled to the generated unit.
AGREED = {"OS1": 72, "OS1a": 36, "OS2": 60, "OS3": 10, "OS4": 280, "OS4a": 238, "OS4b": 42, "OS5": 65,
          "OS6": 118, "OS7": 210, "OS8": 240, "OS9": 160, "OS10": 104, "OS11": 0.8, "OS12": 104, "OS13": 308,
          "OS14": 208, "OS15": 300, "OS15a": 150, "OS16": 40, "OS17": 535, "OC1": 0.55, "OC2": 0.55,
          "OC3": 0.4, "OC4": 0.9, "OC5": 0.8, "OC6": 0.8, "OC7": 0.75, "OC8": 0.75, "OC9": 0.75, "OC10": 1.0}
CASELOAD_BASED = {"OS2", "OS3", "OS4", "OS4a", "OS4b", "OS6", "OS7", "OS12"}

# Share of a year's activities per kind; "interview" takes whatever is left.
KIND_SHARE = {"phone": 0.13, "home_visit": 0.05, "escort": 0.03, "outreach": 0.028, "brief_counselling": 0.06,
              "group_session": 0.14, "education": 0.03, "professional_training": 0.006, "consultation": 0.09,
              "nursing": 0.06, "homemaker_service": 0.08, "hotline_call": 0.03, "other": 0.01}

# Opening hours: a late-opening Wednesday, a Saturday morning, closed on Sunday.
OPENING = {"mon": ["09:00", "18:00"], "tue": ["09:00", "18:00"], "wed": ["09:00", "21:00"],
           "thu": ["09:00", "18:00"], "fri": ["09:00", "18:00"], "sat": ["09:00", "13:00"], "sun": None}
CLOSE_MIN = [1080, 1080, 1260, 1080, 1080, 780, None]  # by weekday (Mon=0)


def _table(pairs):
    """(values, cumulative weights) for fast weighted picks."""
    values = [v for v, _ in pairs]
    return values, list(accumulate(w for _, w in pairs))


SURNAME_T = _table([((s, r), w) for s, r, w in SURNAMES])
DUR_OFFICE = _table([(45, 10), (60, 35), (75, 8), (90, 25), (120, 10), (30, 12)])
DUR_BRIEF = _table([(45, 12), (60, 45), (75, 13), (90, 22), (120, 3), (30, 5)])
DUR_PHONE = _table([(10, 25), (15, 30), (20, 20), (30, 15), (45, 5), (60, 5)])
DUR_HOTLINE = _table([(5, 15), (10, 30), (15, 25), (25, 15), (40, 15)])
DUR_OUTREACH = _table([(45, 10), (60, 20), (90, 20), (120, 30), (150, 10), (180, 10)])
DUR_GROUP = _table([(45, 6), (60, 30), (90, 35), (120, 29)])
DUR_HOMEMAKER = _table([(45, 10), (60, 20), (90, 25), (120, 30), (180, 15)])
DUR_EDU = _table([(45, 12), (60, 35), (90, 28), (120, 20), (180, 5)])
EDU_FORMAT = _table([("talk", 40), ("workshop", 15), ("group", 10), ("exhibition", 10), ("large_event", 5),
                     ("publication", 5), ("media", 5), ("web", 5), ("souvenir", 5)])
TRAIN_FORMAT = _table([("talk", 50), ("workshop", 35), ("group", 15)])
CHANNEL = _table([("outreach", 20), ("friends_family", 12), ("publicity", 6), ("social_media", 10),
                  ("professional_referral", 32), ("community_referral", 8), ("self", 12)])
DRUG = _table([("ketamine", 35), ("methamphetamine", 35), ("cannabis", 15), ("cocaine", 8), ("heroin", 5),
               ("other", 2)])
AGE_BAND = _table([((14, 17), 6), ((18, 20), 10), ((21, 29), 30), ((30, 39), 28), ((40, 49), 15),
                   ((50, 59), 8), ((60, 72), 3)])
GROUP_KIND = _table([("counselling", 65), ("family_relationship", 12), ("mutual_help", 13),
                     ("family_support", 8), ("motivation", 7), ("vocational", 3), ("other", 2)])
REF_OUT = _table([("medical_treatment", 25), ("social_welfare", 20), ("employment", 15),
                  ("rehabilitation_protection", 10), ("ngo", 15), ("halfway_house", 10), ("other", 5)])
REF_STATUS = _table([("sent", 15), ("accepted", 25), ("attended", 35), ("not_attended", 12), ("declined", 13)])
COLLAB = _table([("mdcc", 15), ("case_review", 50), ("consultation", 35)])


class _Gen:
    def __init__(self, unit_code, unit_name, people, activities_per_year, years, seed):
        self.rng = random.Random(seed)
        self.unit_code, self.unit_name = unit_code, unit_name
        self.n_people = max(int(people), 10)
        self.apy = max(int(activities_per_year), 0)
        if isinstance(years, int):
            years = (years,)
        self.years = sorted({int(y) for y in years}) or [2024]
        self.fy_range = {fy: (_dt.date(fy, 4, 1).toordinal(), _dt.date(fy + 1, 3, 31).toordinal())
                         for fy in self.years}
        self.w0 = self.fy_range[self.years[0]][0]
        self.w1 = self.fy_range[self.years[-1]][1]
        self._ds = {}
        self.activities = []

    # ---- small helpers -------------------------------------------------------------
    def pick(self, table):
        values, cum = table
        return values[bisect(cum, self.rng.random() * cum[-1])]

    def ds(self, o):
        s = self._ds.get(o)
        if s is None:
            s = self._ds[o] = _dt.date.fromordinal(o).isoformat()
        return s

    def ts(self, o, m):
        if m >= 1440:
            o += m // 1440
            m %= 1440
        return f"{self.ds(o)}T{m // 60:02d}:{m % 60:02d}"

    def workday(self, lo, hi):
        """A random day in [lo, hi], moved off Sunday when possible."""
        o = self.rng.randint(lo, hi)
        if (o - 1) % 7 == 6:
            if o - 1 >= lo:
                o -= 1
            elif o + 1 <= hi:
                o += 1
        return o

    def office_start(self, o):
        wd = (o - 1) % 7
        close = CLOSE_MIN[wd] or 1080
        last = min(close - 90, 1020)
        return self.rng.randrange(570, max(last, 600), 15)

    def name(self, sex):
        rng = self.rng
        surname, sr = self.pick(SURNAME_T)
        if sex not in ("M", "F"):
            sex = rng.choice("MF")
        if rng.random() < 0.9:
            given, gr = rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
            return surname + given, f"{sr} {gr}"
        chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
        if rng.random() < 0.05:
            c = rng.choice(chars)
            return surname + c[0], f"{sr} {c[1]}"
        a, b = rng.sample(chars, 2)
        if a[0] == b[0]:
            return surname + a[0], f"{sr} {a[1]}"
        return surname + a[0] + b[0], f"{sr} {a[1]} {b[1]}"

    def phone(self):
        return self.rng.choice("5696") + f"{self.rng.randrange(10 ** 7):07d}"

    def minus_years(self, o, years, extra_days=0):
        d = _dt.date.fromordinal(o)
        try:
            d = d.replace(year=d.year - years)
        except ValueError:  # 29 February
            d = d.replace(year=d.year - years, day=28)
        return d.toordinal() - extra_days

    # ---- organisation ---------------------------------------------------------------
    def make_staff(self):
        rng, n = self.rng, self.n_people
        n_sw = max(4, n // 40)
        counts = [("social_worker", n_sw), ("nurse", max(2, n_sw // 3)), ("homemaker", max(2, n_sw // 4)),
                  ("doctor", max(1, n_sw // 10))]
        staff = []
        self.sw, self.nurses, self.hms, self.docs, self.peers = [], [], [], [], []
        self.peer_type = {}
        sid = 0

        def add(roles, sex=None, **extra):
            nonlocal sid
            sid += 1
            sex = sex or ("F" if rng.random() < 0.62 else "M")
            rec = {"id": f"s{sid}", "name": self.name(sex)[0], "roles": roles, **extra}
            staff.append(rec)
            return rec["id"]

        sup = add(["supervisor", "social_worker"])
        self.sw.append(sup)
        for role, k in counts:
            for _ in range(k):
                i = add([role], sex="F" if role == "homemaker" else None)
                {"social_worker": self.sw, "nurse": self.nurses, "homemaker": self.hms, "doctor": self.docs}[
                    role].append(i)
        n_ex, n_fam = max(1, n_sw // 4), max(1, n_sw // 6)
        for k, ptype in [(n_ex, "ex_user"), (n_fam, "family")]:
            for _ in range(k):
                i = add(["peer_support_worker"], peer_type=ptype)
                self.peers.append(i)
                self.peer_type[i] = ptype
        add(["other"])  # clerical officer
        self.staff = staff
        self.sw_nurse = self.sw + self.nurses

    def make_schools(self):
        rng = self.rng
        n = min(max(self.n_people // 8, 14), 400)
        schools, names = [], set()

        def unique(make):
            for _ in range(8):
                nm = make()
                if nm not in names:
                    break
            else:
                k = 2
                while f"{nm}（第{k}校）" in names:
                    k += 1
                nm = f"{nm}（第{k}校）"
            names.add(nm)
            return nm

        def donor():
            return self.pick(SURNAME_T)[0] + rng.choice(DONOR_GIVEN)

        def secondary():
            t = rng.random()
            sp, di = rng.choice(SCHOOL_SPONSORS), rng.choice(DISTRICTS)
            if t < 0.35:
                return f"{sp}{di}{donor()}中學"
            if t < 0.6:
                return f"{sp}{donor()}紀念中學"
            if t < 0.8:
                return f"{sp}{di}書院"
            return f"{sp}{donor()}書院"

        # Kinds and flags first; the first four guarantee the edges (a Healthy School
        # Programme school, an international school, a post-secondary and a vocational
        # institution), then the list is shuffled so they land anywhere.
        specs = [("secondary", False, True), ("secondary", True, False), ("post_secondary", False, False),
                 ("vocational", False, False)]
        for _ in range(n - len(specs)):
            r = rng.random()
            if r < 0.78:
                intl = rng.random() < 0.06
                specs.append(("secondary", intl, (not intl) and rng.random() < 0.1))
            else:
                specs.append(("post_secondary" if r < 0.9 else "vocational", False, False))
        rng.shuffle(specs)
        for i, (kind, intl, hsp) in enumerate(specs):
            if kind == "secondary" and intl:
                di = rng.choice(DISTRICTS)
                nm = unique(lambda di=di: rng.choice([f"{di}國際學校", f"英基學校協會{di}書院",
                                                     f"{di}加拿大國際學校"]))
            elif kind == "secondary":
                nm = unique(secondary)
            elif kind == "post_secondary":
                nm = unique(lambda: rng.choice([f"香港{rng.choice(COMPANY_WORDS)}專上學院",
                                                f"{rng.choice(SCHOOL_SPONSORS)}專業進修學院",
                                                f"{rng.choice(DISTRICTS)}社區學院"]))
            else:
                nm = unique(lambda: rng.choice([f"職業訓練局{rng.choice(DISTRICTS)}青年學院",
                                                f"{rng.choice(SCHOOL_SPONSORS)}{rng.choice(DISTRICTS)}職業訓練中心"]))
            schools.append({"id": f"sch{i + 1}", "name": nm, "kind": kind,
                            "in_service_area": hsp or intl or rng.random() < 0.92,
                            "school_social_work": kind == "secondary" and not intl and (hsp or rng.random() < 0.93),
                            "healthy_school_programme": hsp, "international_or_esf": intl})
        self.schools = schools
        self.secondary = [s["id"] for s in schools if s["kind"] == "secondary"]
        self.post_sec = [s["id"] for s in schools if s["kind"] != "secondary"]

        n_w = min(max(self.n_people // 30, 4), 200)
        wp, wnames = [], set()
        for i in range(n_w):
            nm = unique(lambda: f"{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司")
            wnames.add(nm)
            emp = rng.choice([3, 4, 5, 8, 12, 20, 35, 60, 120, 300]) if i else 4  # w1: fewer than 5 employees
            wp.append({"id": f"w{i + 1}", "name": nm, "employees": emp})
        self.workplaces = wp

    # ---- people ---------------------------------------------------------------------
    def make_people(self):
        rng = self.rng
        n_family = max(3, round(self.n_people * 0.22))
        n_psa = self.n_people - n_family
        out = []
        self.psa = []  # internal info per PSA person
        lo_ident, hi_ident = self.w0 - 1000, self.w1 - 10
        for i in range(n_psa):
            pid = f"p{i + 1}"
            sex = "M" if rng.random() < 0.64 else ("F" if rng.random() < 0.95 else "X")
            ident = rng.randint(lo_ident, hi_ident)
            a_lo, a_hi = self.pick(AGE_BAND)
            age = rng.randint(a_lo, a_hi)
            if i == 3:  # a pregnant woman identified during the years covered
                sex, age, ident = "F", 27, rng.randint(self.w0, self.w1 - 60)
            if i % 97 == 5:  # exactly 21 at identification (not under 21)
                birth = self.minus_years(ident, 21)
            elif i % 97 == 6:  # one day short of 21
                birth = self.minus_years(ident, 21) + 1
            else:
                birth = self.minus_years(ident, age, rng.randrange(365))
            age_years = (ident - birth) // 365
            pregnant = sex == "F" and 18 <= age_years <= 42 and (i == 3 or rng.random() < 0.07)
            children = []
            if 19 <= age_years <= 55 and rng.random() < (0.3 if sex == "F" else 0.1):
                for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                    lo_c = max(birth + 17 * 365, ident - 15 * 365)
                    if lo_c >= self.w1:
                        continue
                    cb = rng.randint(lo_c, min(self.w1 - 30, ident + 200))
                    children.append({"birth_date": self.ds(cb), "carer": rng.choice(CARERS)})
                children.sort(key=lambda c: c["birth_date"])
            if i % 53 == 7:  # a child turning 12 during the first financial year
                children = [{"birth_date": self.ds(self.minus_years(self.w0 + 150, 12)), "carer": "家人照顧"}]
            parent = pregnant or any(self.w0 - 12 * 365 < _dt.date.fromisoformat(c["birth_date"]).toordinal()
                                     for c in children)
            # Drug history at identification.
            r = rng.random()
            if r < 0.06:
                last = ident - rng.randint(200, 900)  # ex-offender / after-care without recent use
            elif parent and r < 0.3:
                last = ident - rng.randint(184, 360)  # qualifies only under the 12-month rule
            else:
                last = ident - rng.randint(0, 170)
            drugs = [self.pick(DRUG)]
            if rng.random() < 0.25:
                d2 = self.pick(DRUG)
                if d2 != drugs[0]:
                    drugs.append(d2)
            drug_use = [{"drug": d, "last_used": self.ds(last - k * rng.randint(0, 60))} for k, d in enumerate(drugs)]
            if rng.random() < 0.03:
                drug_use[0]["last_used"] = None
            nm, en = self.name(sex)
            rec = {"id": pid, "name": nm, "name_en": en}
            if rng.random() < 0.93:
                rec["phone"] = self.phone()
            rec.update(sex=sex, birth_date=self.ds(birth), pregnant=pregnant, children=children,
                       drug_use=drug_use)
            channel = self.pick(CHANNEL)
            if rng.random() < 0.03:
                rec["identification"] = None
            else:
                rec["identification"] = {"date": self.ds(ident), "channel": channel}
            out.append(rec)
            self.psa.append({"id": pid, "ident": ident, "parent": parent, "sex": sex, "rec": rec, "case": None,
                             "family": []})
        self.family = []
        relations = [("mother", "F", 40, 70), ("father", "M", 42, 72), ("partner", None, 20, 50),
                     ("sibling", None, 16, 50), ("grandparent", "F", 58, 80)]
        for j in range(n_family):
            fid = f"f{j + 1}"
            rel, sex, amin, amax = rng.choice(relations)
            sex = sex or ("F" if rng.random() < 0.6 else "M")
            birth = self.minus_years(self.w0, rng.randint(amin, amax), rng.randrange(365))
            nm, en = self.name(sex)
            rec = {"id": fid, "name": nm, "name_en": en}
            if rng.random() < 0.95:
                rec["phone"] = self.phone()
            rec.update(sex=sex, birth_date=self.ds(birth), pregnant=False, children=[], drug_use=[],
                       identification=None)
            out.append(rec)
            self.family.append({"id": fid, "rel": rel, "psa": None, "case": None})
        self.people = out

    # ---- cases ----------------------------------------------------------------------
    def plan(self, opened, closed, kind):
        rng = self.rng
        pd = opened + rng.randint(0, 21)
        if closed is not None:
            pd = min(pd, closed)
        if kind == "family":
            d, a, g = FAMILY_DIRECTIONS, FAMILY_ACTIONS, FAMILY_GOALS
        elif kind == "parent":
            d, a, g = PARENT_DIRECTIONS + PLAN_DIRECTIONS[:2], PARENT_ACTIONS + PLAN_ACTIONS[:2], PARENT_GOALS + PLAN_GOALS[:2]
        else:
            d, a, g = PLAN_DIRECTIONS, PLAN_ACTIONS, PLAN_GOALS
        plan = {"date": self.ds(pd), "direction": rng.choice(d), "timetable": rng.choice(PLAN_TIMETABLES),
                "actions": rng.choice(a), "goals": rng.choice(g)}
        if rng.random() < 0.04:  # incomplete plan: one part missing
            plan[rng.choice(["direction", "timetable", "actions", "goals"])] = ""
        return plan

    def episodes(self, first_open, kind, reopen_p=0.18):
        rng = self.rng
        eps, cur = [], first_open
        while True:
            dur = rng.choice((90, 180, 365, 540, 730, 900, 1100, 1460))
            close = cur + dur + rng.randint(-20, 20)
            ep = {"opened": self.ds(cur), "_o": cur}
            if rng.random() > 0.06:
                ep["plan"] = self.plan(cur, close if close <= self.w1 else None, kind)
            if close > self.w1:
                ep["_c"] = None
                eps.append(ep)
                break
            ep["_c"] = close
            ep["closed"] = self.ds(close)
            ep["closure"] = self.closure(cur, close, kind, "plan" in ep)
            eps.append(ep)
            if rng.random() >= reopen_p or len(eps) >= 3:
                break
            cur = close + rng.randint(14, 360)
            if cur > self.w1:
                break
        return eps

    def closure(self, opened, closed, kind, has_plan):
        rng = self.rng
        achieved = rng.random() < 0.6 if has_plan else False
        if rng.random() < 0.03:
            achieved = None
        r = rng.random()
        if kind == "family":
            last = None
        elif r < 0.06:
            last = closed - rng.choice((89, 90, 91))
        elif r < 0.55:
            last = closed - rng.randint(92, 400)
        elif r < 0.96:
            last = closed - rng.randint(0, 88)
        else:
            last = None
        if kind == "family":
            reason = rng.choice(REASONS_FAMILY)
        else:
            reason = rng.choice(REASONS_ACHIEVED if achieved else REASONS_NOT)
        return {"plan_achieved": achieved, "last_drug_use": self.ds(last) if last is not None else None,
                "reason": reason}

    def make_cases(self):
        rng = self.rng
        cases = []
        self.case_info = {}
        # Family members: linked to a PSA person (some to nobody we know: a hidden user).
        psa_list = self.psa
        for f in self.family:
            if rng.random() < 0.8:
                p = rng.choice(psa_list)
                f["psa"] = p
                p["family"].append(f)
        n = 0
        for p in psa_list:
            if rng.random() >= 0.74:
                continue
            n += 1
            cid = f"c{n}"
            opened = p["ident"] + (0 if rng.random() < 0.2 else rng.randint(1, 60))
            if opened > self.w1 - 3:
                n -= 1
                continue
            kind = "parent" if p["parent"] else "psa"
            eps = self.episodes(opened, kind, reopen_p=0.2)
            members = [f["id"] for f in p["family"]]
            for f in p["family"]:
                f["case"] = cid
            case = {"id": cid, "type": "psa", "parent_case": p["parent"], "client": p["id"], "members": members,
                    "worker": rng.choice(self.sw), "merged_into": None, "episodes": eps}
            p["case"] = case
            cases.append(case)
        # Family cases: a family member engages while the PSA does not (yet).
        fam_candidates = [f for f in self.family if f["case"] is None]
        merge_candidates = [f for f in self.family if f["psa"] is not None and f["psa"]["case"] is not None
                            and f["psa"]["case"]["episodes"][0]["_o"] - 40 > self.w0 - 300]
        n_fc = max(2, round(len(cases) * 0.1))
        k = 0
        merged_n = max(1, n_fc // 3)
        rng.shuffle(merge_candidates)
        if not merge_candidates:  # small documents: link a family member to a suitable PSA case
            spare = [f for f in self.family if f["case"] is None]
            target = [p for p in psa_list if p["case"] is not None
                      and p["case"]["episodes"][0]["_o"] - 40 > self.w0 - 300]
            if spare and target:
                f, p = spare[0], target[0]
                f["psa"], f["case"] = p, p["case"]["id"]
                p["family"].append(f)
                merge_candidates = [f]
        for f in merge_candidates[:merged_n]:
            k += 1
            psa_case = f["psa"]["case"]
            merge_day = psa_case["episodes"][0]["_o"]
            opened = merge_day - rng.randint(20, 200)
            ep = {"opened": self.ds(opened), "_o": opened, "_c": merge_day,
                  "plan": self.plan(opened, merge_day, "family"), "closed": self.ds(merge_day),
                  "closure": {"plan_achieved": True, "last_drug_use": None, "reason": REASON_MERGED}}
            cases.append({"id": f"fc{k}", "type": "family", "parent_case": False, "client": f["id"], "members": [],
                          "worker": psa_case["worker"], "merged_into": psa_case["id"], "episodes": [ep]})
            f["case"] = f"fc{k}"
            if f["id"] not in psa_case["members"]:
                psa_case["members"].append(f["id"])
            f["psa"]["rec"]["identification"] = {"date": self.ds(min(f["psa"]["ident"], merge_day)),
                                                 "channel": "friends_family"}
        rng.shuffle(fam_candidates)
        for f in fam_candidates:
            if k >= n_fc:
                break
            if f["case"] is not None:
                continue
            k += 1
            opened = rng.randint(self.w0 - 300, self.w1 - 20)
            eps = self.episodes(opened, "family", reopen_p=0.1)
            others = [g["id"] for g in self.family if g is not f and g["psa"] is not None and g["psa"] is f["psa"]
                      and g["case"] is None][:1] if f["psa"] else []
            cases.append({"id": f"fc{k}", "type": "family", "parent_case": False, "client": f["id"],
                          "members": others, "worker": rng.choice(self.sw), "merged_into": None, "episodes": eps})
            f["case"] = f"fc{k}"
        # Make sure the edges exist even in small documents: a reopened episode and
        # abstinence of exactly 89, 90 and 91 days in every financial year.
        psa_cases = [c for c in cases if c["type"] == "psa"]
        if psa_cases and not any(len(c["episodes"]) > 1 for c in psa_cases):
            for c in psa_cases:
                last = c["episodes"][-1]
                if last["_c"] is not None and last["_c"] + 30 < self.w1:
                    o = last["_c"] + 30
                    c["episodes"].append({"opened": self.ds(o), "_o": o, "_c": None,
                                          "plan": self.plan(o, None, "parent" if c["parent_case"] else "psa")})
                    break
        for fy in self.years:
            lo, hi = self.fy_range[fy]
            closed = [ep for c in psa_cases for ep in c["episodes"] if ep["_c"] is not None and lo <= ep["_c"] <= hi]
            for ep, gap in zip(closed[:3], (89, 90, 91), strict=False):
                ep["closure"]["last_drug_use"] = self.ds(ep["_c"] - gap)
        self.cases = cases
        # Episode spans per financial year, for picking casework dates.
        self.fy_eps = {}
        for fy in self.years:
            lo, hi = self.fy_range[fy]
            spans = []
            for c in cases:
                for ep in c["episodes"]:
                    a, b = ep["_o"], ep["_c"] if ep["_c"] is not None else self.w1
                    a, b = max(a, lo), min(b, hi)
                    if a <= b:
                        spans.append((c, a, b))
            self.fy_eps[fy] = spans

    def make_case_records(self):
        rng = self.rng
        inv, col, refs = [], [], []
        for c in self.cases:
            parent = c["parent_case"]
            fam = c["type"] == "family"
            for ep in c["episodes"]:
                a = ep["_o"]
                b = ep["_c"] if ep["_c"] is not None else self.w1
                span = b - a

                def stage(d, a=a, b=b, closed=ep["_c"] is not None):
                    if d - a < 30:
                        return "intake"
                    if closed and b - d < 30:
                        return "termination"
                    return "intervention"

                if fam or rng.random() < 0.5:
                    for _ in range(rng.randint(1, 3)):
                        d = rng.randint(a, b)
                        inv.append({"case": c["id"], "date": self.ds(d), "party": "family", "stakeholder": None,
                                    "stage": stage(d), "mode": rng.choice(("phone", "interview", "home_visit", "meeting"))})
                if not fam and rng.random() < (0.92 if parent else 0.55):
                    cats = rng.sample(STAKEHOLDERS, rng.randint(2, 3) if parent and rng.random() < 0.8 else 1)
                    if parent:
                        cats = list(dict.fromkeys(["family_service", *cats]))[:3]
                    for cat in cats:
                        for _ in range(rng.choice((1, 1, 2))):
                            d = rng.randint(a, b)
                            if rng.random() < 0.02:
                                d = a - rng.randint(1, 30)  # recorded before the episode opened
                            inv.append({"case": c["id"], "date": self.ds(d), "party": "stakeholder",
                                        "stakeholder": cat, "stage": stage(d),
                                        "mode": rng.choice(("phone", "joint_interview", "meeting", "referral"))})
                if parent or (not fam and rng.random() < 0.03):
                    for _ in range(rng.randint(1, 3) + span // 90 if parent else 1):
                        col.append({"case": c["id"], "date": self.ds(rng.randint(a, b)), "kind": self.pick(COLLAB)})
                if not fam and rng.random() < 0.22:
                    d = rng.randint(a, b)
                    cat = self.pick(REF_OUT)
                    st = self.pick(REF_STATUS)
                    sd = None if st == "sent" else self.ds(min(d + rng.randint(3, 40), max(d, self.w1)))
                    refs.append({"person": c["client"], "case": c["id"], "direction": "out", "category": cat,
                                 "agency": rng.choice(REFERRAL_AGENCIES[cat]), "date": self.ds(d), "status": st,
                                 "status_date": sd})
        # Referrals in: people referred by professionals or community figures.
        for p in self.psa:
            ident = p["rec"]["identification"]
            if ident and ident["channel"] in ("professional_referral", "community_referral") and rng.random() < 0.7:
                cat = rng.choice(("social_welfare", "medical_treatment", "ngo", "rehabilitation_protection", "other"))
                refs.append({"person": p["id"], "case": p["case"]["id"] if p["case"] else None, "direction": "in",
                             "category": cat, "agency": rng.choice(REFERRAL_AGENCIES[cat]), "date": ident["date"],
                             "status": "accepted", "status_date": ident["date"]})
        refs.sort(key=lambda r: r["date"])
        for i, r in enumerate(refs):
            r["id"] = f"r{i + 1}"
            # id first for readability
        self.referrals = [{"id": r.pop("id"), **r} for r in refs]
        inv.sort(key=lambda r: (r["date"], r["case"]))
        col.sort(key=lambda r: (r["date"], r["case"]))
        self.involvements, self.collaborations = inv, col
        # Medical assessments: first health and drug-related needs assessment.
        meds = []
        self.assessed = []  # (person id, assessment ordinal)
        for p in self.psa:
            c = p["case"]
            if c is None:
                if rng.random() >= 0.3:
                    continue
                a = p["ident"] + rng.randint(0, 60)
            elif rng.random() < 0.8:
                a = c["episodes"][0]["_o"] + rng.randint(0, 90)
            else:
                continue
            if a > self.w1:
                continue
            by = rng.choice(self.docs) if rng.random() < 0.6 else rng.choice(self.nurses)
            meds.append({"person": p["id"], "date": self.ds(a), "by": by, "plan": rng.random() < 0.92})
            self.assessed.append((p["id"], a))
            if rng.random() < 0.12 and a + 200 <= self.w1:
                b = rng.randint(a + 120, self.w1)
                meds.append({"person": p["id"], "date": self.ds(b), "by": rng.choice(self.docs), "plan": True})
        meds.sort(key=lambda m: m["date"])
        self.medical = meds

    # ---- activities -----------------------------------------------------------------
    def act(self, kind, o, start_min, dur, staff, people=(), **extra):
        rec = {"id": None, "kind": kind, "start": self.ts(o, start_min), "end": self.ts(o, start_min + dur),
               "full_day": False, "staff": staff, "people": list(people), "headcount": 0}
        for k, v in extra.items():
            if v is not None:
                rec[k] = v
        self.activities.append(rec)
        return rec

    def with_peer(self, staff, p):
        if self.peers and self.rng.random() < p:
            peer = self.rng.choice(self.peers)
            if peer not in staff:
                staff = [*staff, peer]
        return staff

    def make_activities(self):
        self.groups = []
        for fy in self.years:
            self.fy_activities(fy)
        self.activities.sort(key=lambda a: a["start"])
        for i, a in enumerate(self.activities):
            a["id"] = f"a{i + 1}"

    def fy_activities(self, fy):
        rng = self.rng
        lo, hi = self.fy_range[fy]
        apy = self.apy
        counts = {k: round(apy * s) for k, s in KIND_SHARE.items()}
        before = len(self.activities)
        spans = self.fy_eps[fy] or []
        psa_spans = [s for s in spans if s[0]["type"] == "psa"]
        parent_spans = [s for s in psa_spans if s[0]["parent_case"]] or psa_spans
        peers = self.peers
        sw_nurse = self.sw_nurse

        # Outreach ------------------------------------------------------------------
        for i in range(counts["outreach"]):
            o = rng.randint(lo, hi)
            r = rng.random()
            if i == 0:  # late-opening day: 19:00 is after 18:00 but not after closing
                o = lo + (2 - (lo - 1) % 7) % 7
                start = 1140
            elif i == 1:  # Saturday afternoon after closing, before 18:00
                o = lo + (5 - (lo - 1) % 7) % 7
                start = 900
            elif i == 2:  # Sunday evening
                o = lo + (6 - (lo - 1) % 7) % 7
                start = 1200
            elif r < 0.45:
                start = rng.randrange(780, 1020, 15)
            elif r < 0.5:
                start = rng.choice((1050, 1065))  # 17:30/17:45: not evening
            else:
                start = rng.randrange(1080, 1350, 15)
            staff = [rng.choice(self.sw)]
            if rng.random() < 0.25:
                s2 = rng.choice(sw_nurse)
                if s2 not in staff:
                    staff.append(s2)
            staff = self.with_peer(staff, 0.35)
            if peers and rng.random() < 0.03:
                staff = [rng.choice(peers)]
            dur = self.pick(DUR_OUTREACH)
            if start >= 1320 and rng.random() < 0.5:
                dur = 120  # crosses midnight
            contacted = 0 if i == 3 or rng.random() < 0.1 else rng.choice((1, 1, 2, 2, 3, 4, 5, 6))
            self.act("outreach", o, start, dur, staff, psa_contacted=contacted, place=rng.choice(OUTREACH_PLACES))

        # Brief counselling: people without a case in hand (mostly) -----------------
        pool, weights = [], []
        for p in self.psa:
            ident = p["ident"]
            c = p["case"]
            a = max(ident, lo)
            b = hi if c is None else min(hi, c["episodes"][0]["_o"] - 1)
            if c is not None and rng.random() < 0.15:
                b = hi  # sometimes while a case is in hand (not counted under OS9)
            if a <= b:
                pool.append((p["id"], a, b))
                weights.append(6.0 if rng.random() < 0.07 else 1.0)
        for f in self.family:
            if f["case"] is None:
                pool.append((f["id"], lo, hi))
                weights.append(0.8)
        if pool:
            cum = list(accumulate(weights))
            chosen = rng.choices(pool, cum_weights=cum, k=counts["brief_counselling"])
            if chosen:  # one person with six sessions in the year
                chosen[:6] = [chosen[0]] * min(6, len(chosen))
            for i, (pid, a, b) in enumerate(chosen):
                o = self.workday(a, b)
                staff = [rng.choice(sw_nurse)]
                if i < 6:
                    self.act("brief_counselling", o, self.office_start(o), 60 + 15 * (i % 3), staff, [pid])
                    continue
                if peers and rng.random() < 0.04:
                    staff = [rng.choice(peers)]  # peer only: not OS9
                else:
                    staff = self.with_peer(staff, 0.05)
                self.act("brief_counselling", o, self.office_start(o), self.pick(DUR_BRIEF), staff, [pid])

        # Casework: interviews are filled in last -----------------------------------
        def casework(kind, n, durs, peer_p, notes=None):
            if not spans:
                return
            for _ in range(n):
                c, a, b = rng.choice(spans)
                o = self.workday(a, b)
                people = [c["client"]]
                if c["members"] and rng.random() < 0.25:
                    m = rng.choice(c["members"])
                    people = [m] if rng.random() < 0.5 else [c["client"], m]
                staff = self.with_peer([c["worker"]], peer_p)
                start = self.office_start(o)
                if kind == "home_visit" and rng.random() < 0.15:
                    start = rng.choice((1110, 1140))
                self.act(kind, o, start, self.pick(durs), staff, people, case=c["id"],
                         note=rng.choice(notes) if notes else None)

        casework("phone", counts["phone"], DUR_PHONE, 0.02)
        casework("home_visit", counts["home_visit"], DUR_OFFICE, 0.2)
        casework("escort", counts["escort"], DUR_OUTREACH, 0.3, ESCORT_NOTES)

        # Groups --------------------------------------------------------------------
        budget = counts["group_session"]
        gi = 0
        while budget > 0:
            gi += 1
            kind = self.pick(GROUP_KIND)
            if gi == 1:
                kind = "counselling"
            elif gi == 2:
                kind = "family_relationship"
            if kind == "mutual_help":
                n_sess = rng.randint(6, 16)
            elif kind == "counselling":
                n_sess = rng.choice((3, 4, 6, 6, 8, 8, 8, 10, 10, 12))
            else:
                n_sess = rng.choice((2, 3, 4, 5, 6, 6, 8, 8, 10))
            n_sess = min(n_sess, budget)
            budget -= n_sess
            self.make_group(fy, kind, n_sess, gi, lo, hi, psa_spans, parent_spans)

        # Education and professional training ---------------------------------------
        schools, post_sec = self.secondary, self.post_sec
        hsp = [s["id"] for s in self.schools if s["healthy_school_programme"] or s["international_or_esf"]]
        for i in range(counts["education"] + counts["professional_training"]):
            training = i >= counts["education"]
            fmt = self.pick(TRAIN_FORMAT if training else EDU_FORMAT)
            r = rng.random()
            school = workplace = None
            if i < len(hsp) and not training:
                school = hsp[i]
            elif r < 0.5 and schools:
                school = rng.choice(schools)
            elif r < 0.62 and post_sec:
                school = rng.choice(post_sec)
            elif r < 0.75 and self.workplaces:
                workplace = rng.choice(self.workplaces)["id"]
            o = self.workday(lo, hi) if school else rng.randint(lo, hi)
            start = rng.randrange(600, 900, 15) if school or workplace else rng.randrange(600, 1170, 15)
            dur = self.pick(DUR_EDU)
            full_day = False
            if fmt in ("large_event", "exhibition") and rng.random() < 0.4:
                start, dur, full_day = 540, 480, True
            elif fmt in ("publication", "media", "web", "souvenir"):
                dur = 60
            staff = [rng.choice(sw_nurse)]
            if rng.random() < 0.3:
                s2 = rng.choice(sw_nurse)
                if s2 not in staff:
                    staff.append(s2)
            staff = self.with_peer(staff, 0.2)
            head = (rng.randint(80, 600) if fmt in ("large_event", "exhibition") else
                    rng.randint(200, 5000) if fmt in ("publication", "media", "web", "souvenir") else
                    rng.randint(12, 60) if training or fmt in ("workshop", "group") else rng.randint(30, 400))
            rec = self.act("professional_training" if training else "education", o, start, dur, staff,
                           format=fmt, school=school, workplace=workplace,
                           note=rng.choice(TRAINING_NOTES["school" if school else "workplace" if workplace else None]
                                          if training else EDU_NOTES[fmt]))
            rec["headcount"] = head
            rec["full_day"] = full_day

        # Medical support -----------------------------------------------------------
        med_pool = [(pid, max(a, lo)) for pid, a in self.assessed if a <= hi]
        if not med_pool:
            med_pool = [(p["id"], max(p["ident"], lo)) for p in self.psa if p["ident"] <= hi][:5] or \
                [(self.psa[0]["id"], lo)]
        for _ in range(counts["consultation"]):
            pid, a = rng.choice(med_pool)
            o = self.workday(a, hi)
            r = rng.random()
            staff = [rng.choice(self.docs)]
            if r < 0.7:
                staff.append(rng.choice(self.nurses))
            elif r < 0.85:
                staff.append(rng.choice(self.sw))
            elif r < 0.9:
                staff += [rng.choice(self.nurses), rng.choice(self.sw)]
            funded = "medical_support" if rng.random() < 0.88 else None
            self.act("consultation", o, rng.randrange(840, 1020, 15), self.pick(DUR_BRIEF), staff, [pid],
                     funded_by=funded, note=rng.choice(CONSULT_NOTES))
        if spans:
            for _ in range(counts["nursing"]):
                c, a, b = rng.choice(psa_spans or spans)
                o = self.workday(a, b)
                who = c["client"]
                if c["members"] and rng.random() < 0.06:
                    who = rng.choice(c["members"])  # a family member: not "for PSA"
                staff = [rng.choice(self.nurses)]
                if rng.random() < 0.1:
                    staff.append(c["worker"])
                self.act("nursing", o, self.office_start(o), self.pick(DUR_OFFICE), staff, [who], case=c["id"],
                         note=rng.choice(NURSING_NOTES))
            for _ in range(counts["homemaker_service"]):
                c, a, b = rng.choice(parent_spans)
                o = self.workday(a, b)
                r = rng.random()
                staff = [rng.choice(self.hms)]
                if r < 0.12:
                    s2 = rng.choice(self.hms)
                    if s2 not in staff:
                        staff.append(s2)
                elif r < 0.22:
                    staff.append(c["worker"])
                people = [c["client"]]
                if c["members"] and rng.random() < 0.3:
                    people.append(rng.choice(c["members"]))
                self.act("homemaker_service", o, self.office_start(o), self.pick(DUR_HOMEMAKER), staff, people,
                         case=c["id"], place="案主家中", note=rng.choice(HOMEMAKER_NOTES))

        # Hotline and other ---------------------------------------------------------
        everyone = [p["id"] for p in self.psa]
        for _ in range(counts["hotline_call"]):
            o = rng.randint(lo, hi)
            staff = [rng.choice(self.sw + peers)]
            if rng.random() < 0.3:
                rec = self.act("hotline_call", o, rng.randrange(540, 1320, 5), self.pick(DUR_HOTLINE), staff,
                               [rng.choice(everyone)], note=rng.choice(HOTLINE_NOTES))
            else:
                rec = self.act("hotline_call", o, rng.randrange(540, 1320, 5), self.pick(DUR_HOTLINE), staff,
                               note=rng.choice(HOTLINE_NOTES))
                rec["headcount"] = 1
        for _ in range(counts["other"]):
            o = rng.randint(lo, hi)
            staff = self.with_peer([rng.choice(self.sw)], 0.5)
            ppl = list(dict.fromkeys(c["client"] for c in self.on_case(psa_spans, o, rng.randint(3, 12))))
            ppl = ppl or [self.psa[0]["id"]]
            self.act("other", o, rng.choice((570, 600, 840)), rng.choice((120, 180, 240)), staff, ppl,
                     note=rng.choice(OTHER_NOTES))

        # Interviews fill the year's total ------------------------------------------
        done = len(self.activities) - before
        n_iv = max(apy - done, 0)
        if spans:
            casework("interview", round(n_iv * 0.9), DUR_OFFICE, 0.05)
        n_rest = n_iv - (round(n_iv * 0.9) if spans else 0)
        for _ in range(n_rest):  # intake interviews with people not (yet) on a case
            pid, a, b = rng.choice(pool) if pool else (everyone[0], lo, hi)
            o = self.workday(a, b)
            self.act("interview", o, self.office_start(o), self.pick(DUR_OFFICE), [rng.choice(self.sw)], [pid])
        # A session that starts on the last evening of the year and ends in the next.
        if spans:
            c, a, b = spans[0]
            self.act("outreach", hi, 1410, 60, [rng.choice(self.sw)], psa_contacted=1,
                     place=rng.choice(OUTREACH_PLACES))

    def on_case(self, spans, day, k):
        """Up to k distinct cases (sampled) whose episode covers `day` (or is near it)."""
        rng, out, seen = self.rng, [], set()
        if not spans:
            return out
        for _ in range(k * 8):
            c, a, b = rng.choice(spans)
            if a - 30 <= day <= b and c["id"] not in seen:
                seen.add(c["id"])
                out.append(c)
                if len(out) >= k:
                    break
        return out

    def make_group(self, fy, kind, n_sess, gi, lo, hi, psa_spans, parent_spans):
        rng = self.rng
        gid = f"g{len(self.groups) + 1}"
        title = f"{rng.choice(GROUP_TITLES[kind])}（{fy}/{(fy + 1) % 100:02d}年度第{gi}期）"
        self.groups.append({"id": gid, "kind": kind, "title": title})
        # Participants.
        first = rng.randint(lo, max(lo, hi - 7 * n_sess))
        if (first - 1) % 7 == 6:
            first += 1
        members, case_of = [], {}
        if kind == "family_relationship":
            n_fam = 1 if rng.random() < 0.1 else rng.randint(2, 5)
            for c in self.on_case(parent_spans, first, n_fam):
                for pid in [c["client"], *c["members"][:2]]:
                    if pid not in case_of:
                        case_of[pid] = c["id"]
                        members.append(pid)
        elif kind == "family_support":
            fam = [f["id"] for f in self.family]
            members = rng.sample(fam, min(len(fam), rng.randint(4, 12)))
        else:
            k = rng.randint(3, 5) if rng.random() < 0.25 else rng.randint(6, 12)
            members = list(dict.fromkeys(c["client"] for c in self.on_case(psa_spans, first, k)))
        if not members:
            members = [self.psa[0]["id"]]
        # Staff.
        lead = rng.choice(self.nurses) if kind == "counselling" and rng.random() < 0.2 else rng.choice(self.sw)
        base_staff = [lead]
        if self.peers and kind == "mutual_help" and rng.random() < 0.5:
            base_staff = [rng.choice(self.peers)]  # peer-led
        elif self.peers and kind == "counselling" and rng.random() < 0.04:
            base_staff = [rng.choice(self.peers)]  # peer only: not OS8
        school = rng.choice(self.secondary) if kind == "counselling" and self.secondary and rng.random() < 0.08 else None
        # Schedule: weekly, same weekday and time.
        wd = (first - 1) % 7
        late = CLOSE_MIN[wd] and CLOSE_MIN[wd] > 1080
        start = 600 if wd == 5 else (1140 if late or rng.random() < 0.3 else rng.choice((600, 870)))
        dur = self.pick(DUR_GROUP)
        for s in range(n_sess):
            o = first + 7 * s
            d = dur if rng.random() > 0.04 else 45
            attend = [m for m in members if rng.random() < 0.85] or members[:1]
            staff = self.with_peer(list(base_staff), 0.25)
            rec = self.act("group_session", o, start, d, staff, attend, group=gid, school=school)
            if rng.random() < 0.03 or (gi == 1 and s == n_sess - 1):  # day camp (the first group ends with one)
                rec["start"], rec["end"], rec["full_day"] = self.ts(o, 540), self.ts(o, 1020), True

    # ---- feedback, training, levels -------------------------------------------------
    def make_feedback(self):
        rng = self.rng
        peers = set(self.peers)
        out = []
        assessed = {pid for pid, _ in self.assessed}
        parent_clients = {c["client"] for c in self.cases if c["parent_case"]}
        for a in self.activities:
            k = a["kind"]
            if k == "education":
                if a.get("format") in ("publication", "media", "web", "souvenir"):
                    continue
                n = min(a["headcount"], rng.randint(3, 12))
                school = a.get("school")
                p_pos = 0.92 if school else 0.88
                for _ in range(n):
                    out.append({"activity": a["id"], "person": None, "school": school, "topic": "drug_harm",
                                "positive": rng.random() < p_pos})
                continue
            ppl = a["people"]
            if not ppl:
                continue
            if k == "consultation" and ppl[0] in assessed and rng.random() < 0.3:
                out.append({"activity": a["id"], "person": ppl[0], "school": None,
                            "topic": rng.choice(("drug_harm", "recovery")), "positive": rng.random() < 0.84})
            if peers.intersection(a["staff"]) and rng.random() < 0.3:
                for pid in ppl[:4]:
                    out.append({"activity": a["id"], "person": pid, "school": None,
                                "topic": rng.choice(("recovery", "drug_harm")), "positive": rng.random() < 0.83})
            if k in ("homemaker_service", "group_session") and rng.random() < 0.2:
                for pid in ppl:
                    if pid in parent_clients:
                        out.append({"activity": a["id"], "person": pid, "school": None, "topic": "parenting",
                                    "positive": rng.random() < 0.78})
                        out.append({"activity": a["id"], "person": pid, "school": None, "topic": "drug_use",
                                    "positive": rng.random() < 0.76})
        # Small documents: make sure every topic has at least one form.
        have = {f["topic"] for f in out}
        with_people = [a for a in self.activities if a["people"] and a["kind"] != "education"]
        parent_acts = [a for a in with_people if a["people"][0] in parent_clients] or with_people
        for topic in ("drug_harm", "recovery", "parenting", "drug_use"):
            if topic not in have and with_people:
                a = (parent_acts if topic in ("parenting", "drug_use") else with_people)[0]
                out.append({"activity": a["id"], "person": a["people"][0], "school": None, "topic": topic,
                            "positive": True})
        self.feedback = out

    def make_trainings(self):
        rng = self.rng
        out = []
        for fy in self.years:
            lo, hi = self.fy_range[fy]
            for s in self.peers:
                for _ in range(rng.choice((1, 2, 2, 3))):
                    out.append({"staff": s, "date": self.ds(self.workday(lo, hi)), "paid": rng.random() < 0.85,
                                "title": rng.choice(TRAINING_TITLES)})
            for s in self.sw_nurse:
                if rng.random() < 0.6:
                    out.append({"staff": s, "date": self.ds(self.workday(lo, hi)), "paid": rng.random() < 0.7,
                                "title": rng.choice(TRAINING_TITLES)})
        out.sort(key=lambda t: (t["date"], t["staff"]))
        self.trainings = out

    def make_levels(self):
        rng = self.rng
        s_act = self.apy / 4000
        # Case-based standards scale with the generated caseload (episodes with a
        # complete plan in hand during the year) against the agreed 280.
        caseload, intake = {}, {}
        for fy in self.years:
            lo, hi = self.fy_range[fy]
            intake[fy] = sum(1 for c in self.cases for ep in c["episodes"] if lo <= ep["_o"] <= hi)
            caseload[fy] = sum(1 for c in self.cases for ep in c["episodes"]
                               if ep["_o"] <= hi and (ep["_c"] is None or ep["_c"] >= lo) and ep.get("plan")
                               and all(ep["plan"].values()))
        levels, conv = [], []
        for fy in self.years:
            row = {"fy": fy}
            drift = 1 + rng.choice((0, 0, 0.03, 0.05, -0.03))
            s_case = max(caseload[fy], 10) / AGREED["OS4"]
            s_intake = max(intake[fy], 3) / AGREED["OS5"]
            for code, v in AGREED.items():
                if isinstance(v, float):
                    row[code] = v
                else:
                    scale = s_intake if code == "OS5" else s_case if code in CASELOAD_BASED else s_act
                    row[code] = max(1, round(v * scale * drift))
            row["OS17"] = max(1, round(AGREED["OS17"] * s_act * drift))
            levels.append(row)
            if rng.random() < 0.6:
                conv.append({"fy": fy, "route": "post_secondary", "schools": rng.randint(1, 2)})
            if rng.random() < 0.5:
                conv.append({"fy": fy, "route": "family_brief", "schools": rng.randint(1, 2)})
            if rng.random() < 0.25:
                conv.append({"fy": fy, "route": "family_group", "schools": 1})
        if not conv:
            conv.append({"fy": self.years[-1], "route": "post_secondary", "schools": 1})
        self.levels, self.conversions = levels, conv
        self.establishment = [{"role": "peer_support_worker", "as_of": f"{fy}-10-01", "count": len(self.peers)}
                              for fy in self.years]

    # ---- assembly -------------------------------------------------------------------
    def run(self):
        self.make_staff()
        self.make_schools()
        self.make_people()
        self.make_cases()
        self.make_case_records()
        self.make_activities()
        self.make_feedback()
        self.make_trainings()
        self.make_levels()
        cases = []
        for c in self.cases:
            eps = []
            for ep in c["episodes"]:
                e = {"opened": ep["opened"]}
                if "closed" in ep:
                    e["closed"] = ep["closed"]
                if "plan" in ep:
                    e["plan"] = ep["plan"]
                if "closure" in ep:
                    e["closure"] = ep["closure"]
                eps.append(e)
            cases.append({**c, "episodes": eps})
        return {
            "format": "tongxing-exchange", "version": 1,
            "unit": {"code": self.unit_code, "name": self.unit_name, "opening_hours": {k: (list(v) if v else None)
                                                                                       for k, v in OPENING.items()}},
            "staff": self.staff,
            "establishment": self.establishment,
            "schools": self.schools,
            "workplaces": self.workplaces,
            "people": self.people,
            "groups": self.groups,
            "cases": cases,
            "involvements": self.involvements,
            "collaborations": self.collaborations,
            "referrals": self.referrals,
            "activities": self.activities,
            "medical_assessments": self.medical,
            "feedback": self.feedback,
            "trainings": self.trainings,
            "conversions": self.conversions,
            "agreed_levels": self.levels,
        }


def generate(*, unit_code="DEMO", unit_name="同行社區戒毒輔導中心", people=120, activities_per_year=600,
             years=(2023, 2024), seed=1) -> dict:
    """A valid exchange document for one unit, deterministic from the arguments.

    ``people`` is the number of person records (about a fifth of them family members,
    ids ``f…``; the rest service users, ids ``p…``); ``activities_per_year`` the number
    of activities in each financial year of ``years`` (FY 2024 = 2024-04-01..2025-03-31).
    """
    return _Gen(unit_code, unit_name, people, activities_per_year, years, seed).run()
