"""Fill the .po files after `tongxing makemessages -l en -l zh_Hant`, then compile them.

Our msgids are written "中文 English" where one string serves both: the English
catalogue takes the English part and the Traditional Chinese one the Chinese
part. Chinese-only msgids (templates) take their English from EN below; add new
ones there. Run: .venv/bin/python scripts/fill_translations.py (needs polib).
"""

import os
import re

import polib

os.chdir(os.path.join(os.path.dirname(__file__), "..", "tongxing"))
EN = {
    "計算": "Counted",
    "原因": "Reason",
    "分子": "numerator",
    "分母": "denominator only",
    "沒有相關紀錄": "No related records",
    "周年服務統計": "Annual return",
    "服務量及服務成效標準": "Output and outcome standards",
    "單位": "Unit",
    "財政年度": "Financial year",
    "顯示": "Show",
    "提交前請檢查": "Check before submitting",
    "標準": "Standard",
    "名稱": "Name",
    "協定水平": "Agreed level",
    "達致": "Achieved",
    "結果": "Result",
    "扣除轉換前": "before conversion",
    "已服務 %(s)s、轉換 %(c)s、工作間 %(w)s／基數 %(b)s": "served %(s)s, converted %(c)s, workplaces %(w)s / base %(b)s",
    "達標": "Met",
    "未達標": "Not met",
    "家人個案佔協定個案量": "Family cases as a share of the agreed caseload",
    "上限 15%%": "limit 15%%",
    "點選數字以查看計算在內及未計算的紀錄。": "Click a figure to see the records counted and those left out.",
    "季度累積進度": "Quarterly cumulative progress",
    "季度累積進度圖": "Quarterly cumulative progress chart",
    "預期": "expected",
    "跳到內容": "Skip to content",
    "主選單": "Main menu",
    "首頁": "Home",
    "系統管理": "Administration",
    "語言": "Language",
    "切換": "Switch",
    "登出": "Log out",
    "登入": "Log in",
    "用戶名稱": "Username",
    "密碼": "Password",
    "跟進中個案": "Open cases",
    "未有個案計劃的個案": "Open episodes without a case plan",
    "%(fy)s 年度服務紀錄": "Activities in FY %(fy)s",
    "查看周年服務統計": "See the annual return",
    "你的帳戶尚未連結任何單位，請聯絡系統管理員。": "Your account is not linked to a unit yet; please ask your administrator.",
    "同行 Tongxing": "Tongxing",
    "計算在內 %(counted)s 項，未計算 %(excluded)s 項。": "%(counted)s counted, %(excluded)s left out.",
    "財政年度 %(fy)s（%(start)s 至 %(end)s）": "Financial year %(fy)s (%(start)s to %(end)s)",
    "你好，%(name)s。今日是 %(today)s。": "Hello, %(name)s. Today is %(today)s.",
}
HAN = r"[\u3000-\u9fff\uff00-\uffef]"
split = re.compile(r"^(.*" + HAN + r"[^A-Za-z]*?)\s+([A-Za-z(%].*)$", re.S)
for lang in ("en", "zh_Hant"):
    po = polib.pofile(f"locale/{lang}/LC_MESSAGES/django.po")
    missing = []
    for e in po:
        m = split.match(e.msgid)
        if m and re.search(HAN, m.group(1)) and not re.search(HAN, m.group(2)):
            e.msgstr = m.group(2).strip() if lang == "en" else m.group(1).strip()
        elif lang == "en" and re.search(HAN, e.msgid):
            if e.msgid in EN:
                e.msgstr = EN[e.msgid]
            else:
                missing.append(e.msgid)
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    po.save_as_mofile(f"locale/{lang}/LC_MESSAGES/django.mo")
    print(lang, "missing:", missing)
