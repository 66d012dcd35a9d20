"""What a file is, from its bytes: never from its name or the browser's word. PDF and raster images are
accepted; everything else (an SVG drawing or a web page above all, which can carry scripts) is refused."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = Kind("application/pdf", (".pdf",), "PDF")
PNG = Kind("image/png", (".png",), "PNG")
JPEG = Kind("image/jpeg", (".jpg", ".jpeg", ".jfif"), "JPEG")
GIF = Kind("image/gif", (".gif",), "GIF")
WEBP = Kind("image/webp", (".webp",), "WebP")
KINDS = (PDF, PNG, JPEG, GIF, WEBP)
ACCEPT = ",".join(ext for kind in KINDS for ext in kind.extensions)

# Where a PDF's end-of-file marker must appear (as readers tolerate it): in the last kilobyte.
PDF_TAIL = 1024
NAME_LIMIT = 200


def max_bytes() -> int:
    return settings.TONGXING_ATTACHMENT_MAX_BYTES


def sniff(data: bytes) -> Kind | None:
    if data.startswith(b"%PDF-"):
        return PDF if b"%%EOF" in data[-PDF_TAIL:] else None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def _looks_like_markup(data: bytes) -> str | None:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head or (head.startswith(b"<?xml") and b"svg" in head):
        return "svg"
    if head.startswith(b"<"):
        return "markup"
    return None


def _image_is_whole(data: bytes) -> bool:
    """An image that only starts like one (a renamed file with a borrowed header, a broken scan) is refused."""
    from PIL import Image  # heavy: only when an image is attached

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:  # noqa: BLE001 — Pillow raises many kinds for a file it cannot read
        return False
    return True


def clean_filename(name: str) -> str:
    """The name as the user's computer gave it; a name with a folder in it (../, C:\\) or control characters is
    refused, never silently changed."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise ValidationError(_("The file has no name."))
    if any(ch in name for ch in "/\\") or name in {".", ".."} or name.startswith(".."):
        raise ValidationError(_("A file name cannot contain a folder (“/”, “\\” or “..”). Rename the file and "
                                "attach it again."))
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        raise ValidationError(_("The file name contains invisible control characters. Rename the file and attach "
                                "it again."))
    if len(name) > NAME_LIMIT:
        raise ValidationError(_("The file name is longer than %(n)d characters. Rename the file and attach it "
                                "again.") % {"n": NAME_LIMIT})
    return name


def too_large(size: int) -> ValidationError:
    return ValidationError(_("The file is %(size)s; files up to %(limit)s can be attached.") % {
        "size": filesizeformat(size), "limit": filesizeformat(max_bytes())})


def check(name: str, data: bytes) -> tuple[str, Kind]:
    """The cleaned name and the kind of an acceptable file; ValidationError with the reason otherwise."""
    name = clean_filename(name)
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > max_bytes():
        raise too_large(len(data))
    kind = sniff(data)
    if kind is not None and kind is not PDF and not _image_is_whole(data):
        kind = None
    if kind is None:
        markup = _looks_like_markup(data)
        if markup == "svg":
            raise ValidationError(_("SVG drawings cannot be attached: they can carry scripts. Attach a PDF or a "
                                    "PNG or JPEG image instead."))
        if markup:
            raise ValidationError(_("This file is a web page or other marked-up text, not a PDF or an image."))
        raise ValidationError(_("Only PDF documents and PNG, JPEG, GIF or WebP images can be attached; this "
                                "file's content is none of these, whatever its name says."))
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return f"{name}{kind.extensions[0]}", kind
    if f".{extension.lower()}" not in kind.extensions:
        raise ValidationError(_("The file is named “%(name)s” but its content is a %(kind)s file. Rename it to "
                                "end in %(extension)s and attach it again.") % {
            "name": name, "kind": kind.label, "extension": kind.extensions[0]})
    return name, kind
