"""The demo centre's records that the exchange format does not carry (``tongxing demo``).

After the exchange import, `add_extras` gives the demo unit what the newer pages show: next actions on
open cases, a funded project with its indicators and PHQ-9 / satisfaction forms, the prevention centre's
lectures, hotline and pre-release counselling with KPIs, consents and disclosures, and case clients' intake
details (district, address, education, employment, emergency contact). Everything goes
through the apps' own services (so each record has its audit event), is fully determined by the seed and
today's date, and is created once: a unit that already has the demo project is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tongxing.organisations.models import Staff
from tongxing.projects.models import Project

from .cases import CaseExtras
from .intake import IntakeExtras
from .prevention import PreventionExtras
from .privacy import PrivacyExtras
from .projects import PROJECT_CODE, ProjectExtras

__all__ = ["PROJECT_CODE", "add_extras"]




class _Extras(CaseExtras, ProjectExtras, PreventionExtras, PrivacyExtras, IntakeExtras):
    """Every family of extras on one seeded random source."""


def add_extras(unit, *, start: dt.date, end: dt.date, today: dt.date, by, worker: Staff | None = None,
               seed: int = 2024) -> bool:
    """Add the extras to the demo `unit` for the project period `start`–`end`; False if it has them already.

    `by` (the demo supervisor) records the centre-wide work; case work is recorded by each case's worker.
    """
    with transaction.atomic():
        if Project.objects.filter(unit=unit, code=PROJECT_CODE).exists():
            return False
        extras = _Extras(unit, start=start, end=end, today=today, by=by, worker=worker, seed=seed)
        extras.worker_caseload()
        extras.next_actions()
        project = extras.project()
        extras.outputs(project)
        extras.outcomes(project)
        extras.prevention()
        extras.privacy()
        extras.agencies()
        extras.intake()  # last: what it draws from the random source changes nothing above
    return True
