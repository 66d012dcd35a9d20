"""A project's indicators as one JSON object (docs/reports.md): what `tongxing report project --format json`
prints and the API returns. Percentages are numbers in percent: % of target to two decimals (seed 000 prints
611.25%), outcome shares to one (seed 001 prints 81.3%)."""

from __future__ import annotations

import math
from decimal import Decimal


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _outcome(figure) -> dict:
    result, indicator = figure.result, figure.indicator
    out = {"number": indicator.number, "description": indicator.description,
           "instrument": indicator.instrument.name, "criterion": indicator.criterion,
           "threshold_percent": _number(indicator.threshold), "n": result.n,
           "counts": dict(result.counts), "met": figure.verdict.met, "routes": list(figure.verdict.routes)}
    if hasattr(result, "percents"):
        ttest = result.ttest
        out.update({"percents": {k: _number(v) for k, v in result.percents.items()},
                    "unpaired": dict(result.unpaired),
                    "ttest": {"n": ttest.n, "t": _number(ttest.t), "df": ttest.df, "p": _number(ttest.p),
                              "mean_difference": _number(ttest.mean_diff), "sd": _number(ttest.sd)}})
    else:
        out.update({"agreeing": result.agreeing, "percents": {"agree": _number(result.percent),
                                                              "disagree": _number(Decimal(100) - result.percent)
                                                              if result.n else None}})
    return out


def project_document(project, figures: dict) -> dict:
    """`figures` is `indicators.project_figures(project)`'s result."""
    return {
        "format": "tongxing-report", "report": "project", "version": 1,
        "project": {"code": project.code, "title": project.title, "funder": project.funder,
                    "unit": project.unit.code, "start": project.start.isoformat(), "end": project.end.isoformat(),
                    "counts_in_annual_return": project.counts_in_annual_return},
        "precision": {"percent_of_target": 2, "outcome_percents": 1},
        "outputs": [{"number": f.indicator.number, "description": f.indicator.description, "kind": f.indicator.kind,
                     "target": _number(f.indicator.target), "target_is_percent": f.indicator.target_is_percent,
                     "achieved": _number(f.achieved), "recruited": f.recruited, "share_percent": f.share,
                     "percent_of_target": f.percent_of_target,
                     "evidence": f.indicator.evidence if f.indicator.kind == "manual" else None}
                    for f in figures["outputs"]],
        "outcomes": [_outcome(f) for f in figures["outcomes"]],
    }
