"""Request bodies are capped at the largest upload plus its form (413), before anything reads them; the
upload limit itself is told beside the field."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Document
from tests.factories import PDF_BYTES, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):  # type: ignore[no-untyped-def]
    membership = MembershipFactory(community=CommunityFactory(slug="hdev"))
    client.force_login(membership.user)
    return membership


def _upload(client, size: int):  # type: ignore[no-untyped-def]
    content = PDF_BYTES + b"%" * (size - len(PDF_BYTES))
    return client.post(reverse("communities:document_upload", args=["hdev"]), {
        "title": "Minutes", "classification": "confidential", "file": SimpleUploadedFile("minutes.pdf", content)})


def test_a_body_larger_than_the_cap_is_refused_before_it_is_read(client, member, settings):
    settings.COMMUNITY_UPLOAD_MAX_BYTES = 8 * 1024
    settings.MAX_REQUEST_BODY_BYTES = 16 * 1024
    answer = _upload(client, 20 * 1024)
    assert answer.status_code == 413
    assert "What you sent is too large" in answer.content.decode() and "8.0\xa0KB" in answer.content.decode()
    assert not Document.objects.exists()
    # Over the upload limit but within the cap: the form says it beside the field.
    within = _upload(client, 12 * 1024)
    assert within.status_code == 400 and "The file is too large" in within.content.decode()
    assert _upload(client, 4 * 1024).status_code == 302


def test_anonymous_posts_are_capped_too(client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    assert client.post(reverse("signin"), {"email": "x" * 2000 + "@city.example"}).status_code == 413


def test_the_caps_follow_the_upload_limit():
    script = ("from django.conf import settings as s; "
              "print(s.MAX_REQUEST_BODY_BYTES, s.FILE_UPLOAD_MAX_MEMORY_SIZE, s.DATA_UPLOAD_MAX_MEMORY_SIZE)")
    figures = []
    for megabytes in ("20", "1"):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bigbuyers.test_settings", "COMMUNITY_UPLOAD_MAX_MB": megabytes}
        run = subprocess.run([sys.executable, "manage.py", "shell", "-c", script],  # noqa: S603
                             capture_output=True, text=True, env=env, timeout=120, check=False)
        figures.append([int(n) for n in run.stdout.split()[-3:]])
    mb = 1024 * 1024
    assert figures[0] == [20 * mb + 2_621_440, 2_621_440, 2_621_440]
    assert figures[1] == [1 * mb + 2_621_440, 1 * mb, 2_621_440]  # a file is never held in memory past the limit
