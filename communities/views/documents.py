"""Documents: the list, the upload, and the only way to read a file (an access-checked download)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bigbuyers.http import SignedInRequest
from bigbuyers.pagination import page_of
from communities import selectors
from communities.forms import DocumentForm
from communities.models import Document, Receipt
from communities.permissions import (
    Space,
    community_view,
    get_community_or_404,
    get_document_or_404,
    require_not_guest_only,
)
from communities.services.documents import upload_document


def file_response(item: Document | Receipt) -> FileResponse:
    """The stored file as an attachment, with the type checked at upload, never rendered by the browser."""
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@community_view()
def documents(request: SignedInRequest, space: Space) -> HttpResponse:
    page = page_of(request, selectors.documents_of(space.community))
    return render(request, "communities/documents.html", {
        "space": space, "community": space.community, "documents": page, "page": page, "tab": "documents",
    })


@community_view()
def document_upload(request: SignedInRequest, space: Space) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload_document(space.community, by=request.user, title=form.cleaned_data["title"].strip(),
                        upload=upload, name=upload.name, size=upload.size,
                        classification=form.cleaned_data["classification"])
        messages.success(request, _("The document is uploaded."))
        return redirect("communities:documents", space.community.slug)
    return render(request, "communities/form_page.html", {
        "space": space, "community": space.community, "form": form, "tab": "documents", "multipart": True,
        "title": _("Upload a document"), "button": _("Upload"),
    }, status=400 if form.errors else 200)


@never_cache
@login_required
def document_download(request: SignedInRequest, slug: str, pk: int) -> FileResponse:
    """Confidential: members and staff; public: anybody signed in (guests excepted); everybody else 404."""
    document = get_document_or_404(request, get_community_or_404(slug), pk)
    return file_response(document)


@login_required
def public_documents(request: SignedInRequest) -> HttpResponse:
    """The documents communities share with the whole platform."""
    require_not_guest_only(request.user)
    page = page_of(request, selectors.public_documents())
    return render(request, "communities/public_documents.html", {"documents": page, "page": page})
