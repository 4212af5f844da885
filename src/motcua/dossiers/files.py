"""Uploaded files: PDF, JPEG, PNG only, recognised by their content, within size limits."""

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class FileRejected(ValueError):
    """A file that is not an acceptable scan; the message is for the user."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str


def max_file_size() -> int:
    return settings.MOTCUA_MAX_FILE_SIZE


def max_dossier_size() -> int:
    return settings.MOTCUA_MAX_DOSSIER_SIZE


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Recognise the file by its bytes (not its name or the browser's word) and hash it."""
    name = upload.name or _("tệp")
    if upload.size == 0:
        raise FileRejected(_("Tệp “%(name)s” rỗng.") % {"name": name})
    if upload.size > max_file_size():
        raise FileRejected(
            _("Tệp “%(name)s” lớn hơn giới hạn %(limit)s.")
            % {"name": name, "limit": _mb(max_file_size())}
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in ALLOWED:
        raise FileRejected(
            _("Tệp “%(name)s” không phải PDF, JPEG hay PNG (kiểm tra theo nội dung tệp).")
            % {"name": name}
        )
    upload.seek(0)
    if mime.startswith("image/"):
        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception as exc:
            raise FileRejected(
                _("Tệp ảnh “%(name)s” bị hỏng, không đọc được.") % {"name": name}
            ) from exc
    else:
        upload.seek(max(0, upload.size - 1024))
        if b"%%EOF" not in upload.read():
            raise FileRejected(_("Tệp PDF “%(name)s” không hoàn chỉnh.") % {"name": name})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        content_type=mime, extension=ALLOWED[mime], size=upload.size, sha256=digest.hexdigest()
    )
