"""django-axes' database handler, counting the password sign-in only.

Axes forgets an account's failed passwords on any successful sign-in (AXES_RESET_ON_SUCCESS). Sign-in
links would then lift a lockout: whoever reads the mailbox could try passwords without end, a link between
every few guesses. Only the admin's sign-in (the password) is counted (AXES_ONLY_ADMIN_SITE), so only it
resets the count and is logged as an access.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.http import HttpRequest


class PasswordSignInHandler(AxesDatabaseHandler):
    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        if self.is_admin_request(request):
            super().user_logged_in(sender, request, user, **kwargs)
