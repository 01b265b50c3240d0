"""Rules and writes of staff two-factor authentication (django-otp's TOTP devices).

A staff member has at most one authenticator app: a TOTP device that counts once `confirmed`. An
unconfirmed one is the enrolment in progress, kept so that the QR code and the secret stay the same
while the person types a code. Codes are checked under a row lock, so that django-otp's throttling
(a wait that doubles after each wrong code) holds even when guesses arrive in parallel.
"""

from __future__ import annotations

import logging
from base64 import b32encode
from typing import TYPE_CHECKING

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from bigbuyers.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

logger = logging.getLogger("bigbuyers.two_factor")

DEVICE_NAME = "Authenticator app"


def confirmed_device(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def is_verified(user: User) -> bool:
    """True when this session passed a code (set by django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_step_missing(user: User | AnonymousUser) -> bool:
    """True when a signed-in staff member must still give a code, or enrol first, to use the admin.

    Staff without an app pass with their password alone, unless STAFF_REQUIRE_TWO_FACTOR is on.
    """
    if not (isinstance(user, User) and user.is_active and user.is_staff) or is_verified(user):
        return False
    return settings.STAFF_REQUIRE_TWO_FACTOR or confirmed_device(user) is not None


def start_enrolment(user: User) -> TOTPDevice:
    """The person's enrolment in progress, created with a new random secret when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def check_code(device: TOTPDevice, code: str, *, ip: str) -> str | None:
    """Check a code of `device`; None when it is right, otherwise the message to show.

    A wrong code counts towards django-otp's throttling and is logged, as is an attempt made while
    throttled; a right code cannot be used a second time.
    """
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = locked.verify_is_allowed()
        if not allowed:
            seconds = max(1, int(((details or {}).get("locked_until", timezone.now()) - timezone.now()).total_seconds()) + 1)
            logger.warning("Two-factor code not checked: throttled after %s wrong codes (user %s, address %s)",
                           locked.throttling_failure_count, locked.user_id, ip)
            return ngettext(
                "Too many wrong codes. Wait %(seconds)s second, then enter the code your app shows.",
                "Too many wrong codes. Wait %(seconds)s seconds, then enter the code your app shows.",
                seconds,
            ) % {"seconds": seconds}
        if locked.verify_token(code):
            device.refresh_from_db()
            return None
        logger.warning("Two-factor code refused: %s wrong codes in a row (user %s, address %s)",
                       locked.throttling_failure_count, locked.user_id, ip)
    return _("This code is not right. Enter the 6-digit code your app shows now.")


def confirm_device(device: TOTPDevice) -> None:
    """Make the enrolled app the person's one confirmed device (any other is removed)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    logger.info("Two-factor authentication turned on (user %s)", device.user_id)


def remove_device(device: TOTPDevice) -> None:
    """Remove the person's authenticator app: the admin asks for the password only again."""
    user_id = device.user_id
    TOTPDevice.objects.filter(user_id=user_id).delete()
    logger.info("Two-factor authentication turned off (user %s)", user_id)


def export(user: User) -> list[dict[str, object]]:
    """The person's authenticator apps, for their data export (never the secret)."""
    return [{"name": d.name, "confirmed": d.confirmed,
             "last_used_at": d.last_used_at.isoformat() if d.last_used_at else None}
            for d in TOTPDevice.objects.filter(user=user).order_by("pk")]


def erase(user: User) -> None:
    """Erasure removes the person's authenticator apps with the rest of the account."""
    TOTPDevice.objects.filter(user=user).delete()


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it, in groups of four characters."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """An inline SVG of the QR code that configures an authenticator app (no image request, no CSP change).

    segno writes only path data and the escaped title, so the markup is safe to include as it is.
    """
    code = segno.make(device.config_url, error="m", micro=False)
    return code.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="two-factor-qr", lineclass=None,
                           title=_("QR code to scan with your authenticator app"))
