"""The CPV vocabulary: loaded from the app's compressed CSV, searched by words and numbers, checked in the
purchases step (with and without a choice among the codes found), and labels wherever a code appears."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.cpv import loader
from surveys.cpv.codes import Typed, read_typed
from surveys.cpv.models import CpvCode
from surveys.cpv.selectors import by_division_and_group, labels_for, not_in_vocabulary, search
from surveys.models import PlannedPurchase
from surveys.selectors import answers_of
from tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db

ELECTRIC_BUSES = "34144910-0"


def _step(campaign) -> str:  # type: ignore[no-untyped-def]
    return reverse("survey_step", args=[campaign.slug, "purchases"])


def _rows(*rows: dict[str, str], initial: int = 0) -> dict[str, str]:
    data = {"purchases-TOTAL_FORMS": str(len(rows)), "purchases-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"purchases-{index}-{key}": value for key, value in row.items()})
    return data


# --- The vocabulary in the database ----------------------------------------------------------------------

def test_migrate_loads_the_whole_vocabulary_from_the_apps_own_file():
    assert loader.DATA_FILE.is_relative_to(Path(loader.__file__).parent)  # never ../shared at run time
    assert CpvCode.objects.count() == 9454
    assert CpvCode.objects.get(digits="34144910").code == ELECTRIC_BUSES
    assert CpvCode.objects.get(digits="34000000").label == "Transport equipment and auxiliary products to transportation"
    assert loader.sync_vocabulary().total == 0  # a second run changes nothing


def test_a_new_file_adds_relabels_and_removes_codes(tmp_path):
    vocabulary = loader.read_vocabulary()
    del vocabulary["03111100"]
    vocabulary["34144910"] = ("0", "Battery-electric buses")
    vocabulary["99999990"] = ("1", "A code of a later vocabulary")
    path = tmp_path / "cpv.csv.gz"
    lines = ["code,label"] + [f'{d}-{c},"{label}"' for d, (c, label) in vocabulary.items()]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    result = loader.sync_vocabulary(path=path)
    assert (result.added, result.changed, result.removed) == (1, 1, 1)
    assert labels_for([ELECTRIC_BUSES, "03111100-3", "99999990-1"]) == {
        ELECTRIC_BUSES: "Battery-electric buses", "99999990-1": "A code of a later vocabulary"}


def test_load_cpv_refuses_a_file_that_is_not_a_cpv_list(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,label\n3414491,Electric buses\n")
    with pytest.raises(Exception, match="line 2: not a CPV code"):
        call_command("load_cpv", file=path)
    assert CpvCode.objects.count() == 9454


# --- Reading what was typed, and the search --------------------------------------------------------------

@pytest.mark.parametrize(("typed", "read"), [
    ("34144910-0", Typed(digits="34144910", check_digit="0")),
    (" 34144910 ", Typed(digits="34144910")),
    ("34144910-0 – Electric buses", Typed(digits="34144910", check_digit="0")),
    ("3414", Typed(prefix="3414")),
    ("34 14", Typed(prefix="3414")),
    ("Electric bus", Typed(words=("electric", "bus"))),
    ("34144910-01", Typed(words=("34144910", "01"))),  # not a code: an extra digit is not dropped silently
    ("", Typed()),
])
def test_what_a_person_types_is_read_as_a_code_a_prefix_or_words(typed, read):
    assert read_typed(typed) == read


@pytest.mark.parametrize(("words", "first"), [
    ("electric bus", "34144910-0 Electric buses"),
    ("Electric buses", "34144910-0 Electric buses"),
    ("solar panels", "09331000-8 Solar panels"),
    ("solar pan", "09331000-8 Solar panels"),  # the last word as it is being typed
    ("photovoltaic", "31712331-9 Photovoltaic cells"),
    ("hospital beds", "33192120-9 Hospital beds"),
])
def test_words_find_real_codes_the_best_first(words, first):
    found = search(words)
    assert f"{found[0].code} {found[0].label}" == first


def test_numbers_find_by_prefix_and_the_whole_code():
    assert [e.code for e in search("3414")][:2] == ["34140000-0", "34142000-4"]
    assert all(e.code.startswith("3414") for e in search("3414"))
    assert [e.code for e in search("34144910")] == [ELECTRIC_BUSES]
    assert search("xyzzy plugh") == [] and search("") == [] and search("a") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram fallback is PostgreSQL's")
def test_a_typing_mistake_still_finds_the_code():
    assert [e.code for e in search("elektric bus")] == [ELECTRIC_BUSES]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
@pytest.mark.parametrize("words", ["solar panels", "elektric bus"])
def test_the_search_by_words_reads_an_index_not_every_label(words):
    with CaptureQueriesContext(connection) as queries:
        search(words)
    select = next(q["sql"] for q in reversed(queries.captured_queries) if q["sql"].startswith("SELECT"))
    with connection.cursor() as cursor:
        if "<%" in select:
            cursor.execute("SET enable_seqscan = off")  # as the search sets it, for its transaction only
        cursor.execute(f"EXPLAIN {select}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "cpvcode_label_fts" in plan or "cpvcode_label_trgm" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_suggestions_answer_json_with_labels(client):
    answer = client.get(reverse("cpv_suggestions"), {"q": "electric bus"})
    assert answer.status_code == 200 and "public" in answer["Cache-Control"]
    assert answer.json()["results"][0] == {"code": ELECTRIC_BUSES, "label": "Electric buses"}
    assert client.get(reverse("cpv_suggestions"), {"q": "0933"}).json()["results"][0]["code"] == "09330000-1"
    assert client.get(reverse("cpv_suggestions")).json()["results"] == []


# --- The purchases step ----------------------------------------------------------------------------------

def test_only_real_codes_are_accepted_and_eight_digits_get_their_check_digit(client, campaign):
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    answer = client.post(_step(campaign), _rows({"description": "Buses", "cpv_code": "34144910"}))
    assert answer.status_code == 302
    assert response.purchases.get().cpv_code == ELECTRIC_BUSES
    answer = client.post(_step(campaign), _rows({"description": "Buses", "cpv_code": "34144910-1"}, initial=1))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "There is no CPV code 34144910-1" in page
    assert f'value="{ELECTRIC_BUSES}"' in page  # the code it most likely is, offered to choose
    assert response.purchases.get().cpv_code == ELECTRIC_BUSES  # nothing saved


def test_words_list_the_codes_found_and_the_next_save_takes_the_one_chosen(client, campaign):
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    rows = ({"description": "Photovoltaic panels", "cpv_code": "solar panels", "expected_timing": "2027"},
            {"description": "Buses", "cpv_code": ELECTRIC_BUSES})
    answer = client.post(_step(campaign), _rows(*rows))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Choose one of the CPV codes listed below the field" in page
    assert 'name="purchases-0-cpv_code_choice" id="id_purchases-0-cpv_code_choice_1" value="09331000-8"' in page
    assert 'value="solar panels"' in page and 'value="2027"' in page  # nothing typed is lost
    assert f"{ELECTRIC_BUSES}: Electric buses" in page  # the other row's code, labelled
    assert not response.purchases.exists()
    chosen = _rows(*rows) | {"purchases-0-cpv_code_choice": "09331000-8"}
    assert client.post(_step(campaign), chosen).status_code == 302
    assert list(response.purchases.values_list("cpv_code", flat=True)) == ["09331000-8", ELECTRIC_BUSES]


def test_words_that_match_nothing_say_so_next_to_the_field(client, campaign):
    response = ResponseFactory(campaign=campaign)
    client.force_login(response.respondents.get().user)
    answer = client.post(_step(campaign), _rows({"description": "Buses", "cpv_code": "xyzzy plugh"}))
    assert answer.status_code == 400
    assert "No CPV code matches “xyzzy plugh”" in answer.content.decode()


def test_the_step_reads_every_rows_code_in_one_query(client, campaign):
    def queries(count: int) -> int:
        response = ResponseFactory(campaign=campaign)
        codes = ["34144910-0", "09331200-0", "45214200-2", "30213100-6", "12345678-9"]
        PlannedPurchase.objects.bulk_create([PlannedPurchase(response=response, description=f"Row {n}",
                                                             cpv_code=codes[n % 5], position=n) for n in range(count)])
        client.force_login(response.respondents.get().user)
        client.get(_step(campaign))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_step(campaign)).status_code == 200
        return len(captured)

    assert queries(1) == queries(12)


# --- A code the vocabulary does not have (old answers, demo data) ---------------------------------------

def test_an_old_code_outside_the_vocabulary_is_shown_as_entered_and_must_be_changed_to_save(client, campaign):
    response = ResponseFactory(campaign=campaign)
    PlannedPurchase.objects.create(response=response, description="Old buses", cpv_code="12345678-9")
    PlannedPurchase.objects.create(response=response, description="New buses", cpv_code=ELECTRIC_BUSES)
    purchases = dict(next(s for s in answers_of(response) if s.step == "purchases").rows)
    assert purchases == {"Old buses": "12345678-9 (not in the CPV vocabulary)", "New buses": "34144910-0 – Electric buses"}
    client.force_login(response.respondents.get().user)
    step = client.get(_step(campaign)).content.decode()
    assert 'value="12345678-9"' in step and "12345678-9 is not in the CPV vocabulary: choose another code." in step
    assert "12345678-9 (not in the CPV vocabulary)" in client.get(reverse("survey_review", args=[campaign.slug])).content.decode()
    assert not_in_vocabulary(PlannedPurchase.objects.all()).get().description == "Old buses"


def test_purchases_count_by_division_and_group_with_labels(campaign):
    first, second = ResponseFactory(campaign=campaign), ResponseFactory(campaign=campaign)
    for response, code in [(first, ELECTRIC_BUSES), (first, "34121400-5"), (second, "34144511-3"),
                           (second, "09331200-0"), (second, "")]:
        PlannedPurchase.objects.create(response=response, description="x", cpv_code=code)
    divisions = by_division_and_group(PlannedPurchase.objects.all())
    assert [(d.title, d.bodies, d.purchases) for d in divisions] == [
        ("34 – Transport equipment and auxiliary products to transportation", 2, 3),
        ("09 – Petroleum products, fuel, electricity and other sources of energy", 1, 1)]
    assert [(g.title, g.bodies, g.purchases) for g in divisions[0].groups] == [("341 – Motor vehicles", 2, 3)]


# --- Labels in the e-mailed copy, the export and the admin -------------------------------------------------

def test_the_e_mailed_copy_and_the_export_show_labels_and_codes_outside_the_vocabulary_as_entered(committed):
    from django.core import mail

    from surveys.exports import response_rows
    from surveys.models import Response
    from surveys.services.responses import submit_response
    from surveys.steps import STEP_SLUGS

    response = ResponseFactory(steps_done=list(STEP_SLUGS))
    PlannedPurchase.objects.create(response=response, description="Buses", cpv_code=ELECTRIC_BUSES, position=0)
    PlannedPurchase.objects.create(response=response, description="Old buses", cpv_code="12345678-9", position=1)
    with committed():
        submit_response(response, revision=response.revision)
    body = mail.outbox[-1].body
    assert "34144910-0 – Electric buses" in body and "12345678-9 (not in the CPV vocabulary)" in body
    (row,) = response_rows(Response.objects.filter(pk=response.pk), list(response.campaign.areas.all()))
    assert "Buses | CPV 34144910-0 – Electric buses\nOld buses | CPV 12345678-9 (not in the CPV vocabulary)" in row


def test_the_secretariat_sees_labels_and_changes_a_code_as_a_respondent_does(client, staff):
    response = ResponseFactory()
    purchase = PlannedPurchase.objects.create(response=response, description="Old buses", cpv_code="12345678-9")
    client.force_login(staff)
    listed = client.get("/admin/surveys/plannedpurchase/").content.decode()
    assert "12345678-9 (not in the CPV vocabulary)" in listed
    url = f"/admin/surveys/plannedpurchase/{purchase.pk}/change/"
    data = {"response": response.pk, "description": "Old buses", "area": "", "expected_timing": "", "position": 0}
    refused = client.post(url, {**data, "cpv_code": "electric bus"})
    assert refused.status_code == 200 and 'value="34144910-0"' in refused.content.decode()
    assert client.post(url, {**data, "cpv_code": "34144910"}).status_code == 302
    purchase.refresh_from_db()
    assert purchase.cpv_code == ELECTRIC_BUSES
    assert "34144910-0 – Electric buses" in client.get("/admin/surveys/plannedpurchase/").content.decode()
