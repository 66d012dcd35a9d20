"""Writing forms and instruments; each change records its audit event in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from tongxing.audit.models import Action
from tongxing.audit.services import record

from .models import Administration, Answer, Band, Instrument, Item, Option, Scale
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
    return administration


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
