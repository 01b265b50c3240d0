"""The CPV vocabulary's table: reference data, filled and kept up to date by surveys/cpv/loader.py."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CpvCode(models.Model):
    """One code of the Common Procurement Vocabulary (CPV 2008) and its English label.

    Keyed by its eight digits, so that a division ("34000000") or a group ("34100000") is found by its
    key and a number typed by a buyer by a prefix of it; the check digit is kept beside. Planned
    purchases store the whole code as text (``34144910-0``), not a foreign key: answers given before
    the vocabulary was loaded, or with a code it no longer has, stay as they were written.

    Search by words uses full-text and trigram indexes on the label, created on PostgreSQL only by the
    migration that adds this table (they are not portable, so they are not declared here).
    """

    digits = models.CharField(_("code without its check digit"), max_length=8, primary_key=True)
    check_digit = models.CharField(_("check digit"), max_length=1)
    label = models.CharField(_("label"), max_length=300)

    class Meta:
        app_label = "surveys"
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")
        ordering = ["digits"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def code(self) -> str:
        return f"{self.digits}-{self.check_digit}"
