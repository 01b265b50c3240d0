"""communities/uploads.py: what a member may upload, checked by its extension and its content."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from communities.uploads import check_upload
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def _office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("report.pdf", PDF_BYTES, "application/pdf"),
    ("Criteria.DOCX", _office("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.xlsx", _office("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("notes.odt", _odt(), "application/vnd.oasis.opendocument.text"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
])
def test_allowed_files_pass_with_the_type_of_their_content(name, content, content_type):
    checked = check_upload(io.BytesIO(content), name=name, size=len(content))
    assert checked.content_type == content_type


@pytest.mark.parametrize(("name", "content", "code"), [
    ("virus.exe", b"MZ\x90\x00", "type"),
    ("page.html", b"<html><script>alert(1)</script>", "type"),
    ("fake.pdf", b"<html><script>alert(1)</script>", "content"),
    ("fake.docx", _office("xl"), "content"),  # a spreadsheet named as a text document
    ("fake.png", PDF_BYTES, "content"),
    ("empty.pdf", b"", "empty"),
])
def test_wrong_type_or_content_is_refused(name, content, code):
    with pytest.raises(ValidationError) as refusal:
        check_upload(io.BytesIO(content), name=name, size=len(content))
    assert refusal.value.code == code


def test_too_large_files_are_refused_before_reading_them(settings):
    settings.COMMUNITY_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refusal:
        check_upload(io.BytesIO(PDF_BYTES), name="big.pdf", size=1025)
    assert refusal.value.code == "too_large" and "1.0\xa0KB" in refusal.value.message
