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
    "截至 %(end)s 落後於按比例預期": "Behind the pro-rata expectation at %(end)s",
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
    # accounts
    "帳戶已暫時鎖定": "Account temporarily locked",
    "密碼連續錯誤太多次，帳戶已暫時鎖定。請稍後再試，或聯絡系統管理員。": "Too many wrong passwords in a row, so the account is locked for now. Try again later, or ask your system administrator.",
    "設定雙重認證": "Set up two-factor authentication",
    "中心主任及管理員必須使用雙重認證。請用認證程式（例如 Google Authenticator、Microsoft Authenticator）掃描二維碼，然後輸入程式顯示的驗證碼。": "Supervisors and administrators must use two-factor authentication. Scan the QR code with an authenticator app (such as Google Authenticator or Microsoft Authenticator), then enter the code the app shows.",
    "二維碼": "QR code",
    "無法掃描？請輸入密鑰：": "Can't scan it? Enter this key instead:",
    "啟用": "Turn on",
    "雙重認證": "Two-factor authentication",
    "請輸入認證程式顯示的6位數字驗證碼。": "Enter the 6-digit code your authenticator app shows.",
    "確認": "Confirm",
    # activities: shared pieces
    "移除": "Remove",
    "分頁": "Pages",
    "第一頁": "First",
    "上一頁": "Previous",
    "第 %(n)s 頁，共 %(total)s 頁": "Page %(n)s of %(total)s",
    "下一頁": "Next",
    "最後一頁": "Last",
    "共 %(n)s 項": ("%(n)s record", "%(n)s records"),
    "搜尋人士": "Search for a person",
    "搜尋姓名、電話或編號": "Search by name, phone or reference number",
    "找不到相符的人士": "No one matches",
    "儲存": "Save",
    "篩選": "Filter",
    "清除": "Clear",
    "日期": "Date",
    "時間": "Time",
    "人士": "Person",
    "沒有紀錄": "No records",
    "修改": "Edit",
    "新增": "New",
    "全部": "All",
    "類別": "Type",
    # activities
    "服務紀錄": "Activities",
    "醫療評估": "Medical assessments",
    "新增醫療評估": "New medical assessment",
    "診症／治療": "Consultation/treatment",
    "護理": "Nursing",
    "評估者": "Assessed by",
    "治療計劃": "Treatment plan",
    "出席表": "Attendance sheet",
    "分鐘": "min",
    "節數詳情": "Session details",
    "此治療小組只有 %(n)s 名參加者（少於 %(min)s 名）：仍可計算，但周年統計會標示。": "This therapy group has only %(n)s participants (fewer than %(min)s): it still counts, but the annual return will flag it.",
    "勾選出席的組員": "Tick the members present",
    "這是小組的第一節：請用下面的搜尋加入出席者。": "This is the group's first session: add those present with the search below.",
    "儲存出席紀錄": "Save attendance",
    "加入即場參加者": "Add a walk-in participant",
    "全日": "Full day",
    "晚間": "Evening",
    "個案": "Case",
    "小組": "Groups",
    "服務使用者": "People served",
    "職員": "Staff",
    "形式": "Format",
    "學校": "School",
    "工作間": "Workplace",
    "地點": "Place",
    "接觸吸毒者人數": "PSAs contacted",
    "匿名人數": "Anonymous headcount",
    "資助來源": "Funded by",
    "紀錄": "Notes",
    "加入服務使用者（如適用）": "Add people served (if any)",
    "新一節": "New session",
    "出席": "Present",
    "未有節數": "No sessions yet",
    "新小組": "New group",
    "節數": "Sessions",
    "參加者": "Participants",
    "沒有小組": "No groups",
    "小組及出席": "Groups and attendance",
    "個案／小組": "Case/group",
    "人數": "Headcount",
    "晚間外展（OS1a）": "Evening outreach (OS1a)",
    "朋輩支援工作員": "Peer support worker",
    "家務指導直接服務時數": "Home-maker direct service hours",
    "家務指導員": "Home-maker",
    "小時": "Hours",
    "每月服務次數": "Activities per month",
    "每月服務次數圖": "Chart of activities per month",
    "以表格顯示": "Show as a table",
    "月份": "Month",
    "次數": "Activities",
    "已儲存：%(what)s": "Saved: %(what)s",
    "已儲存出席紀錄（新增 %(a)d，移除 %(r)d）": "Attendance saved (%(a)d added, %(r)d removed)",
    "已儲存醫療評估": "Medical assessment saved",
    # referrals
    "轉介": "Referrals",
    "方向": "Direction",
    "機構": "Agency",
    "狀態": "Status",
    "已等候 %(n)s 日": ("waiting %(n)s day", "waiting %(n)s days"),
    "轉介進程": "Referral progress",
    "已轉介": "sent",
    "更新狀態": "Update the status",
    "更新": "Update",
    "新轉介": "New referral",
    "未完結的轉介：%(n)s 項": ("%(n)s outstanding referral", "%(n)s outstanding referrals"),
    "追蹤未完結轉介": "Track outstanding referrals",
    "等候日數": "Days waiting",
    "沒有轉介": "No referrals",
    "已儲存轉介": "Referral saved",
    "已更新轉介狀態": "Referral status updated",
    # cases
    "已開個案。下一步：訂立個案計劃。": "Case opened. Next step: write the case plan.",
    "你開啟此頁後，已有其他人儲存了個案計劃，你的修改未有儲存。你輸入的內容仍在下面；請對照最新版本，再儲存一次。": "Someone else saved the case plan after you opened this page, so your changes were not saved. What you entered is still below: compare it with the latest version and save again.",
    "已儲存個案計劃": "Case plan saved",
    "已結案": "Case closed",
    "已重開個案。請更新個案計劃。": "Case reopened. Please update the case plan.",
    "已儲存": "Saved",
    "已加入參與紀錄": "Involvement added",
    "已加入專業協作紀錄": "Professional collaboration added",
    "已移除成員：%(name)s": "Member removed: %(name)s",
    "已加入成員：%(name)s": "Member added: %(name)s",
    "家人個案已合併至此吸毒者個案": "The family case has been merged into this PSA case",
    # questionnaires
    "提示：在每題按數字鍵即選該分數並跳到下一題。": "Tip: on any item, press a number key to choose that score and move to the next item.",
    "總分": "Total",
    "需跟進": "Needs follow-up",
    "輸入問卷": "Enter a questionnaire",
    "人士（輸入姓名或編號搜尋）": "Person (search by name or reference number)",
    "儲存並輸入下一份": "Save and enter another",
    "問卷紀錄": "Questionnaires entered",
    "問卷庫": "Questionnaire library",
    "問卷": "Questionnaire",
    "測試時間": "Time point",
    "嚴重程度": "Severity",
    "未有問卷紀錄": "No questionnaires entered yet",
    "用法": "Use",
    "改善方向": "Better direction",
    "同意分數": "Agreeing total",
    "最少變化分數": "Minimum important change",
    "輸入此問卷": "Enter this questionnaire",
    "題目": "Items",
    "選項": "Options",
    "分量表": "Subscales",
    "備註": "Notes",
    "反向計分": "Reverse-scored",
    "答案高於 %(n)s 需跟進": "Follow up answers above %(n)s",
    "新增李克特問卷": "New Likert questionnaire",
    "例如禁毒基金的編號問卷：每題同一量表，總分為各題分數之和。": "For example, a numbered Beat Drugs Fund questionnaire: every item on the same scale, the total being the sum of the item scores.",
    "題數": "Items",
    "來源": "Source",
    "自訂": "Custom",
    "內置": "Built-in",
    # people
    "可能已有此人的紀錄：請先核對下列紀錄，或剔選此項仍要建立。": "This person may already have a record: check the records below first, or tick this box to create a new one anyway.",
    "已建立人士紀錄：%(name)s": "Person record created: %(name)s",
    "已加入吸毒紀錄": "Drug use added",
    "已加入子女紀錄": "Child added",
    "已合併：%(drop)s 的紀錄已移至 %(keep)s": "Merged: the records of %(drop)s were moved to %(keep)s",
    "請選擇要保留的紀錄": "Choose the record to keep",
    # prevention (Taiwan)
    "專線來電紀錄": "Hotline call log",
    "城市統計": "Prevention statistics",
    "講習出席": "Lecture attendance",
    # privacy
    "私隱與披露": "Privacy and disclosure",
    "同意書": "Consent",
    "披露對象": "Disclosed to",
    "資料範圍": "Information",
    "目的": "Purpose",
    "有效期": "Valid",
    "已撤回": "Revoked",
    "撤回日期": "Revocation date",
    "撤回": "Revoke",
    "沒有同意書": "No consents",
    "新增同意書": "Add a consent",
    "披露紀錄": "Disclosure log",
    "列印披露紀錄": "Print the disclosure log",
    "沒有披露紀錄": "No disclosures",
    "列印日期": "Printed on",
    "依據": "Basis",
    "經手人": "Handled by",
    "查閱紀錄": "Access log",
    "用戶": "User",
    "動作": "Action",
    # funded projects
    "計劃成效": "Project outcomes",
    "資助計劃": "Funded projects",
    "計劃編號": "Project code",
    "計劃名稱": "Project title",
    "計劃期": "Project period",
    "未有資助計劃": "No funded projects yet",
    "輸出及成效總表（一）輸出指標": "Output and outcome summary (1): output indicators",
    "輸出及成效總表（二）成效指標": "Output and outcome summary (2): outcome indicators",
    "編號": "No.",
    "內容": "Indicator",
    "目標": "Target",
    "佔目標": "% of target",
    "佔招收": "of recruited",
    "未有輸出指標": "No output indicators yet",
    "未有成效指標": "No outcome indicators yet",
    "檢討方法": "Evaluation method",
    "分佈": "Distribution",
    "後測調查": "post-test survey",
    "前測及後測調查": "pre- and post-test survey",
    "同意": "agree",
    "有改善": "improved",
    "沒有改變": "no change",
    "惡化": "worse",
    "平均差": "mean difference",
    "未配對：只有前測 %(a)s、只有後測 %(b)s（不計算）": "Unpaired: %(a)s pre-test only, %(b)s post-test only (not counted)",
    "各社工個案量": "Caseload per social worker",
    "匯出 Excel": "Export to Excel",
    "匯出 Excel Export to Excel": "Export to Excel",
}
# The Chinese side where it ends in Latin letters, so the split cannot find it ("匯出 Excel Export to Excel").
ZH = {
    "匯出 Excel": "匯出 Excel",
    "匯出 Excel Export to Excel": "匯出 Excel",
}
HAN = r"[\u3000-\u9fff\uff00-\uffef]"
PLACEHOLDER = r"%(?:\(\w+\))?[#0+-]*\d*(?:\.\d+)?[sdif]"
GAP = re.compile(r"\s+|(?<=[）」])(?=[A-Za-z])")


