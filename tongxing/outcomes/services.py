"""Writing forms and instruments; each change records its audit event in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.cases.models import Case

from .models import Administration, Answer, Band, Instrument, Item, Option, RiskAlert, Scale
from .scoring import score, spec_of


@transaction.atomic
def record_administration(user, *, instrument: Instrument, person, date, time_point: str, answers: dict[int, int],
                          case=None, programme=None, request=None) -> Administration:
    """Score and save one filled-in form (raises scoring.AnswerError, nothing saved, if answers are bad)."""
    result = score(spec_of(instrument), answers)
    administration = Administration.objects.create(
        unit=person.unit, instrument=instrument, person=person, case=case, programme=programme, date=date,
        time_point=time_point, total=result.total, subscales=result.subscales,
        band=result.band.label if result.band else "", flagged=bool(result.flags), entered_by=user)
    items = dict(instrument.items.values_list("number", "pk"))
    Answer.objects.bulk_create(Answer(administration=administration, item_id=items[number], value=value)
                               for number, value in answers.items())
    record(Action.CREATE, user=user, obj=administration, request=request,
           summary=f"{instrument.code} {time_point} {date} total {result.total}",
           changes={"person": person.pk, "total": result.total, "flags": result.flags})
    raise_risk_alert(administration, flags=result.flags, user=user, request=request)
    return administration


def risk_reasons(administration: Administration, flags: list[int]) -> list[dict]:
    """The instrument's own rules this form crossed: items answered above their flag, a total in an alerting band."""
    reasons = [{"item": n, "value": v} for n, v in administration.answers.filter(item__number__in=flags)
               .values_list("item__number", "value").order_by("item__number")]
    band = (Band.objects.filter(instrument=administration.instrument, lower__lte=administration.total)
            .order_by("-lower").first())
    if band is not None and band.alert:
        reasons.append({"band": band.label, "band_en": band.label_en, "total": administration.total})
    return reasons


def raise_risk_alert(administration: Administration, *, flags: list[int], user, request=None) -> RiskAlert | None:
    """An alert for the case's worker and the supervisor when any rule is crossed; audited with the form."""
    reasons = risk_reasons(administration, flags)
    if not reasons:
        return None
    case = administration.case or (Case.objects.filter(client=administration.person, episodes__closed__isnull=True)
                                   .order_by("-pk").first())
    alert = RiskAlert.objects.create(unit=administration.unit, administration=administration,
                                     person=administration.person, case=case, reasons=reasons,
                                     raised_at=timezone.now())
    record(Action.CREATE, user=user, obj=alert, request=request,
           summary=f"risk alert: person {administration.person_id} {administration.instrument.code}",
           changes={"reasons": reasons})
    return alert


@transaction.atomic
def acknowledge_risk_alert(alert: RiskAlert, *, action_taken: str, user, request=None) -> RiskAlert:
    alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        return alert
    alert.acknowledged_by, alert.acknowledged_at, alert.action_taken = user, timezone.now(), action_taken.strip()
    alert.full_clean()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "action_taken"])
    record(Action.CHANGE, user=user, obj=alert, request=request,
           summary=f"risk alert acknowledged: person {alert.person_id}", changes={"action_taken": alert.action_taken})
    return alert


@transaction.atomic
def create_likert(user, *, organisation, name: str, name_en: str, better: str, use: str, low: int, high: int,
                  items: list[tuple[str, bool]], labels: list[str] = (), agree_at: int | None = None,
                  min_change: int | None = None, bands: list[tuple[int, str]] = (), request=None) -> Instrument:
    """A supervisor's own Likert questionnaire (like the numbered BDF questionnaires), without code.

    `items` are (text, reverse-scored); `labels` name the points low..high in order.
    """
    base = slugify(name_en or name) or "likert"
    code, n = base[:32], 1
    while Instrument.objects.filter(code=code).exists():
        n += 1
        code = f"{base[:30]}-{n}"
    instrument = Instrument.objects.create(
        code=code, name=name, name_en=name_en, better=better, use=use, agree_at=agree_at, min_change=min_change,
        organisation=organisation, created_by=user)
    scale = Scale.objects.create(instrument=instrument, code="likert")
    labels = list(labels)
    Option.objects.bulk_create(
        Option(scale=scale, value=v, label=labels[i] if i < len(labels) else "")
        for i, v in enumerate(range(low, high + 1)))
    Item.objects.bulk_create(Item(instrument=instrument, number=number, text=text, scale=scale, reverse=reverse)
                             for number, (text, reverse) in enumerate(items, start=1))
    Band.objects.bulk_create(Band(instrument=instrument, lower=lower, label=label) for lower, label in bands)
    record(Action.CREATE, user=user, obj=instrument, request=request,
           summary=f"{code} {name} ({len(items)} items, {low}–{high})",
           changes={"items": len(items), "low": low, "high": high, "better": better})
    return instrument
