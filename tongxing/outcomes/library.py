"""The shipped instrument library, as data (DOMAIN.md "Funded projects"; seeds 000 and 001).

PHQ-9 (seed 001, 成效指數(一)); a contemplation ladder like BDF questionnaire No.13 (思動階梯, seed 001
成效指數(三), seed 000 成效指標四); a readiness ruler; drug-use frequency in the past 3 months (seed 000
成效指標三); and a post-only satisfaction / "better understanding" form (seed 000 成效指標一, seed 001
成效指數(四)). Installed by a data migration; `install` is idempotent by code, so tests that flush the
database can put the library back.
"""

AGREE_5 = [(1, "非常不同意", "Strongly disagree"), (2, "不同意", "Disagree"), (3, "一般", "Neutral"),
           (4, "同意", "Agree"), (5, "非常同意", "Strongly agree")]

LIBRARY = [
    {
        "code": "phq9", "name": "病人健康狀況問卷-9 (PHQ-9)", "name_en": "Patient Health Questionnaire-9 (PHQ-9)",
        "description": "過去兩星期，你有多經常受以下問題困擾？ Over the last 2 weeks, how often have you been "
                       "bothered by any of the following problems?",
        "better": "lower", "use": "pre_post", "min_change": 5,
        "scales": {"freq": [(0, "完全沒有", "Not at all"), (1, "幾天", "Several days"),
                            (2, "一半以上的天數", "More than half the days"), (3, "幾乎每天", "Nearly every day")]},
        "items": [
            ("做事時提不起勁或沒有興趣", "Little interest or pleasure in doing things"),
            ("感到心情低落、沮喪或絕望", "Feeling down, depressed, or hopeless"),
            ("入睡困難、睡不安穩或睡眠過多", "Trouble falling or staying asleep, or sleeping too much"),
            ("感覺疲倦或沒有活力", "Feeling tired or having little energy"),
            ("食慾不振或吃太多", "Poor appetite or overeating"),
            ("覺得自己很糟、很失敗，或讓自己或家人失望",
             "Feeling bad about yourself, or that you are a failure or have let yourself or your family down"),
            ("對事物專注有困難，例如閱讀報紙或看電視時",
             "Trouble concentrating on things, such as reading the newspaper or watching television"),
            ("動作或說話緩慢到別人察覺，或相反地煩躁不安、動來動去",
             "Moving or speaking so slowly that other people could have noticed, or being fidgety or restless"),
            ("有不如死掉或用某種方式傷害自己的念頭",
             "Thoughts that you would be better off dead, or of hurting yourself in some way"),
        ],
        "flags": {9: 0},
        "bands": [(0, "輕微或沒有", "Minimal"), (5, "輕度", "Mild"), (10, "中度", "Moderate"),
                  (15, "中重度", "Moderately severe"), (20, "重度", "Severe")],
        "alert_bands": [20],
    },
    {
        "code": "contemplation-ladder", "name": "思動階梯", "name_en": "Contemplation ladder",
        "description": "禁毒基金13號問卷類 BDF questionnaire No.13 type: 你現時對改變用藥行為的想法在哪一級？ "
                       "Which rung best matches where you are now in thinking about changing your drug use?",
        "better": "higher", "use": "pre_post",
        "scales": {"ladder": [(0, "沒有想過改變", "No thought of changing")]
                   + [(n, "", "") for n in range(1, 10)] + [(10, "正在採取行動改變", "Taking action to change")]},
        "items": [("思動階梯", "Contemplation ladder")],
    },
    {
        "code": "readiness-ruler", "name": "改變準備尺", "name_en": "Readiness ruler",
        "description": "由0至10，你現在有多準備好改變用藥習慣？ On a scale of 0 to 10, how ready are you to "
                       "change your drug use now?",
        "better": "higher", "use": "pre_post",
        "scales": {"ruler": [(0, "完全未準備", "Not at all ready")] + [(n, "", "") for n in range(1, 10)]
                   + [(10, "完全準備好", "Completely ready")]},
        "items": [("準備改變的程度", "Readiness to change")],
    },
    {
        "code": "drug-frequency-3m", "name": "過去三個月吸毒頻次", "name_en": "Drug-use frequency, past 3 months",
        "description": "過去三個月，你使用毒品的頻率？ In the past 3 months, how often have you used drugs?",
        "better": "lower", "use": "pre_post",
        "scales": {"freq": [(0, "沒有", "Never"), (1, "一至兩次", "Once or twice"), (2, "每月", "Monthly"),
                            (3, "每週", "Weekly"), (4, "每日或幾乎每日", "Daily or almost daily")]},
        "items": [("過去三個月吸毒頻次", "Frequency of drug use in the past 3 months")],
    },
    {
        "code": "satisfaction", "name": "活動滿意及認知問卷", "name_en": "Satisfaction and better-understanding form",
        "description": "活動後填寫 Filled in after the activity.",
        "better": "higher", "use": "post_only", "agree_at": 12,
        "scales": {"agree": AGREE_5},
        "items": [
            ("我對這次活動感到滿意", "I am satisfied with this activity"),
            ("活動令我更了解毒品的禍害", "The activity gave me a better understanding of the harm of drugs"),
            ("活動內容對我有幫助", "The activity was useful to me"),
        ],
    },
]


def install(get_model) -> None:
    """Create every library instrument missing by code; `get_model(name)` gives the (historical) model."""
    Instrument, Scale, Option, Item, Band = (get_model(n) for n in ("Instrument", "Scale", "Option", "Item", "Band"))
    for spec in LIBRARY:
        if Instrument.objects.filter(code=spec["code"]).exists():
            continue
        instrument = Instrument.objects.create(
            code=spec["code"], name=spec["name"], name_en=spec["name_en"], description=spec["description"],
            better=spec["better"], use=spec["use"], agree_at=spec.get("agree_at"),
            min_change=spec.get("min_change"))
        scales = {}
        for code, options in spec["scales"].items():
            scales[code] = Scale.objects.create(instrument=instrument, code=code)
            Option.objects.bulk_create(Option(scale=scales[code], value=v, label=zh, label_en=en)
                                       for v, zh, en in options)
        scale = next(iter(scales.values()))
        flags = spec.get("flags", {})
        Item.objects.bulk_create(
            Item(instrument=instrument, number=n, text=zh, text_en=en, scale=scale, flag_above=flags.get(n))
            for n, (zh, en) in enumerate(spec["items"], start=1))
        Band.objects.bulk_create(Band(instrument=instrument, lower=lower, label=zh, label_en=en)
                                 for lower, zh, en in spec.get("bands", []))
    mark_alert_bands(get_model)


def mark_alert_bands(get_model) -> None:
    """The library's alerting bands (PHQ-9 severe); a no-op before the band's alert field exists."""
    Band = get_model("Band")
    if not any(f.name == "alert" for f in Band._meta.get_fields()):
        return
    for spec in LIBRARY:
        for lower in spec.get("alert_bands", ()):
            Band.objects.filter(instrument__code=spec["code"], lower=lower).update(alert=True)


def ensure_library() -> None:
    from django.apps import apps

    install(lambda name: apps.get_model("outcomes", name))