def placeholders(text):
    return sorted(re.findall(PLACEHOLDER, text))


def parts(msgid):
    """(Chinese, English) for a msgid written "中文 English", else None.

    The English part starts after the last Chinese character, at a space or glued on after a full-width
    bracket ("感情（婚姻）relationship/marriage"). It opens with a letter, "(" or a placeholder, or with the
    number the Chinese opens with ("20–29 歲 20–29"). When the Chinese ends in placeholders, the split
    giving both halves the same placeholders wins ("年度已過 %(share)s%% %(share)s%% of the year gone").
    """
    hans = list(re.finditer(HAN, msgid))
    if not hans:
        return None
    last = hans[-1].end()
    number = re.match(r"\d[\d–-]*", msgid)
    found = []
    for gap in GAP.finditer(msgid, last):
        zh, en = msgid[: gap.start()].strip(), msgid[gap.end() :].strip()
        if re.search("[A-Za-z]", re.sub(PLACEHOLDER, "", msgid[last : gap.start()])) or not en:
            break  # English has begun already
        opens = re.match(r"[A-Za-z(%]", en) or (
            number and re.match(re.escape(number.group()) + r"(?![\d–])", en)
        )
        # "已移至 %(keep)s" is Chinese ending in a placeholder, not "中文 English"
        if opens and not re.fullmatch(r"(\s*%\(\w+\)[sd])+", en):
            found.append((zh, en))
    same = [(zh, en) for zh, en in found if placeholders(zh) == placeholders(en)]
    return (same or found or [None])[0]


