"""XLSForm import and export: a real workbook in, the same questionnaire out and in again; what the portal
does not support refused with the row and the reason, nothing half-imported, exit status 2."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from surveys.questionnaire.models import Answer, Question, QuestionnairePage
from surveys.questionnaire.structure import questionnaire_of
from surveys.questionnaire.xlsform import XLSFormError, export_questionnaire, import_questionnaire
from tests.factories import CampaignFactory, ResponseFactory
from tests.questionnaire.build import pages, question

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"


def _shape(campaign):
    """Everything a questionnaire is, as plain data, to compare two of them."""
    result = []
    for page in questionnaire_of(campaign.pk).pages:
        row = page.row
        result.append((page.kind, page.key, page.relevant, row.title_en, row.title_fr, row.introduction_en, [
            ({f: getattr(q, f) for f in ("key", "kind", "label_en", "label_fr", "label_de", "help_text_en", "required",
                                           "relevant", "per_area", "personal_data", "max_length", "min_value",
                                           "max_value", "whole_number", "min_choices", "max_choices", "as_list",
                                           "scale_points", "low_label_en", "high_label_fr", "unit_en")},
             [(c.key, c.label_en, c.label_fr, c.label_de) for c in q.choices.all()]) for q in page.questions]))
    return result


def test_a_workbook_is_imported_with_its_pages_conditions_and_languages(campaign):
    assert import_questionnaire(campaign, FILES / "needs_2027.xlsx", by=None) == 11
    questionnaire = questionnaire_of(campaign.pk)
    assert questionnaire.keys == ["organisation", "contact", "plans", "interests", "per_area", "consent"]
    plans = questionnaire.page("plans")
    assert (plans.row.title_fr, plans.row.introduction_en) == ("Vos projets", "A few questions about your next tenders.")
    q = {x.key: x for x in questionnaire.questions}
    assert (q["joint"].kind, q["joint"].required, q["joint"].label_de) == (
        "yes_no", True, "Würden Sie gemeinsam mit anderen beschaffen?")
    assert (q["partners"].relevant, q["partners"].max_length) == ("${joint} = 'yes'", 200)
    assert (q["budget"].min_value, q["budget"].max_value, q["budget"].unit_en, q["budget"].help_text_en) == (
        Decimal(0), Decimal(1000000000), "EUR", "An estimate is enough.")
    assert q["budget_range"].as_list and [c.key for c in q["budget_range"].choices.all()] == ["under_1m", "1m_10m"]
    assert q["next_tender"].per_area and q["next_tender"].kind == "date"
    assert (q["topics"].kind, q["topics"].min_choices, q["topics"].max_choices) == ("several_choices", 1, 2)
    assert (q["readiness"].scale_points, q["readiness"].low_label_fr, q["readiness"].high_label_en) == (7, "Pas prêt", "Ready")
    assert q["colleague_email"].kind == "email" and q["colleague_email"].personal_data
    assert (q["strategy"].kind, q["strategy_url"].kind) == ("long_text", "url")
    assert not q["share"].whole_number and q["share"].wordings.get().version == 1


def test_export_then_import_gives_the_same_questionnaire(campaign, tmp_path):
    import_questionnaire(campaign, FILES / "needs_2027.xlsx", by=None)
    exported = tmp_path / "exported.xlsx"
    call_command("export_questionnaire", campaign.slug, str(exported), stdout=StringIO())
    again = CampaignFactory()
    call_command("import_questionnaire", again.slug, str(exported), stdout=StringIO())
    assert _shape(again) == _shape(campaign)
    sheet = load_workbook(exported)["survey"]
    assert ["begin_group", "plans", "Your plans", "Vos projets", "Ihre Pläne"] == [c.value for c in sheet[8]][:5] or any(
        row[1].value == "plans" for row in sheet.iter_rows())


def test_a_questionnaire_built_in_the_admin_goes_out_and_back_the_same(campaign, tmp_path):
    rows = pages(campaign, ("needs", "Needs", 2), ("late", "Late", 6))
    question(rows["needs"], "fleet", "one_choice", "Fleet", choices=["buses", "trucks"], required=True)
    question(rows["needs"], "fleet_size", "number", "Size", min_value=1, whole_number=True)
    question(rows["late"], "why", "long_text", "Why?", relevant="${fleet} = 'buses'", max_length=500)
    question(rows["late"], "rate", "scale", "Rate", low_label="Bad", high_label="Good")
    QuestionnairePage.objects.filter(pk=rows["late"].pk).update(relevant="${fleet_size} > 3")
    path = tmp_path / "built.xlsx"
    with path.open("wb") as target:
        export_questionnaire(campaign, target)
    again = CampaignFactory()
    import_questionnaire(again, path, by=None)
    assert _shape(again) == _shape(campaign)


def test_what_the_portal_does_not_support_is_refused_with_rows_and_nothing_changes(campaign):
    before = _shape_default = questionnaire_of(campaign.pk).keys
    with pytest.raises(XLSFormError) as refused:
        import_questionnaire(campaign, FILES / "unsupported.xlsx", by=None)
    problems = "\n".join(refused.value.problems)
    assert "row 2 (“loose”): every question is on a page" in problems
    assert "row 4 (“depot”): the type “geopoint” is not supported by the portal." in problems
    assert "row 5 (“plate”): the constraint “regex(., '^[A-Z]+$')” is not supported" in problems
    assert "row 6 (“buses”), condition “${fleet_size} > 3”: “${fleet_size}” is not a question of an earlier page" in problems
    assert problems.count("row ") == 5
    assert "row 8 (“vehicles”): the type “repeat” is not supported by the portal." in problems
    assert questionnaire_of(campaign.pk).keys == before and not QuestionnairePage.objects.exists()
    del _shape_default


def test_the_command_exits_with_status_2_and_prints_the_rows(campaign):
    errors = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_questionnaire", campaign.slug, str(FILES / "unsupported.xlsx"), stderr=errors)
    assert exit_status.value.code == 2
    assert "nothing changed" in errors.getvalue() and "row 4 (“depot”)" in errors.getvalue()
    assert not Question.objects.exists()


def test_pyxforms_own_refusals_come_with_their_row(campaign, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "survey"
    for line in (["type", "name", "label"], ["begin_group", "p", "P"], ["select_one missing", "q", "Q"], ["end_group", "", ""]):
        book.active.append(line)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    choices.append(["other", "x", "X"])
    book.save(tmp_path / "broken.xlsx")
    with pytest.raises(XLSFormError) as refused:
        import_questionnaire(campaign, tmp_path / "broken.xlsx", by=None)
    assert "[row : 3]" in refused.value.problems[0]


def test_a_questionnaire_with_answers_is_not_replaced_by_an_import(campaign):
    q = question(pages(campaign, ("p", "P", 2))["p"], "budget", "number")
    Answer.objects.create(response=ResponseFactory(campaign=campaign), question=q, number=1)
    errors = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_questionnaire", campaign.slug, str(FILES / "needs_2027.xlsx"), stderr=errors)
    assert exit_status.value.code == 2 and "already have answers" in errors.getvalue()
    assert Question.objects.get().key == "budget"
