"""XLSForm import and export of a campaign's questionnaire (the spreadsheet KoboToolbox, ODK and SurveyCTO use).

The workbook is parsed by pyxform (``parse_file_to_json``), which checks the form as those tools do; this
module then maps its tree onto the portal's pages and questions, refusing what the portal does not support
with the row and the reason. An import replaces the questionnaire in one transaction: nothing is half
imported. Export writes the same dialect, so that exporting and importing again gives the same questionnaire.

The portal's dialect
    * every page is a ``begin_group``/``end_group``; a group named after a built-in page (``organisation``,
      ``contact``, ``interests``, ``purchases``, ``challenges``, ``recommendations``, ``interview``,
      ``consent``) places that page, and holds only ``calculate`` rows naming the answers it gives to
      conditions (``body_type``, ``country``, ``size``, ``purchasing_volume``, ``interested_areas``,
      ``interview_willing``), so that ``${body_type}`` is a valid reference for pyxform too. A file that
      names no built-in page gets the usual eight, its own pages just before the consent;
    * a ``note`` first in a group is the page's introduction;
    * types: ``text`` (appearance ``multiline``: long text; ``email``; ``url``), ``integer``, ``decimal``,
      ``date``, ``select_one yes_no`` (a list ``yes_no`` of ``yes`` and ``no``: a yes/no question),
      ``select_one LIST`` (appearance ``minimal``: a drop-down list), ``select_multiple LIST``, ``range``
      (``start=1 end=5|7 step=1``, ``tick_labelset=LIST`` naming the labels of the ends: a scale);
    * ``label``, ``hint`` and ``unit`` per language (``label::French (fr)``; no language: English),
      ``required`` (yes/no), ``relevant`` (the subset of surveys/questionnaire/conditions.py),
      ``constraint`` ``. >= 0 and . <= 100``, ``string-length(.) <= 300``,
      ``count-selected(.) >= 1 and count-selected(.) <= 3``; portal columns ``per_area`` and
      ``personal_data`` (yes/no).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from pyxform.errors import PyXFormError
from pyxform.xls2json import parse_file_to_json
from xlsxwriter import Workbook

from bigbuyers.models import User
from surveys.models import Campaign
from surveys.questionnaire import services
from surveys.questionnaire.models import Choice, PageKind, Question, QuestionKind, QuestionnairePage
from surveys.questionnaire.rules import PageSpec, QuestionSpec, check_structure
from surveys.questionnaire.structure import BUILT_IN_KEYS, questionnaire_of
from surveys.steps import STEP_SLUGS

LANGUAGES = [code for code, _name in settings.LANGUAGES]
LANGUAGE_NAMES = {"en": "English (en)", "fr": "French (fr)", "de": "German (de)"}
UNSUPPORTED = ("begin repeat", "repeat", "geopoint", "geotrace", "geoshape", "image", "audio", "video", "file",
               "barcode", "time", "datetime", "dateTime", "acknowledge", "rank", "start", "end", "today",
               "deviceid", "username", "phonenumber", "audit", "background-audio", "select one from file",
               "select all that apply from file", "hidden")
YES = {"yes", "true", "true()", "1"}
NO = {"", "no", "false", "false()", "0"}


class XLSFormError(ValueError):
    """A form the portal cannot import: every problem, each with its row and reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Question:
    fields: dict[str, Any]
    choices: list[dict[str, Any]] = field(default_factory=list)
    row: int = 0


@dataclass
class _Page:
    kind: str
    key: str
    texts: dict[str, Any] = field(default_factory=dict)
    relevant: str = ""
    questions: list[_Question] = field(default_factory=list)
    row: int = 0


def _language(name: str) -> str | None:
    match = re.search(r"\(([a-z]{2})\)\s*$", name)
    code = match.group(1) if match else {"english": "en", "french": "fr", "français": "fr", "german": "de",
                                         "deutsch": "de", "default": "en"}.get(name.strip().lower())
    return code if code in LANGUAGES else None


