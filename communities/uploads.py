"""What a member may upload: a size limit, and a type checked by its extension AND by its content.

The browser's Content-Type and the file name are both under the uploader's control; the first bytes
of the file are what a reader program will really open. A file passes only when its extension is
allowed (settings.COMMUNITY_UPLOAD_EXTENSIONS) and its content is what that extension promises.
The type stored and served is the one of this table, never the one the browser sent.

The office formats (.docx, .xlsx, .pptx and the OpenDocument ones) are zip archives: one that would unpack
to an absurd size, hold an absurd number of parts or be compressed beyond what documents are (a "zip
bomb", which exhausts the memory or disk of whoever opens it) is refused, by the sizes its directory
declares: nothing is unpacked here. The limits are settings (COMMUNITY_UPLOAD_MAX_UNPACKED_MB,
COMMUNITY_UPLOAD_MAX_ARCHIVE_FILES, COMMUNITY_UPLOAD_MAX_COMPRESSION_RATIO).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of the old Office formats (.doc, .xls, .ppt)
ZIP = b"PK\x03\x04"
# Below this, a part's compression ratio says nothing (small XML parts compress very well).
RATIO_CHECKED_FROM = 1024 * 1024


def _is_pdf(head: bytes, file: IO[bytes]) -> bool:
    # Readers accept the header within the first kilobyte.
    return b"%PDF-" in head[:1024]


def _zip_names(file: IO[bytes]) -> list[str]:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    finally:
        file.seek(0)


def _office_open_xml(folder: str) -> Callable[[bytes, IO[bytes]], bool]:
    def check(head: bytes, file: IO[bytes]) -> bool:
        if not head.startswith(ZIP):
            return False
        names = _zip_names(file)
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


def _open_document(mimetype: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    # An OpenDocument file starts with a stored "mimetype" entry whose content names the format.
    def check(head: bytes, file: IO[bytes]) -> bool:
        return head.startswith(ZIP) and head[30:38] == b"mimetype" and head[38:38 + len(mimetype)] == mimetype

    return check


def _starts_with(*signatures: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    return lambda head, file: any(head.startswith(s) for s in signatures)


@dataclass(frozen=True)
class FileType:
    content_type: str
    matches: Callable[[bytes, IO[bytes]], bool]


KNOWN_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", _is_pdf),
    ".docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _office_open_xml("word/")),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _office_open_xml("xl/")),
    ".pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", _office_open_xml("ppt/")),
    ".odt": FileType("application/vnd.oasis.opendocument.text", _open_document(b"application/vnd.oasis.opendocument.text")),
    ".ods": FileType("application/vnd.oasis.opendocument.spreadsheet",
                     _open_document(b"application/vnd.oasis.opendocument.spreadsheet")),
    ".odp": FileType("application/vnd.oasis.opendocument.presentation",
                     _open_document(b"application/vnd.oasis.opendocument.presentation")),
    ".doc": FileType("application/msword", _starts_with(OLE2)),
    ".xls": FileType("application/vnd.ms-excel", _starts_with(OLE2)),
    ".ppt": FileType("application/vnd.ms-powerpoint", _starts_with(OLE2)),
    ".png": FileType("image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    ".jpg": FileType("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    ".jpeg": FileType("image/jpeg", _starts_with(b"\xff\xd8\xff")),
}


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    content_type: str
    size: int


def allowed_extensions() -> list[str]:
    return [e for e in settings.COMMUNITY_UPLOAD_EXTENSIONS if e in KNOWN_TYPES]


def check_upload(file: IO[bytes], *, name: str, size: int) -> CheckedUpload:
    """Accept `file` or raise ValidationError saying why (too large, type not allowed, content not matching)."""
    limit = settings.COMMUNITY_UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(_("The file is too large: %(size)s; the limit is %(limit)s.")
                              % {"size": filesizeformat(size), "limit": filesizeformat(limit)}, code="too_large")
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    original = PurePath(name.replace("\\", "/")).name[:255] or "file"
    extension = PurePath(original).suffix.lower()
    if extension not in allowed_extensions():
        raise ValidationError(_("This type of file cannot be uploaded. Allowed: %(types)s.")
                              % {"types": ", ".join(allowed_extensions())}, code="type")
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    kind = KNOWN_TYPES[extension]
    if not kind.matches(head, file):
        raise ValidationError(_("The content of the file is not a %(extension)s file: check that you chose the right one.")
                              % {"extension": extension}, code="content")
    if head.startswith(ZIP):
        _check_archive(file, extension=extension)
    return CheckedUpload(original_name=original, content_type=kind.content_type, size=size)


def _check_archive(file: IO[bytes], *, extension: str) -> None:
    """Refuse an office document whose zip directory declares an absurd unpacked size, number of parts or
    compression ratio; ValidationError says which, in the person's words."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(_("The content of the file is not a %(extension)s file: check that you chose the right one.")
                              % {"extension": extension}, code="content") from None
    finally:
        file.seek(0)
    most_parts = settings.COMMUNITY_UPLOAD_MAX_ARCHIVE_FILES
    if len(parts) > most_parts:
        raise ValidationError(_("This document is made of %(count)s parts; a document may have %(limit)s at most. "
                                "Save it again from its program, or split it.")
                              % {"count": len(parts), "limit": most_parts}, code="archive_files")
    unpacked = sum(part.file_size for part in parts)
    largest = settings.COMMUNITY_UPLOAD_MAX_UNPACKED_BYTES
    if unpacked > largest:
        raise ValidationError(_("This document unpacks to %(size)s; a document may unpack to %(limit)s at most. "
                                "Save it again from its program, or split it.")
                              % {"size": filesizeformat(unpacked), "limit": filesizeformat(largest)}, code="archive_size")
    ratio = settings.COMMUNITY_UPLOAD_MAX_COMPRESSION_RATIO
    if any(part.file_size >= RATIO_CHECKED_FROM and part.file_size > ratio * max(part.compress_size, 1) for part in parts):
        raise ValidationError(_("This document is compressed far more than documents are: it cannot be checked "
                                "safely. Save it again from its program."), code="archive_ratio")
