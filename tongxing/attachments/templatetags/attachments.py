"""`{% attachments_section record %}`: a person's, case's or referral's files, with the form to add one."""

from django import template

from tongxing.accounts.scope import attachments_for, may_attach, may_remove_attachment
from tongxing.cases.models import Case, Referral
from tongxing.organisations.models import Staff

from ..forms import AttachmentForm, RemoveAttachmentForm

register = template.Library()


@register.inclusion_tag("attachments/_section.html", takes_context=True)
def attachments_section(context, record, in_scope=False):
    """`in_scope`: the page read `record` (a case or person) through the user's scope in this request."""
    request = context["request"]
    user = request.user
    if isinstance(record, Case):
        field, add = "case", "case-attach"
    elif isinstance(record, Referral):
        field, add = "referral", "referral-attach"
    else:
        field, add = "person", "person-attach"
    listed = list(attachments_for(user, with_removed=True).filter(**{field: record}).defer("ciphertext")
                  .order_by("-uploaded_at", "-pk"))
    files = [a for a in listed if a.removed_at is None]
    removed = [a for a in listed if a.removed_at is not None]
    names = _staff_names({a.uploaded_by_id for a in files} | {a.removed_by_id for a in removed})
    for a in files:
        a.by_name = names.get(a.uploaded_by_id, "")
        a.may_remove = may_remove_attachment(user, a)
    for a in removed:
        a.by_name = names.get(a.removed_by_id, "")
    return {"record": record, "files": files, "removed": removed, "add_url": add,
            "may_attach": may_attach(user, record, in_scope=in_scope), "form": AttachmentForm(),
            "remove_form": RemoveAttachmentForm(), "csrf_token": context.get("csrf_token")}


def _staff_names(user_ids) -> dict:
    """Who attached or removed a file, by their staff name (not the login name)."""
    ids = [u for u in user_ids if u]
    return dict(Staff.objects.filter(user_id__in=ids).values_list("user_id", "name")) if ids else {}
