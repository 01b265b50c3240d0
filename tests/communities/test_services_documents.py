"""communities/services/documents.py: an uploaded document is stored under an unguessable name."""

from __future__ import annotations

import io

import pytest

from communities.services.documents import upload_document
from tests.factories import PDF_BYTES, CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_uploaded_document_is_stored_under_an_unguessable_name_with_the_checked_type():
    community = CommunityFactory()
    document = upload_document(community, by=UserFactory(), title="Specs", upload=io.BytesIO(PDF_BYTES),
                               name="../../etc/Our specs.pdf", size=len(PDF_BYTES))
    assert document.original_name == "Our specs.pdf" and document.content_type == "application/pdf"
    assert document.file.name.startswith("documents/") and "specs" not in document.file.name.lower()
    assert len(document.file.name) > 40 and document.file.read() == PDF_BYTES
