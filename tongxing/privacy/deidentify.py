"""De-identified exports for auditors and researchers: no names, phones or free text, ids replaced by
stable pseudonyms, birth dates turned into age bands."""

from __future__ import annotations

import datetime as dt

from tongxing.exchange.schema import Document

from .crypto import pseudonym

AGE_BANDS = [(19, "≤19"), (29, "20–29"), (39, "30–39"), (49, "40–49"), (59, "50–59"), (69, "60–69")]
FREE_TEXT = {"name", "name_en", "phone", "place", "note", "title", "agency", "carer", "reason", "status_reason",
             # v2: a file number, what happens next, to whom and why a person's records went, identity numbers
             "reference", "next_action", "recipient", "information", "purpose", "legal_basis", "action_taken",
             "evidence", "identity_numbers",
             # what a nurse or doctor wrote
             "medication", "health_condition", "drug_needs", "plan_details",
             # where a person lives and whom to call for them (the district stays: one of 18 or 22 areas)
             "address", "emergency_contact"}
# Case-plan parts may name people; what matters for counting is whether each part was written.
PLAN_PARTS = {"direction", "timetable", "actions", "goals"}
# Keys holding record ids, and which collection each points into.
REFERENCES = {"client": "people", "members": "people", "worker": "staff", "merged_into": "cases", "case": "cases",
              "person": "people", "people": "people", "staff": "staff", "by": "staff", "group": "groups",
              "school": "schools", "workplace": "workplaces", "activity": "activities"}


def age_band(birth: str | None, on: dt.date) -> str | None:
    if not birth:
        return None
    born = dt.date.fromisoformat(birth)
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next((label for limit, label in AGE_BANDS if age <= limit), "≥70")


def deidentify(document: Document, on: dt.date) -> dict:
    unit = document.unit["code"]

    def alias(collection, rid):
        return f"{collection[:2]}-{pseudonym(unit, collection, rid)}"

    def clean(collection, record):
        out = {}
        for key, value in record.items():
            if key in FREE_TEXT:
                continue
            if key in PLAN_PARTS:
                out[key] = bool(value.strip())
                continue
            if key == "id" and collection:
                out[key] = alias(collection, value)
            elif key in REFERENCES and value is not None:
                target = REFERENCES[key]
                out[key] = [alias(target, v) for v in value] if isinstance(value, list) else alias(target, value)
            elif key == "birth_date":
                out["age_band"] = age_band(value, on)
            elif isinstance(value, dict):
                out[key] = clean(None, value)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                out[key] = [clean(None, v) for v in value]
            else:
                out[key] = value
        return out

    doc = document.as_json()
    result = {"format": doc["format"], "version": doc["version"], "deidentified": True,
              "age_bands_on": on.isoformat(), "unit": {"code": unit, "opening_hours": doc["unit"]["opening_hours"]}}
    for collection, records in document.records.items():
        result[collection] = [clean(collection, r) for r in records]
    return result