def _texts(value: Any, name: str) -> dict[str, str]:
    """A pyxform label (a string, or a dict by language) as model fields: {"label_en": ..., "label_fr": ...}."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        return {f"{name}_en": value.strip()}
    texts = {}
    for language, text in value.items():
        code = _language(language)
        if code and str(text).strip():
            texts[f"{name}_{code}"] = str(text).strip()
    return texts


def _rows(source: Path) -> dict[str, int]:
    """The survey sheet's row of each name (pyxform's tree has none), as pyxform numbers them."""
    book = load_workbook(source, read_only=True, data_only=True)
    rows: dict[str, int] = {}
    if "survey" in book.sheetnames:
        lines = book["survey"].iter_rows(values_only=True)
        header = [str(c or "").strip().lower() for c in next(lines, ())]
        if "name" in header:
            column = header.index("name")
            for number, line in enumerate(lines, start=2):
                if column < len(line) and line[column]:
                    rows.setdefault(str(line[column]).strip(), number)
    book.close()
    return rows


def _flag(value: Any, where: str, column: str, problems: list[str]) -> bool:
    text = str(value or "").strip().lower()
    if text in YES:
        return True
    if text not in NO:
        problems.append(_("%(where)s: “%(column)s” must be yes or no, not “%(value)s”.")
                        % {"where": where, "column": column, "value": value})
    return False


CONSTRAINT = re.compile(r"^(?P<what>\.|string-length\(\s*\.\s*\)|count-selected\(\s*\.\s*\))\s*(?P<op><=|>=)\s*"
                        r"(?P<number>-?\d+(?:\.\d+)?)$")


def _constraint(text: str, kind: str, where: str, problems: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in re.split(r"\band\b", text))):
        match = CONSTRAINT.match(part)
        what = match.group("what").replace(" ", "") if match else ""
        wanted = {".": QuestionKind.NUMBER, "string-length(.)": "text", "count-selected(.)": QuestionKind.SEVERAL_CHOICES}
        if not match or (wanted[what] == "text" and kind not in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)) or (
                wanted[what] != "text" and wanted[what] != kind):
            problems.append(_("%(where)s: the constraint “%(text)s” is not supported (the portal takes . >= N and "
                              ". <= N for numbers, string-length(.) <= N for texts, count-selected(.) >= N and "
                              "count-selected(.) <= N for several choices).") % {"where": where, "text": text})
            return {}
        number, op = Decimal(match.group("number")), match.group("op")
        if what == ".":
            fields["min_value" if op == ">=" else "max_value"] = number
        elif what == "string-length(.)" and op == "<=":
            fields["max_length"] = int(number)
        elif what == "count-selected(.)":
            fields["min_choices" if op == ">=" else "max_choices"] = int(number)
    return fields


def _question(node: dict[str, Any], where: str, problems: list[str],
              lists: dict[str, list[dict[str, Any]]]) -> _Question | None:
    kind_name, appearance = node.get("type", ""), (node.get("control") or {}).get("appearance", "")
    bind = node.get("bind") or {}
    list_name = node.get("list_name") or node.get("itemset") or ""
    choices = node.get("choices") or lists.get(list_name) or []
    fields: dict[str, Any] = {"key": node["name"]}
    if kind_name == "text":
        fields["kind"] = {"multiline": QuestionKind.LONG_TEXT, "email": QuestionKind.EMAIL,
                          "url": QuestionKind.URL, "": QuestionKind.SHORT_TEXT}.get(appearance, "")
    elif kind_name in ("integer", "decimal", "date"):
        fields["kind"] = QuestionKind.DATE if kind_name == "date" else QuestionKind.NUMBER
        fields["whole_number"] = kind_name == "integer"
    elif kind_name == "select one":
        is_yes_no = list_name == "yes_no" and sorted(c["name"] for c in choices) == ["no", "yes"]
        fields["kind"] = QuestionKind.YES_NO if is_yes_no else QuestionKind.ONE_CHOICE
        fields["as_list"] = appearance == "minimal"
    elif kind_name == "select all that apply":
        fields["kind"] = QuestionKind.SEVERAL_CHOICES
    elif kind_name == "range":
        control = node.get("parameters") or node.get("control") or {}
        if (str(control.get("start")), str(control.get("step", "1")), str(control.get("end"))) not in (
                ("1", "1", "5"), ("1", "1", "7")):
            problems.append(_("%(where)s: a range is a scale from 1 to 5 or 1 to 7 by steps of 1 here.") % {"where": where})
            return None
        fields.update(kind=QuestionKind.SCALE, scale_points=int(control["end"]))
        ends = {str(c["name"]): c.get("label") for c in choices}
        fields.update(_texts(ends.get("1"), "low_label"), **_texts(ends.get(str(control["end"])), "high_label"))
        choices = []
    else:
        fields["kind"] = ""
    if not fields["kind"] or (kind_name == "text" and appearance not in ("", "multiline", "email", "url")):
        problems.append(_("%(where)s: the type “%(type)s”%(appearance)s is not supported by the portal.") % {
            "where": where, "type": kind_name, "appearance": f" ({appearance})" if appearance else ""})
        return None
    fields.update(_texts(node.get("label"), "label"), **_texts(node.get("hint"), "help_text"),
                  **_texts(node.get("unit"), "unit"))
    if "label_en" not in fields:
        problems.append(_("%(where)s: the question needs an English label (label or label::English (en)).")
                        % {"where": where})
    fields["required"] = _flag(bind.get("required"), where, "required", problems)
    fields["relevant"] = bind.get("relevant", "").strip()
    fields["per_area"] = _flag(node.get("per_area"), where, "per_area", problems)
    fields["personal_data"] = _flag(node.get("personal_data"), where, "personal_data", problems)
    if bind.get("constraint"):
        fields.update(_constraint(bind["constraint"], fields["kind"], where, problems))
    for other in ("default", "choice_filter", "trigger", "calculation"):
        if node.get(other) or bind.get(other):
            problems.append(_("%(where)s: the column “%(column)s” is not supported.") % {"where": where, "column": other})
    if bind.get("readonly") and bind["readonly"] not in NO:
        problems.append(_("%(where)s: the column “%(column)s” is not supported.") % {"where": where, "column": "read_only"})
    parsed_choices = []
    if fields["kind"] in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
        for choice in choices:
            texts = _texts(choice.get("label"), "label")
            if "label_en" not in texts:
                problems.append(_("%(where)s: the choice “%(name)s” of the list “%(list)s” needs an English label.")
                                % {"where": where, "name": choice["name"], "list": list_name})
            parsed_choices.append({"key": str(choice["name"]), **texts})
    return _Question(fields, parsed_choices)


def parse(source: Path) -> list[_Page]:
    """The pages of the workbook at `source`; raises XLSFormError with every problem found."""
    try:
        tree = parse_file_to_json(str(source), warnings=[])
    except PyXFormError as error:
        raise XLSFormError([str(error)]) from None
    except Exception as error:  # noqa: BLE001 - a workbook pyxform cannot read at all
        raise XLSFormError([_("The file cannot be read as an XLSForm workbook: %(error)s") % {"error": error}]) from None
    rows = _rows(source)
    problems: list[str] = []
    pages: list[_Page] = []
    for node in tree.get("children", []):
        name, kind_name = node.get("name", ""), node.get("type", "")
        where = _("row %(row)s (“%(name)s”)") % {"row": rows.get(name, "?"), "name": name}
        if name == "meta" and kind_name == "group":
            continue  # pyxform's own instanceID
        if kind_name != "group":
            problems.append(_("%(where)s: every question is on a page: put it between a begin_group and an "
                              "end_group.") % {"where": where} if kind_name not in UNSUPPORTED else
                            _("%(where)s: the type “%(type)s” is not supported by the portal.")
                            % {"where": where, "type": kind_name})
            continue
        kind = name if name in STEP_SLUGS else PageKind.CUSTOM
        page = _Page(kind=kind, key=name, row=rows.get(name, 0),
                     relevant=(node.get("bind") or {}).get("relevant", "").strip(),
                     # A built-in page keeps its own title, translated by the portal.
                     texts=_texts(node.get("label"), "title") if kind == PageKind.CUSTOM else {})
        children = node.get("children", [])
        for index, child in enumerate(children):
            child_where = _("row %(row)s (“%(name)s”)") % {"row": rows.get(child.get("name", ""), "?"),
                                                          "name": child.get("name", "")}
            if page.kind != PageKind.CUSTOM:
                if child.get("type") != "calculate" or child.get("name") not in BUILT_IN_KEYS.get(page.kind, ()):
                    problems.append(_("%(where)s: the built-in page “%(page)s” takes no questions of its own (only "
                                      "calculate rows naming its answers: %(keys)s).") % {
                        "where": child_where, "page": name, "keys": ", ".join(BUILT_IN_KEYS.get(page.kind, ())) or "—"})
                continue
            if child.get("type") == "note" and index == 0:
                page.texts.update(_texts(child.get("label"), "introduction"))
            elif child.get("type") in ("group", "note", "calculate"):
                problems.append(_("%(where)s: the type “%(type)s” is not supported inside a page (a note only as the "
                                  "page's first row; no group inside a group).") % {"where": child_where,
                                                                                     "type": child.get("type")})
            elif question := _question(child, child_where, problems, tree.get("choices") or {}):
                question.row = rows.get(child["name"], 0)
                page.questions.append(question)
        pages.append(page)
    if not any(p.kind != PageKind.CUSTOM for p in pages):  # no built-in page named: the usual eight around them
        built_in = [_Page(kind=slug, key=slug) for slug in STEP_SLUGS]
        pages = built_in[:-1] + pages + built_in[-1:]
    problems += check_structure([
        PageSpec(p.kind, p.key, p.relevant, [QuestionSpec(q.fields["key"], q.fields["per_area"], q.fields["relevant"],
                                                          _("row %(row)s (“%(name)s”)") % {"row": q.row, "name": q.fields["key"]})
                                             for q in p.questions], where=_("row %(row)s (“%(name)s”)") % {
                                                 "row": p.row or "—", "name": p.key}) for p in pages])
    if problems:
        raise XLSFormError(problems)
    return pages


@transaction.atomic
def import_questionnaire(campaign: Campaign, source: Path | IO[bytes], *, by: User | None) -> int:
    """Replace `campaign`'s questionnaire with the XLSForm `source`; returns the number of questions imported.

    Raises XLSFormError (nothing changed) for a form the portal does not support, and
    services.QuestionnaireHasAnswers when the campaign's questions already have answers.
    """
    if not isinstance(source, Path):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
            copy.write(source.read())
            copy.flush()
            return import_questionnaire(campaign, Path(copy.name), by=by)
    pages = parse(source)
    if services.campaign_has_answers(campaign):
        raise services.QuestionnaireHasAnswers(campaign.slug)
    Question.objects.filter(campaign=campaign).delete()
    QuestionnairePage.objects.filter(campaign=campaign).delete()
    count = 0
    for position, page in enumerate(pages, start=1):
        row = QuestionnairePage.objects.create(campaign=campaign, kind=page.kind, key=page.key, position=position * 10,
                                               relevant=page.relevant, **page.texts)
        for q_position, parsed in enumerate(page.questions, start=1):
            question = Question.objects.create(page=row, campaign=campaign, position=q_position * 10, **parsed.fields)
            Choice.objects.bulk_create([Choice(question=question, position=n, **choice)
                                        for n, choice in enumerate(parsed.choices, start=1)])
            services.record_wording(question, by=by)
            count += 1
    return count


def _languages(obj: Any, name: str) -> list[str]:
    return [getattr(obj, f"{name}_{code}") or "" for code in LANGUAGES] if obj is not None else [""] * len(LANGUAGES)


def _built_in_titles(kind: str) -> list[str]:
    from surveys.steps import STEPS

    title = next(step.title for step in STEPS if step.slug == kind)
    titles = []
    for code in LANGUAGES:
        with translation.override(code):
            titles.append(str(title))
    return titles


def export_questionnaire(campaign: Campaign, target: Path | IO[bytes]) -> None:
    """Write `campaign`'s questionnaire (retired questions and choices left out) as an XLSForm workbook."""
    questionnaire = questionnaire_of(campaign.pk)
    names = [LANGUAGE_NAMES[code] for code in LANGUAGES]
    header = ["type", "name", *[f"label::{n}" for n in names], *[f"hint::{n}" for n in names], "required", "relevant",
              "constraint", "appearance", "parameters", "calculation", "per_area", "personal_data",
              *[f"unit::{n}" for n in names]]
    survey: list[list[Any]] = [header]
    choices: list[list[Any]] = [["list_name", "name", *[f"label::{n}" for n in names]]]
    blank = [""] * len(LANGUAGES)

    def line(kind: str, name: str, labels: list[str], hints: list[str] = blank, *, required: str = "",
             relevant: str = "", constraint: str = "", appearance: str = "", parameters: str = "",
             calculation: str = "", per_area: str = "", personal: str = "", units: list[str] = blank) -> None:
        survey.append([kind, name, *labels, *hints, required, relevant, constraint, appearance, parameters,
                       calculation, per_area, personal, *units])

    yes_no_used = False
    for page in questionnaire.pages:
        if page.is_custom:
            line("begin_group", page.key, _languages(page.row, "title"), relevant=page.relevant)
            if page.row is not None and page.row.introduction_en:  # type: ignore[attr-defined]  # modeltranslation's
                line("note", f"{page.key}_introduction", _languages(page.row, "introduction"))
        else:
            line("begin_group", page.key, _built_in_titles(page.kind))
            for key in BUILT_IN_KEYS.get(page.kind, ()):
                line("calculate", key, blank, calculation="''")
        for question in page.asked:
            kind, appearance, parameters, constraint = _xls_type(question)
            if question.kind == QuestionKind.YES_NO:
                yes_no_used = True
            elif question.kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
                choices += [[question.key, c.key, *_languages(c, "label")] for c in question.choices.all()
                            if c.retired_at is None]
            elif question.kind == QuestionKind.SCALE and (question.low_label_en or question.high_label_en):  # type: ignore[attr-defined]  # modeltranslation's
                choices += [[f"{question.key}_ends", "1", *_languages(question, "low_label")],
                            [f"{question.key}_ends", str(question.scale_points), *_languages(question, "high_label")]]
                parameters += f" tick_labelset={question.key}_ends"
            line(kind, question.key, _languages(question, "label"), _languages(question, "help_text"),
                 required="yes" if question.required else "", relevant=question.relevant, constraint=constraint,
                 appearance=appearance, parameters=parameters, per_area="yes" if question.per_area else "",
                 personal="yes" if question.personal_data else "", units=_languages(question, "unit"))
        line("end_group", "", blank)
    if yes_no_used:
        for value, label in (("yes", "Yes"), ("no", "No")):
            texts = []
            for code in LANGUAGES:
                with translation.override(code):
                    texts.append(_(label))
            choices.append(["yes_no", value, *texts])
    settings_rows = [["form_title", "form_id", "version", "default_language"],
                     [campaign.name_en,  # type: ignore[attr-defined]  # modeltranslation's
                      campaign.slug, timezone.now().strftime("%Y%m%d%H%M"), LANGUAGE_NAMES["en"]]]
    book = Workbook(target, {"in_memory": True})
    for title, lines in (("survey", survey), ("choices", choices), ("settings", settings_rows)):
        sheet = book.add_worksheet(title)
        for number, values in enumerate(lines):
            sheet.write_row(number, 0, [str(v) if v is not None else "" for v in values])
    book.close()


