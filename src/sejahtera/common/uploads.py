"""Checking uploaded files by their content, not their name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
MAX_BYTES = 5 * 1024 * 1024


def check_upload(
    upload: UploadedFile, *, kinds: tuple[str, ...], max_bytes: int = MAX_BYTES
) -> str:
    """Return the detected kind, or raise a ValidationError naming what is allowed."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("Berkas %(name)s terlalu besar (%(size).1f MB); paling besar %(max).0f MB.")
            % {"name": upload.name, "size": upload.size / 1048576, "max": max_bytes / 1048576}
        )
    head = upload.read(16)
    upload.seek(0)
    for kind in kinds:
        if any(head.startswith(signature) for signature in SIGNATURES[kind]):
            return kind
    raise ValidationError(
        _("Berkas %(name)s bukan %(kinds)s (diperiksa dari isinya, bukan namanya).")
        % {"name": upload.name, "kinds": "/".join(k.upper() for k in kinds)}
    )
