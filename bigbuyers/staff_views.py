"""`staff_view`: the one way to hang a page of our own in the admin (a ModelAdmin's ``get_urls``).

Such a page is the admin's: anyone without a staff session (bigbuyers/staff_sessions.py: anonymous people,
respondents, staff signed in with an e-mailed link or still owing their code) is sent to the admin's
sign-in, the answer is never cached and a POST needs the CSRF token (``AdminSite.admin_view``). Then the
page's permission is checked: staff without it get 403. The view itself checks nothing more.

As in Django's admin, a "view" permission is held by whoever holds the "change" permission of the same
model. The access matrix (tests/security/test_access_matrix.py) finds every admin URL of our own and
fails for one that is not wrapped here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from bigbuyers.staff_sessions import staff_power

# "app.codename", several that are all needed, or a function of the URL's arguments giving them (an
# export's permission depends on its kind).
Permission = str | tuple[str, ...] | Callable[..., str | tuple[str, ...]]


def holds(request: HttpRequest, permission: str) -> bool:
    """True when the request's staff session may use `permission`; "app.view_model" is held with
    "app.change_model" too, as Django's admin has it (ModelAdmin.has_view_permission)."""
    if staff_power(request, permission):
        return True
    app_label, _dot, codename = permission.partition(".")
    return codename.startswith("view_") and staff_power(request, f"{app_label}.change_{codename[5:]}")


def staff_view(view: Callable[..., HttpResponseBase], *, permission: Permission,
               site: admin.AdminSite | None = None) -> Callable[..., HttpResponseBase]:
    """`view` behind the admin's sign-in (a staff session) and `permission` (403 without it)."""

    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        needed = permission(*args, **kwargs) if callable(permission) else permission
        for name in (needed,) if isinstance(needed, str) else needed:
            if not holds(request, name):
                raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped = (site or admin.site).admin_view(update_wrapper(checked, view))
    wrapped.staff_permission = permission  # type: ignore[attr-defined]  # what the access matrix looks for
    return wrapped