def _xls_type(question: Question) -> tuple[str, str, str, str]:
    """The XLSForm type, appearance, parameters and constraint of a question."""
    kind = question.kind
    constraint: list[str] = []
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT) and question.max_length:
        constraint.append(f"string-length(.) <= {question.max_length}")
    if kind == QuestionKind.NUMBER:
        constraint += [f". >= {question.min_value.normalize():f}"] if question.min_value is not None else []
        constraint += [f". <= {question.max_value.normalize():f}"] if question.max_value is not None else []
    if kind == QuestionKind.SEVERAL_CHOICES:
        constraint += [f"count-selected(.) >= {question.min_choices}"] if question.min_choices else []
        constraint += [f"count-selected(.) <= {question.max_choices}"] if question.max_choices else []
    types: dict[str, tuple[str, str]] = {
        QuestionKind.SHORT_TEXT: ("text", ""), QuestionKind.LONG_TEXT: ("text", "multiline"),
        QuestionKind.EMAIL: ("text", "email"), QuestionKind.URL: ("text", "url"), QuestionKind.DATE: ("date", ""),
        QuestionKind.NUMBER: ("integer" if question.whole_number else "decimal", ""),
        QuestionKind.YES_NO: ("select_one yes_no", ""),
        QuestionKind.ONE_CHOICE: (f"select_one {question.key}", "minimal" if question.as_list else ""),
        QuestionKind.SEVERAL_CHOICES: (f"select_multiple {question.key}", ""),
        QuestionKind.SCALE: ("range", ""),
    }
    xls_type, appearance = types[kind]
    parameters = f"start=1 end={question.scale_points} step=1" if kind == QuestionKind.SCALE else ""
    return xls_type, appearance, parameters, " and ".join(constraint)
