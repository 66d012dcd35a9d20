"""The city statistics as one JSON object (docs/reports.md): what `tongxing report taiwan --format json` prints
and the API returns. Figures are numbers, percentages numbers in percent to the precision their table uses."""

from __future__ import annotations

from decimal import Decimal


def _number(value: Decimal | None):
    return None if value is None else float(value)


def statistics_document(unit, data: dict) -> dict:
    """`data` is `statistics.report(...)`'s result."""
    span = data["span"]
    tables = {
        key: {"decimals": table.decimals, "total": table.total, "total_percent": _number(table.total_share),
              "rows": [{"key": row.key, "label": str(row.label), "count": row.count,
                        "percent": _number(row.share)} for row in table.rows]}
        for key, table in data["tables"].items()
    }
    prerelease = data["prerelease"]
    kinds = [key for key, _label in prerelease["kinds"]]
    figures = data["figures"]
    return {
        "format": "tongxing-report", "report": "taiwan", "version": 1,
        "unit": unit.code, "period": {"start": span.start.isoformat(), "end": span.end.isoformat()},
        "rounding": data["method"], "precision": {**data["precision"], "rates": 1},
        "tables": tables,
        "prerelease": {
            "totals": {k: dict(prerelease["totals"][k]) for k in kinds},
            "institutions": [{"name": row["institution"], **dict(zip(kinds, row["cells"], strict=True))}
                             for row in prerelease["rows"]],
        },
        "lectures": {"sessions": data["lecture"]["sessions"], "required": data["lecture"]["required"],
                     "attended": data["lecture"]["attended"],
                     "attendance_percent": _number(data["lecture"]["rate"]),
                     "consultation_sessions": figures["consultation_sessions"],
                     "consultations": figures["consultations"],
                     "consultations_per_attendee_percent": _number(data["lecture"]["consultation_rate"])},
        "hotline": {"calls": figures["hotline_calls"], "from_clients_and_families": figures["hotline_calls_client_family"],
                    "from_clients_and_families_percent": _number(data["hotline"]["client_family_share"]),
                    "items": figures["hotline_items"]},
        "support_groups": {"sessions": figures["support_group_sessions"],
                           "person_times": figures["support_group_person_times"]},
        "figures": dict(figures),
        "kpis": [{"name": r.kpi.name, "formula": r.kpi.formula, "formula_text": r.formula_text,
                  "starts": r.kpi.starts.isoformat(), "ends": r.kpi.ends.isoformat(),
                  "comparison": r.kpi.comparison, "as_percent": r.kpi.as_percent,
                  "target": float(r.kpi.target),
                  "achieved": None if r.achieved is None else float(
                      round(Decimal(r.achieved.numerator) / Decimal(r.achieved.denominator), 4)),
                  "met": r.met} for r in data["kpis"]],
    }
