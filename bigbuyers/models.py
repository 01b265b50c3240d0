"""The portal's user (e-mail login), the outbox, and the records of exports and of e-mails to many people."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            # Respondents sign in with e-mailed links only.
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_staff = models.BooleanField(
        _("secretariat staff"), default=False, help_text=_("Can sign in to the secretariat's admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text=_("The language of the portal's e-mails to this person: the one they last used the portal in."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # UPPER, as Django's case-insensitive lookup (email__iexact) writes it, so that sign-in uses this index.
        constraints = [models.UniqueConstraint(Upper("email"), name="user_email_ci_unique")]
        # The admin's "secretariat staff" filter: a few staff among every respondent.
        indexes = [models.Index(fields=["is_staff"], name="user_is_staff_idx")]

    def __str__(self) -> str:
        return self.email

    def remember_language(self, language: str | None) -> None:
        """Keep `language` (one of LANGUAGES) as the person's language for e-mails, writing only on a change."""
        if language in dict(settings.LANGUAGES) and language != self.language:
            self.language = language
            User.objects.filter(pk=self.pk).update(language=language)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    ABANDONED = "abandoned", _("Failed for good")


class OutgoingEmail(models.Model):
    """An e-mail the portal committed to send: the outbox.

    A service records the message in the same transaction as the change it reports, under a key that
    names it uniquely (``confirmation:response=12:revision=3``); a Celery task sends it after the
    commit, and a periodic task sends whatever is left when the broker was away. The unique key and a
    conditional claim make each message go out once, however often its task runs.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    interactive = models.BooleanField(
        _("a person waits for it"), default=False,
        help_text=_("Sent ahead of bulk e-mails: sign-in links, confirmations, bookings."),
    )
    status = models.CharField(_("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    not_before = models.DateTimeField(_("not before"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "not_before"]),
            models.Index(fields=["-created_at"], name="outgoing_email_created_idx"),  # the admin list's order
            # A person's e-mails, looked up by address (to__iexact) for their data export and erasure.
            models.Index(Upper("to"), name="outgoing_email_to_ci_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportRecord(models.Model):
    """A download of personal data by the secretariat: who, when, what, with which filters, how many rows.

    Written when the download starts; `row_count` and `finished_at` when its last row left the server
    (an aborted download keeps them empty). Rows are never changed in the admin.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("downloaded by"))
    kind = models.CharField(_("what"), max_length=40)
    title = models.CharField(_("description"), max_length=300)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    started_at = models.DateTimeField(_("downloaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export of personal data")
        verbose_name_plural = _("exports of personal data")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["-started_at"]), models.Index(fields=["kind", "-started_at"])]
        # The responses' export has its own permission (surveys.export_responses); the groups' and the
        # communities' are declared here, beside the records, rather than on models of apps in motion.
        permissions = [
            ("export_groups", _("Can download exports of group members, observers and interviews (personal data)")),
            ("export_communities", _("Can download exports of community members and travel claims (personal data)")),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.format}, {self.started_at:%Y-%m-%d %H:%M})"


class BulkEmail(models.Model):
    """A message the secretariat wrote to a chosen set of people, and to whom it went.

    Prepared first (the recipients are fixed then, and the preview shows them); sending is a claim on
    `sent_at`, and each recipient's message goes through the outbox under ``bulk:<id>:<user id>``, so a
    double submit, a second click or a task run twice sends nothing twice.
    """

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    source = models.CharField(_("chosen from"), max_length=40)
    audience = models.CharField(_("recipients"), max_length=300)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    recipient_count = models.PositiveIntegerField(_("number of recipients"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("sent by"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail to many people")
        verbose_name_plural = _("e-mails to many people")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class BulkEmailRecipient(models.Model):
    """One person a bulk e-mail is for (their message is the outbox row with key ``bulk:<id>:<user id>``)."""

    bulk_email = models.ForeignKey(BulkEmail, verbose_name=_("bulk email"), on_delete=models.CASCADE,
                                   related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("person"))

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [models.UniqueConstraint(fields=["bulk_email", "user"], name="one_bulk_email_per_person")]

    def __str__(self) -> str:
        return f"{self.bulk_email_id} → {self.user_id}"
