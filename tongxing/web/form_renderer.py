"""The form renderer (settings.FORM_RENDERER): Django's own templates, except the handful rendered for every field,
label and input of every form, which are written here in Python and give the same HTML.

A case page shows seven forms; through the templates each field costs about half a millisecond (a template for the
field, its label, its label's attributes, its empty error list, its widget and the widget's attributes, and one
more per option of a select), two thirds of what the page costs to draw. Radio buttons and lists of check boxes
(with their options) and file inputs without a current file are drawn here too. Anything else (a clearable file
input showing its current file, error lists with errors, a form rendered whole) still goes through the templates.
tests/test_form_renderer.py renders fields of every kind both ways and compares the HTML.
"""

import html

from django.forms.renderers import DjangoTemplates
from django.forms.utils import RenderableMixin
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_CONTEXT = Context()  # autoescaping, the project's time zone and localisation: as in the templates


def _value(value) -> str:
    """`{{ value }}`."""
    if not isinstance(value, str):
        if not isinstance(value, Promise | RenderableMixin):  # numbers, dates and times: localised, as the templates do
            return render_value_in_context(value, _CONTEXT)
        value = str(value)  # a translation, a label tag, an error list, a widget: text
    # Text, most of what a form shows, skips the localisation that cannot change it.
    return value.__html__() if hasattr(value, "__html__") else html.escape(value)


def _as_text(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs) -> str:
    """django/forms/attrs.html and django/forms/widgets/attrs.html."""
    return "".join(f" {_value(name)}" + ("" if value is True else f'="{_as_text(value)}"')
                   for name, value in (attrs or {}).items() if value is not False)


def _field(context) -> str:
    """django/forms/field.html."""
    field = context["field"]
    if field.use_fieldset:
        described = field.aria_describedby
        head = ("\n  <fieldset" + (f' aria-describedby="{_value(described)}"' if described else "") + ">\n  "
                + (_value(field.legend_tag()) if field.label else "") + "\n")
        tail = "</fieldset>"
    else:
        head = "\n  " + (_value(field.label_tag()) if field.label else "") + "\n"
        tail = ""
    help_text = ""
    if field.help_text:
        help_id = f' id="{_value(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{help_id}>{field.help_text}</div>'
    return f"{head}\n{help_text}\n{_value(field.errors)}\n{_value(field)}{tail}\n"


def _label(context) -> str:
    """django/forms/label.html (labels and legends)."""
    if not context["use_tag"]:
        return _value(context["label"])
    tag = _value(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_value(context['label'])}</{tag}>"


def _no_errors(context) -> str | None:
    """django/forms/errors/list/default.html when there are no errors (with errors: the template)."""
    return None if context["errors"] else ""


def _input(context) -> str:
    """django/forms/widgets/input.html, which the text, number, date ... and hidden inputs' templates include."""
    widget = context["widget"]
    value = f' value="{_as_text(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(context) -> str:
    """django/forms/widgets/textarea.html."""
    widget = context["widget"]
    value = _value(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


SELECT_OPTION = "django/forms/widgets/select_option.html"


def _select(context) -> str | None:
    """django/forms/widgets/select.html with its options (select_option.html); other options: the template."""
    widget = context["widget"]
    groups = widget["optgroups"]
    if any(option["template_name"] != SELECT_OPTION for _name, options, _index in groups for option in options):
        return None
    parts = []
    for name, options, _index in groups:
        if name:
            parts.append(f'\n  <optgroup label="{_value(name)}">')
        parts.extend(f'\n  <option value="{_as_text(option["value"])}"{_attrs(option["attrs"])}>'
                     f'{_value(option["label"])}</option>\n' for option in options)
        if name:
            parts.append("\n  </optgroup>")
    return select_html(widget["name"], widget["attrs"], parts)


def select_html(name, attrs, options) -> str:
    """A select named `name` with its attributes around its options' HTML (select_option or _select's)."""
    return f'<select name="{_value(name)}"{_attrs(attrs)}>' + "".join(options) + "\n</select>"


def select_option(value: str, label, selected: bool) -> str:
    """django/forms/widgets/select_option.html for a plain option; `value` as text. A number needs no escaping."""
    text = value if value.isdigit() else _as_text(value)
    label = html.escape(label) if type(label) is str else _value(label)
    return f'\n  <option value="{text}"{" selected" if selected else ""}>{label}</option>\n'


def _option(option) -> str:
    """django/forms/widgets/input_option.html (a radio button's or a check box's, in its label)."""
    label_id = option["attrs"].get("id")
    label_for = f' for="{_value(label_id)}"' if label_id else ""
    return f"<label{label_for}>{_input({'widget': option})}\n {_value(option['label'])}</label>\n"


OPTIONS = ("django/forms/widgets/radio_option.html", "django/forms/widgets/checkbox_option.html")


def _multiple(context) -> str | None:
    """django/forms/widgets/multiple_input.html, which radio.html and checkbox_select.html include, with options
    of the radio and check box kinds in their labels (other options: the template)."""
    widget = context["widget"]
    groups = widget["optgroups"]
    if any(option["template_name"] not in OPTIONS or not option["wrap_label"]
           for _name, options, _index in groups for option in options):
        return None
    attrs = widget["attrs"]
    box_id, box_class = attrs.get("id"), attrs.get("class")
    parts = ["<div", f' id="{_value(box_id)}"' if box_id else "", f' class="{_value(box_class)}"' if box_class else "",
             ">"]
    for name, options, _index in groups:
        if name:
            parts.append(f"\n  <div><label>{_value(name)}</label>")
        # Each option's own template ends in a new line, and so does the one including it.
        parts.extend(f"<div>\n    {_option(option)}\n</div>" for option in options)
        if name:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _file(context) -> str | None:
    """django/forms/widgets/clearable_file_input.html with no current file (with one: the template)."""
    widget = context["widget"]
    if widget["is_initial"]:
        return None
    return f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>'


INPUTS = ("input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search",
          "tel", "color", "checkbox", "file")
IN_PYTHON = {
    "django/forms/field.html": _field,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _no_errors,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/radio.html": _multiple,
    "django/forms/widgets/checkbox_select.html": _multiple,
    "django/forms/widgets/multiple_input.html": _multiple,
    "django/forms/widgets/clearable_file_input.html": _file,
    **{f"django/forms/widgets/{name}.html": _input for name in INPUTS},
}


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        draw = IN_PYTHON.get(template_name)
        html = draw(context) if draw is not None else None
        if html is None:
            return super().render(template_name, context, request)
        return html.strip()
