"""What the communities' services share: the refusal they raise, their absolute links, and the checked save
of an uploaded file (documents and receipts)."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.files import File
from django.urls import reverse

from communities.models import Document, Receipt
from communities.uploads import check_upload


class NotAllowed(Exception):
    """The change is refused by a rule of the community (the message says which, for people)."""


def site_url(name: str, *args: object) -> str:
    """The absolute address of the communities page `name`, for e-mails."""
    return settings.SITE_URL + reverse(f"communities:{name}", args=args)


def save_upload(instance: Document | Receipt, upload: IO[bytes], *, name: str, size: int) -> None:
    """Check `upload` (ValidationError when refused) and attach it to `instance`, unsaved."""
    checked = check_upload(upload, name=name, size=size)
    instance.original_name, instance.content_type, instance.size = checked.original_name, checked.content_type, checked.size
    instance.file.save(checked.original_name, File(upload), save=False)
