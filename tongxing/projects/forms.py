from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.scope import people_for
from tongxing.people.models import Person

from .models import Enrolment, Programme, Project


class ManualFigureForm(forms.Form):
    value = forms.DecimalField(label=_("figure"), min_value=0, max_digits=12, decimal_places=2)
    evidence = forms.CharField(label=_("evidence"), widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": _("state the evidence")})


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnrolmentForm(forms.Form):
    """A participant enrolled in a project, or one of its programmes, from a date until an optional end
    (DOMAIN.md "Funded projects", scope). The dates lie within the project period, and a person is never
    enrolled twice at once in the same project or programme."""

    person = forms.ModelChoiceField(label=_("Participant"), queryset=Person.objects.none(), widget=forms.HiddenInput,
                                    error_messages={"required": _("Choose the participant to enrol"),
                                                    "invalid_choice": _("Choose the participant to enrol")})
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(), required=False,
                                       empty_label=_("The whole project"))
    date = forms.DateField(label=_("Enrolled on"), widget=_date_input())
    ended = forms.DateField(label=_("Enrolment ended on"), required=False, widget=_date_input(),
                            help_text=_("Leave empty while the participant stays enrolled"))

    def __init__(self, *args, user, project: Project, enrolment: Enrolment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project, self.enrolment = project, enrolment
        self.fields["person"].queryset = people_for(user).filter(unit=project.unit_id, merged_into__isnull=True)
        self.fields["programme"].queryset = project.programmes.order_by("pk")
        if enrolment is not None:
            # Who is enrolled and where stays; only the dates of an enrolment change.
            self.fields["person"].disabled = self.fields["programme"].disabled = True
            self.initial.update(person=enrolment.person_id, programme=enrolment.programme_id,
                                date=enrolment.date, ended=enrolment.ended)
        else:
            self.initial.setdefault("date", max(project.start, min(project.end, timezone.localdate())))

    def chosen(self) -> list[Person]:
        value = self["person"].value()
        if isinstance(value, Person):
            return [value]
        return list(self.fields["person"].queryset.filter(pk=value)) if str(value or "").isdigit() else []

    def clean(self):
        data = super().clean()
        start, ended = data.get("date"), data.get("ended")
        project = self.project
        period = {"start": project.start.isoformat(), "end": project.end.isoformat()}
        if start is not None and not project.start <= start <= project.end:
            self.add_error("date", _("The enrolment must start within the project period (%(start)s to %(end)s)")
                           % period)
        if ended is not None and not project.start <= ended <= project.end:
            self.add_error("ended", _("The enrolment must end within the project period (%(start)s to %(end)s)")
                           % period)
        if start is not None and ended is not None and ended < start:
            self.add_error("ended", _("The enrolment cannot end before it starts"))
        person = data.get("person")
        if person is not None and start is not None and not self.errors:
            clash = self._clash(person, data.get("programme"), start, ended)
            if clash is not None:
                self.add_error(None, _("%(person)s is already enrolled in %(where)s from %(start)s%(until)s")
                               % {"person": person, "where": clash.programme or project.title,
                                  "start": clash.date.isoformat(),
                                  "until": _(" to %(end)s") % {"end": clash.ended.isoformat()} if clash.ended
                                  else _(" with no end date")})
        return data

    def _clash(self, person, programme, start, ended) -> Enrolment | None:
        """Another enrolment of the person in the same project or programme that overlaps these dates; in a
        programme, any other enrolment at all (one per person: change its dates instead)."""
        others = Enrolment.objects.filter(project=self.project, person=person, programme=programme)
        if self.enrolment is not None:
            others = others.exclude(pk=self.enrolment.pk)
        if programme is None:
            others = others.filter(Q(ended__isnull=True) | Q(ended__gte=start))
            if ended is not None:
                others = others.filter(date__lte=ended)
        return others.order_by("date").first()
