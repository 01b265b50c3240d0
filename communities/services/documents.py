"""Documents: a member uploads one to the community's library (checked by communities/uploads.py)."""

from __future__ import annotations

from typing import IO

from django.db import transaction

from bigbuyers.models import User
from communities.models import Classification, Community, Document
from communities.services.common import save_upload


@transaction.atomic
def upload_document(community: Community, *, by: User, title: str, upload: IO[bytes], name: str, size: int,
                    classification: str = Classification.CONFIDENTIAL) -> Document:
    """Store a document after checking its size, extension and content (ValidationError otherwise)."""
    document = Document(community=community, uploaded_by=by, title=title, classification=Classification(classification))
    save_upload(document, upload, name=name, size=size)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document
