"""Bilingual labels for the returns a funder reads in both languages: "電訪 phone visit".

Inside `bilingual()`, gettext gives each message as its Traditional Chinese translation followed by the English
message id (the id alone where the catalogue has no other wording), so the same lazy labels the pages show in
one language print in both on the exported tables.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.utils.translation import trans_real

CLOSING = "）」』】"  # after a full-width bracket the English follows without a space


def _both(chinese: str, english: str) -> str:
    if chinese == english:
        return english
    return chinese + ("" if chinese.endswith(tuple(CLOSING)) else " ") + english


class _Bilingual:
    def __init__(self, chinese):
        self.chinese = chinese

    def gettext(self, message):
        return _both(self.chinese.gettext(message), message.split(trans_real.CONTEXT_SEPARATOR)[-1])

    def ngettext(self, singular, plural, number):
        return _both(self.chinese.ngettext(singular, plural, number), singular if number == 1 else plural)

    def to_language(self):
        return None


@contextmanager
def bilingual():
    chinese = trans_real.translation("zh-hant")
    had, previous = hasattr(trans_real._active, "value"), getattr(trans_real._active, "value", None)
    trans_real._active.value = _Bilingual(chinese)
    try:
        yield
    finally:
        if had:
            trans_real._active.value = previous
        else:
            del trans_real._active.value
