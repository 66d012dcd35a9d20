"""The form renderer (tongxing/web/form_renderer.py) draws fields, labels and inputs in Python: the HTML must be
exactly what Django's templates give, for every kind of field, bound or not, with errors or not."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from tongxing.cases.forms import PlainSelect, staff_options
from tongxing.organisations.models import Staff
from tongxing.web.form_renderer import FormRenderer

GROUPED = [("", "—"), ("Drugs", [("heroin", "Heroin <H>"), ("ice", 'Ice "glass"')]), ("other", "Other & more")]


class EveryKind(forms.Form):
    name = forms.CharField(label="Name <&>", help_text="The <b>full</b> name", max_length=20)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    phone = forms.CharField(required=False, label="", widget=forms.TextInput(attrs={"placeholder": 'a "quoted" & <x>'}))
    age = forms.IntegerField(required=False, min_value=0)
    amount = forms.DecimalField(required=False, decimal_places=2)
    email = forms.EmailField(required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(required=False, widget=forms.PasswordInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    opened = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("Opened"))
    at = forms.DateTimeField(required=False)
    start = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time", "disabled": True}))
    drug = forms.ChoiceField(choices=GROUPED, required=False)
    drugs = forms.MultipleChoiceField(choices=GROUPED, required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", gettext_lazy("Case"))], widget=forms.RadioSelect)
    agreed = forms.NullBooleanField(required=False)
    sure = forms.BooleanField(required=False)
    tags = forms.MultipleChoiceField(choices=[(1, "one"), (2, "two")], required=False,
                                     widget=forms.CheckboxSelectMultiple)
    number = forms.ChoiceField(choices=[(1, 1), (2.5, 2.5), (None, "none")], required=False,
                               widget=forms.Select(attrs={"hx-get": "/x?a=1&b=2", "data-off": False}))
    grouped_tags = forms.MultipleChoiceField(choices=GROUPED, required=False, widget=forms.CheckboxSelectMultiple)
    grouped_kind = forms.ChoiceField(choices=GROUPED, required=False,
                                     widget=forms.RadioSelect(attrs={"class": "inline <x>", "data-on": True}))
    file = forms.FileField(required=False)
    kept_file = forms.FileField(required=False)  # with a current file: the template draws it
    needed_file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))
    plain_file = forms.FileField(required=False, widget=forms.FileInput)
    initial_shown = forms.CharField(required=False, show_hidden_initial=True, initial="x")
    safe_label = forms.CharField(required=False, label=mark_safe("<i>safe</i>"), help_text=gettext_lazy("Worker"))


class CurrentFile:
    url = "/files/1/?a=1&b=2"

    def __str__(self):
        return "report <1>.pdf"


BOUND = {"name": "", "note": "a <note>", "phone": "<script>", "age": "-1", "amount": "1.234", "email": "no",
         "website": "x", "token": 'a"b', "opened": "not a date", "at": "2024-01-02 03:04", "start": "9:00",
         "drug": "ice", "drugs": ["heroin", "other"], "kind": "b", "agreed": "true", "sure": "on", "tags": ["2"],
         "number": "2.5"}


def _fields(form):
    """Everything a page draws of a form, field by field, and the form whole."""
    out = []
    for field in form:
        out += [field.as_field_group(), str(field), field.label_tag(), field.legend_tag(), str(field.errors),
                field.label_tag("Other <label>", attrs={"class": "x", "hidden": True}, label_suffix=":")]
    return out + [str(form), form.as_p(), str(form.non_field_errors())]


@pytest.mark.parametrize("language", ["zh-hant", "en"])
@pytest.mark.parametrize("data", [None, BOUND], ids=["unbound", "bound"])
@pytest.mark.parametrize("prefix", [None, "plan"])
def test_same_html_as_the_templates(language, data, prefix):
    initial = {"name": "Chan & Lee", "opened": dt.date(2024, 4, 1), "drug": "heroin", "age": 12, "amount": 1.5,
               "grouped_tags": ["ice"], "kind": "a", "kept_file": CurrentFile()}
    with override(language):
        ours = EveryKind(data, initial=initial, prefix=prefix, renderer=FormRenderer())
        django = EveryKind(data, initial=initial, prefix=prefix, renderer=DjangoTemplates())
        if data:
            assert ours.errors and ours.errors == django.errors
        assert _fields(ours) == _fields(django)


def test_the_kinds_it_draws_need_no_template(monkeypatch):
    """Every field of the form but the file input showing its current file is drawn in Python: were a kind to fall
    back to the templates, the comparison above would pass without testing the renderer's HTML."""
    drawn = []
    original = DjangoTemplates.render

    def through_templates(self, template_name, context, request=None):
        drawn.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", through_templates)
    form = EveryKind(initial={"kept_file": CurrentFile()}, renderer=FormRenderer())
    for field in form:
        field.as_field_group()
    assert drawn == ["django/forms/widgets/clearable_file_input.html"]


def test_it_is_the_project_renderer():
    assert isinstance(forms.Form().renderer, FormRenderer)


# Staff as staff_options reads them (unit_staff_names): (pk, name), the name being the option's label.
MEMBERS = [(1, "Chan <Tai> Man"), (2, 'Lee "Siu" & Co'), (13, "黃小明"), (4, "Wong")]


class StaffSelects(forms.Form):
    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label="Staff member")
    worker = forms.ModelChoiceField(queryset=Staff.objects.none(), required=False, empty_label="— none —")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff_options(self.fields["staff"], MEMBERS, leave_out=2)
        staff_options(self.fields["worker"], MEMBERS)


class SameChoices(forms.Form):
    staff = forms.ChoiceField(choices=[("", "---------")] + [m for m in MEMBERS if m[0] != 2],
                              label="Staff member")
    worker = forms.ChoiceField(choices=[("", "— none —"), *MEMBERS], required=False)


@pytest.mark.parametrize("initial", [None, {"staff": 13, "worker": 1}, {"staff": "4", "worker": ""},
                                     {"staff": "", "worker": "2"}, {"staff": 99, "worker": None}])
def test_staff_selects_drawn_straight_give_the_templates_html(initial):
    """The case page's staff selects (staff_options: PlainSelect) skip the choice machinery and the renderer: the
    same HTML as Django's select template, selected option, required attribute and escaping included."""
    ours = StaffSelects(initial=initial, renderer=FormRenderer())
    assert isinstance(ours.fields["staff"].widget, PlainSelect)
    django = SameChoices(initial=initial, renderer=DjangoTemplates())
    assert [str(ours[name]) for name in ("staff", "worker")] == [str(django[name]) for name in ("staff", "worker")]
    assert [ours[name].as_field_group() for name in ("staff", "worker")] == [
        django[name].as_field_group() for name in ("staff", "worker")]
    assert 'value="2"' not in str(ours["staff"]) and 'value="2"' in str(ours["worker"])
