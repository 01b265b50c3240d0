"""Translations: every message of every language besides English is translated, compiled and shown."""

from __future__ import annotations

import ast
import gettext
import html
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse


@dataclass
class Entry:
    """One message of a .po file: its context, its English text(s), its translation(s) and its flags."""

    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included, obsolete (#~) entries left out.

    A small reader on purpose: the project does not depend on polib, and the format is simple.
    """
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        if entry is not None and (entry.msgid or entry.msgstr):
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:
                finish()
                entry, target = None, None
            if line.startswith("#,"):
                entry = entry or Entry(line=number)
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            assert target is not None, f"{path}:{number}: a continuation line without a keyword"
            value = ast.literal_eval(line)
        else:
            value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
            finish()
            entry = None
        if keyword.startswith('"'):
            pass
        elif keyword == "msgctxt":
            entry = entry or Entry(line=number)
            entry.msgctxt, target = "", ("msgctxt", None)
        elif keyword == "msgid":
            entry = entry or Entry(line=number)
            target = ("msgid", None)
        elif keyword == "msgid_plural":
            assert entry is not None
            entry.msgid_plural, target = "", ("msgid_plural", None)
        elif keyword == "msgstr":
            assert entry is not None
            entry.msgstr[0], target = "", ("msgstr", 0)
        elif (match := re.fullmatch(r"msgstr\[(\d+)\]", keyword)) is not None:
            assert entry is not None
            entry.msgstr[int(match[1])], target = "", ("msgstr", int(match[1]))
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
        assert entry is not None and target is not None
        name, index = target
        if name == "msgstr":
            entry.msgstr[index or 0] += value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)
    finish()
    return entries


def po_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# A language is checked once its catalogue exists: a translation being written is not yet committed.
TRANSLATED = [code for code in OTHER_LANGUAGES if po_path(code).exists()]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def messages(language: str) -> list[Entry]:
    return [entry for entry in read_po(po_path(language)) if entry.msgid]


def header(language: str) -> str:
    return next(entry for entry in read_po(po_path(language)) if not entry.msgid).msgstr[0]


def test_french_is_translated() -> None:
    assert "fr" in OTHER_LANGUAGES
    assert "fr" in TRANSLATED


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_checked(language: str) -> None:
    entries = messages(language)
    nplurals = int(re.search(r"nplurals=(\d+)", header(language))[1])  # type: ignore[index]
    assert len(entries) > 1000
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    wrong_forms = [e.msgid for e in entries if e.msgid_plural is not None and sorted(e.msgstr) != list(range(nplurals))]
    assert not untranslated, f"{len(untranslated)} messages without translation, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy messages, e.g. {fuzzy[:5]}"
    assert not wrong_forms, f"plural messages without {nplurals} forms: {wrong_forms[:5]}"
    assert "fuzzy" not in next(e for e in read_po(po_path(language)) if not e.msgid).flags


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = []
    for entry in messages(language):
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural is None:
            if sorted(PLACEHOLDER.findall(entry.msgstr[0])) != sorted(PLACEHOLDER.findall(entry.msgid)):
                wrong.append((entry.msgid, entry.msgstr[0]))
            continue
        allowed = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural))
        for form in entry.msgstr.values():
            if not set(PLACEHOLDER.findall(form)) <= allowed:
                wrong.append((entry.msgid, form))
        if set(PLACEHOLDER.findall(entry.msgstr[max(entry.msgstr)])) != set(PLACEHOLDER.findall(entry.msgid_plural)):
            wrong.append((entry.msgid_plural, entry.msgstr[max(entry.msgstr)]))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("language", TRANSLATED)
def test_msgfmt_accepts_the_catalogue(language: str) -> None:
    assert shutil.which("msgfmt"), "GNU gettext is missing: `make test` installs it"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path(language))],  # noqa: S603, S607 - gettext
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_matches_the_po(language: str) -> None:
    """The compiled catalogue is not older than the .po: every message resolves to its current translation."""
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for entry in messages(language):
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            found = {0: catalogue._catalog.get(msgid)}  # type: ignore[attr-defined]
        else:
            found = {n: catalogue._catalog.get((msgid, n)) for n in entry.msgstr}  # type: ignore[attr-defined]
        if found != entry.msgstr:
            stale.append(entry.msgid)
    assert not stale, f"{len(stale)} messages differ in the .mo: run compilemessages ({stale[:3]})"


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_home_page_is_shown_in_the_browsers_language(client, campaign, language: str) -> None:  # type: ignore[no-untyped-def]
    translated = {e.msgid: e.msgstr[0] for e in messages(language) if e.msgid_plural is None}
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in page
    for english in ("Skip to main content", "Needs-assessment surveys", "Accessibility statement"):
        assert translated[english] != english
        assert translated[english] in html.unescape(page)
        assert english not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_the_language_chosen_in_the_header_is_kept(client, campaign, language: str) -> None:  # type: ignore[no-untyped-def]
    translated = {e.msgid: e.msgstr[0] for e in messages(language) if e.msgid_plural is None}
    answer = client.post(reverse("set_language"), {"language": language, "next": reverse("home")},
                         HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 302
    page = html.unescape(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert f'<html lang="{language}">' in page
    assert translated["Campaigns"] in page


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_an_html_email_names_the_language_it_is_written_in(language: str) -> None:
    from bigbuyers.outbox import render_email

    translated = {e.msgid: e.msgstr[0] for e in messages(language) if e.msgid_plural is None} if language != "en" else {}
    _, _, body = render_email("bulk", {"subject": "S", "body": "B"}, language=language)
    assert f'<html lang="{language}">' in body
    assert translated.get("Big Buyers secretariat", "Big Buyers secretariat") in html.unescape(body)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "written"), [
    ("en", "13 January 2027, 23:59"), ("fr", "13 janvier 2027 23:59"), ("de", "13. Januar 2027 23:59"),
])
def test_dates_are_written_as_each_language_writes_them(client, language: str, written: str) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from zoneinfo import ZoneInfo

    from tests.factories import CampaignFactory

    deadline = dt.datetime(2027, 1, 13, 23, 59, tzinfo=ZoneInfo("Europe/Brussels"))
    campaign = CampaignFactory(deadline=deadline, time_zone="Europe/Brussels")
    page = client.get(reverse("campaign_detail", args=[campaign.slug]), HTTP_ACCEPT_LANGUAGE=language)
    assert f"{written} (Europe/Brussels)" in html.unescape(page.content.decode())


def test_every_field_of_the_portals_models_has_a_translatable_name() -> None:
    """A field without verbose_name shows its attribute name ("created at") in English in every language."""
    from django.apps import apps
    from django.utils.functional import Promise

    untranslated = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models() if model._meta.app_label in {"bigbuyers", "surveys", "groups", "communities"}
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert not untranslated, f"give these fields a verbose_name in _(): {untranslated}"


@pytest.mark.django_db
def test_the_error_summary_writes_label_and_message_as_each_language_does(client, user, campaign) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user)
    url = reverse("survey_step", args=[campaign.slug, "organisation"])
    french = html.unescape(client.post(url, {}, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "Nom de l'organisation\xa0: Ce champ est obligatoire." in french
    english = html.unescape(client.post(url, {}, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Name of the organisation: This field is required." in english
