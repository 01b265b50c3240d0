"""Office documents are zip archives: one whose unpacked size, number of files or compression is absurd is
refused (a "zip bomb"), and what a form shows about it keeps the rest of the form."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Document
from communities.uploads import check_upload
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _docx(*, unpacked_mb: int = 0, files: int = 0) -> bytes:
    """A Word document whose text part is `unpacked_mb` MB of one repeated byte, with `files` more parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b"<document>")
            chunk = b"\0" * MB
            for _ in range(unpacked_mb):
                part.write(chunk)
            part.write(b"</document>")
        for number in range(files):
            archive.writestr(f"word/media/image{number}.xml", f"<part n='{number}'/>")
    return buffer.getvalue()


def _odt(*, unpacked_mb: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        with archive.open("content.xml", "w", force_zip64=True) as part:
            for _ in range(unpacked_mb):
                part.write(b" " * MB)
    return buffer.getvalue()


def _refusal(content: bytes, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as refusal:
        check_upload(io.BytesIO(content), name=name, size=len(content))
    return refusal.value


def test_a_small_file_that_unpacks_to_200_mb_is_refused():
    bomb = _docx(unpacked_mb=200)
    assert len(bomb) < 250 * 1024  # about 200 KB on disk
    refusal = _refusal(bomb, "minutes.docx")
    assert refusal.code == "archive_size" and "200.0\xa0MB" in refusal.message


def test_an_opendocument_bomb_is_refused_too():
    assert _refusal(_odt(unpacked_mb=150), "minutes.odt").code == "archive_size"


def test_a_document_of_too_many_parts_is_refused(settings):
    settings.COMMUNITY_UPLOAD_MAX_ARCHIVE_FILES = 50
    assert check_upload(io.BytesIO(ok := _docx(files=40)), name="ok.docx", size=len(ok))
    refusal = _refusal(_docx(files=60), "many.docx")
    assert refusal.code == "archive_files" and "62" in refusal.message


def test_a_part_compressed_beyond_reason_is_refused_even_under_the_size_limit(settings):
    settings.COMMUNITY_UPLOAD_MAX_COMPRESSION_RATIO = 50
    refusal = _refusal(_docx(unpacked_mb=3), "dense.docx")  # 3 MB of zeros deflate about 1000 times
    assert refusal.code == "archive_ratio"


def test_ordinary_documents_pass():
    for content, name in ((_docx(), "plain.docx"), (_docx(files=300), "slides.docx")):
        assert check_upload(io.BytesIO(content), name=name, size=len(content)).size == len(content)


def test_the_upload_form_says_why_and_keeps_the_title(client):
    membership = MembershipFactory(community=CommunityFactory(slug="hdev"))
    client.force_login(membership.user)
    answer = client.post(reverse("communities:document_upload", args=["hdev"]), {
        "title": "Tender minutes", "classification": "confidential",
        "file": SimpleUploadedFile("minutes.docx", _docx(unpacked_mb=200)),
    })
    html = answer.content.decode()
    assert answer.status_code == 400 and "unpacks to 200.0\xa0MB" in html
    assert 'value="Tender minutes"' in html
    assert not Document.objects.exists()
