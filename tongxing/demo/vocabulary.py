"""The synthetic centre's words and weights: names, places, titles, texts, and the weighted tables the
generator draws from (tongxing/demo/generate.py).
"""

from __future__ import annotations

from itertools import accumulate

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
#: The Hong Kong destination category (seed 002's services for referral) of each agency above, as the generated
#: Hong Kong unit's referral form offers them; an agency not named here is "other".
HONG_KONG_CATEGORY = {
    "醫院管理局物質誤用診所": "substance_abuse_clinic",
    "精神科專科門診": "specialist_treatment",
    "美沙酮診所": "drug_treatment_rehabilitation",
    "戒毒康復中途宿舍": "drug_treatment_rehabilitation",
    "女性戒毒康復中途宿舍": "drug_treatment_rehabilitation",
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