def translate(msgid, lang):
    """The msgstr for one msgid, or None when the English is missing."""
    split = parts(msgid)
    if lang == "zh_Hant":
        return ZH.get(msgid) or (split[0] if split else msgid)
    if msgid in EN:
        return EN[msgid]
    if split:
        return split[1]
    return None if re.search(HAN, msgid) else msgid


for lang in ("en", "zh_Hant"):
    po = polib.pofile(f"locale/{lang}/LC_MESSAGES/django.po")
    missing, mismatched = [], []
    for e in po:
        if e.obsolete:
            continue
        if e.msgid_plural:
            # Chinese-only plurals take an EN value of (one, many); zh_Hant has a single form
            one, many = (lang == "en" and EN.get(e.msgid)) or (
                translate(e.msgid, lang),
                translate(e.msgid_plural, lang),
            )
            if one is None or many is None:
                missing.append(e.msgid)
                one = many = ""
            e.msgstr_plural = {0: one} if lang == "zh_Hant" else {0: one, 1: many}
            pairs = [(e.msgid, one), (e.msgid_plural, many)]
        else:
            text = translate(e.msgid, lang)
            if text is None:
                missing.append(e.msgid)
            e.msgstr = text or ""
            pairs = [(e.msgid, e.msgstr)]
        for source, target in pairs:
            if target and set(placeholders(source)) != set(placeholders(target)):
                mismatched.append((source, target))
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    po.save_as_mofile(f"locale/{lang}/LC_MESSAGES/django.mo")
    print(lang, "missing:", missing)
    if mismatched:
        print(lang, "placeholders differ:", mismatched)
