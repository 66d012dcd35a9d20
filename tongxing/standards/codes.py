"""The funder's standards (DOMAIN.md, seed 002), in report order, with their names."""

OUTPUT_STANDARDS = {
    "OS1": ("及早識別及介入的外展服務節數", "Outreach sessions for early identification and intervention"),
    "OS1a": ("其中於晚間（開放時間以外）進行", "of which in the evening outside opening hours"),
    "OS2": ("透過主動接觸首次識別的吸毒者人數", "PSA identified for the first time through proactive approaches"),
    "OS3": ("其中首次識別時未滿21歲", "of OS2, aged under 21 at identification"),
    "OS4": ("有個案計劃的個案數目", "Cases with a case plan"),
    "OS4a": ("其中吸毒者個案", "of which PSA cases"),
    "OS4b": ("其中吸毒孕婦／家長個案", "of which pregnant/parent PSA cases"),
    "OS5": ("新開／重開個案數目", "New / reopened cases"),
    "OS6": ("有持份者參與的個案數目", "Cases with stakeholder involvement"),
    "OS7": ("吸毒孕婦／家長個案的專業人員協作次數", "Professional collaborations on pregnant/parent cases"),
    "OS8": ("社工及／或護士帶領的輔導小組節數", "Counselling group sessions by SW and/or nurse"),
    "OS9": ("簡短輔導／諮詢節數", "Brief counselling / consultation sessions"),
    "OS10": ("禁毒教育及宣傳節數（包括專業培訓）", "Anti-drug education and publicity sessions incl. professional training"),
    "OS11": ("服務學校百分比", "Schools served, %"),
    "OS12": ("接受醫療支援的吸毒者人數", "PSA receiving medical support"),
    "OS13": ("診症／治療節數", "Consultation / treatment sessions"),
    "OS14": ("護士為吸毒者提供的護理節數", "Nursing sessions by nurses for PSA"),
    "OS15": ("朋輩支援服務節數", "Peer support sessions"),
    "OS15a": ("其中由康復者朋輩支援工作員提供", "of which by ex-user peer workers"),
    "OS16": ("建立家庭關係小組節數", "Family-relationship-building group sessions"),
    "OS17": ("家務指導員直接服務時數", "Home-maker direct service hours"),
}

OUTCOME_STANDARDS = {
    "OC1": ("達成個案計劃的結案個案百分比", "Closed cases that achieved the case plan"),
    "OC2": ("結案前戒毒的吸毒者個案百分比", "PSA cases abstinent before termination"),
    "OC3": ("有家人參與的吸毒者個案百分比", "PSA cases with family involvement"),
    "OC4": ("學校師生表示更了解毒品禍害的百分比", "Schools whose staff/students report better understanding of drug harm"),
    "OC5": ("接受醫療支援的吸毒者表示更了解的百分比", "Medical-support PSA reporting better understanding"),
    "OC6": ("朋輩支援服務使用者表示更了解的百分比", "Peer-support users reporting better understanding of harm / recovery"),
    "OC7": ("吸毒孕婦／家長表示親職效能、自尊、家庭關係改善的百分比",
            "Pregnant/parent PSA reporting better parenting efficacy, self-esteem, family relations"),
    "OC8": ("吸毒孕婦／家長表示減少吸毒或戒毒的百分比", "Pregnant/parent PSA reporting less use or abstinence"),
    "OC9": ("吸毒孕婦／家長得到多於一個持份者支援的百分比", "Pregnant/parent PSA supported by more than one stakeholder"),
    "OC10": ("朋輩支援工作員受薪工作相關培訓", "Peer workers' paid work-related training"),
}

STANDARD_CODES = [*OUTPUT_STANDARDS, *OUTCOME_STANDARDS]
RATIO_STANDARDS = {"OS11", *OUTCOME_STANDARDS}
