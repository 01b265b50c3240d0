"""The eligibility rules (surveys/eligibility.py) as tables: countries x types of body x campaign policies.

The expectations are typed out here from the campaign texts (shared/context) and the directives, not
derived from the module's own sets, so that a wrong country group or policy makes these tests fail.
No database: the rules are pure. Reasons are rendered under an active language, as a page would.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django_countries import countries
from django_countries.fields import Country

from surveys.country_groups import COUNTRY_GROUPS, EEA_30, EFTA_4, EU_27
from surveys.eligibility import (
    BODY_TYPE_HELP,
    POLICY_2020,
    POLICY_2023,
    PUBLIC_LAW_QUESTIONS,
    Answer,
    Applicant,
    Assessment,
    BodyType,
    EligibilityPolicy,
    Outcome,
    assess,
    eligible_countries,
    normalise_country_code,
    reimbursed_countries,
    travel_reimbursement,
)

# --- The tables -----------------------------------------------------------------------------------

EU_MEMBERS = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
EEA_EFTA_STATES = ["IS", "LI", "NO"]  # in the EEA and in EFTA, not in the EU
SWITZERLAND = "CH"  # in EFTA, not in the EEA
OUTSIDE = ["GB", "TR", "UA", "RS", "US"]
ALL_COUNTRIES = EU_MEMBERS + EEA_EFTA_STATES + [SWITZERLAND] + OUTSIDE

POLICIES = {"2020": POLICY_2020, "2023": POLICY_2023}

# (may take part, travel reimbursed) per campaign.
# 2020: "only entities part of the EU, EEA and EFTA are eligible"; "Countries part of the EEA can participate
#       in the meetings at their own expenses" -> Iceland, Liechtenstein, Norway at their own expense; nothing in
#       the text funds Switzerland either (see POLICY_2020 in surveys/eligibility.py).
# 2023: "open to all public buyers across the EU and EEA"; "costs of travel ... will be reimbursed".
COUNTRY_RULES: dict[str, dict[str, tuple[bool, bool]]] = {
    "2020": {
        **dict.fromkeys(EU_MEMBERS, (True, True)),
        **dict.fromkeys(EEA_EFTA_STATES, (True, False)),
        SWITZERLAND: (True, False),
        **dict.fromkeys(OUTSIDE, (False, False)),
    },
    "2023": {
        **dict.fromkeys(EU_MEMBERS, (True, True)),
        **dict.fromkeys(EEA_EFTA_STATES, (True, True)),
        SWITZERLAND: (False, False),
        **dict.fromkeys(OUTSIDE, (False, False)),
    },
}

# What the type of body alone decides (a body governed by public law answering "yes" three times), and a
# phrase its reason must contain.
BODY_RULES: dict[BodyType, tuple[Outcome, str]] = {
    BodyType.CENTRAL_GOVERNMENT: (Outcome.ELIGIBLE, "central government authority is a contracting authority"),
    BodyType.REGIONAL_AUTHORITY: (Outcome.ELIGIBLE, "regional authority is a contracting authority"),
    BodyType.LOCAL_AUTHORITY: (Outcome.ELIGIBLE, "local authority is a contracting authority"),
    BodyType.BODY_GOVERNED_BY_PUBLIC_LAW: (Outcome.ELIGIBLE, "three conditions of a body governed by public law"),
    BodyType.ASSOCIATION_OF_AUTHORITIES: (Outcome.ELIGIBLE, "association formed by public authorities"),
    BodyType.CENTRAL_PURCHASING_BODY: (Outcome.ELIGIBLE, "central purchasing body is a contracting authority"),
    BodyType.PRIVATE_COMPANY: (Outcome.NOT_ELIGIBLE, "private company is not a contracting authority"),
    BodyType.NGO: (Outcome.NOT_ELIGIBLE, "non-governmental organisation is not a contracting authority"),
    BodyType.SUPPLIER: (Outcome.NOT_ELIGIBLE, "supplier is a market actor"),
    BodyType.INDUSTRY_ASSOCIATION: (Outcome.NOT_ELIGIBLE, "industry association represents market actors"),
    BodyType.OTHER: (Outcome.NEEDS_REVIEW, "the type of body is “other”"),
}

ALL_YES = {"general_interest": Answer.YES, "legal_personality": Answer.YES, "publicly_controlled": Answer.YES}
ALL_NO = {"general_interest": Answer.NO, "legal_personality": Answer.NO, "publicly_controlled": Answer.NO}

# The directive's point cited for each of the three questions.
CONDITION_POINT = {
    "general_interest": "art. 2(1)(4)(a)",
    "legal_personality": "art. 2(1)(4)(b)",
    "publicly_controlled": "art. 2(1)(4)(c)",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rendered(assessment: Assessment) -> list[str]:
    return [str(reason) for reason in assessment.reasons]


def country_name(code: str) -> str:
    return str(countries.name(code))


# --- Country groups -------------------------------------------------------------------------------


def test_country_groups_are_the_treaty_lists():
    assert EU_27.codes == frozenset(EU_MEMBERS)
    assert EEA_30.codes == frozenset(EU_MEMBERS + EEA_EFTA_STATES)
    assert EFTA_4.codes == frozenset([*EEA_EFTA_STATES, SWITZERLAND])
    assert list(COUNTRY_GROUPS) == ["EU", "EEA", "EFTA"]
    assert "GR" in EU_27.codes and "EL" not in EU_27.codes  # ISO, not the EU's own code for Greece


@pytest.mark.parametrize("key", ["EU", "EEA", "EFTA"])
def test_country_groups_have_known_codes_a_source_and_a_date(key):
    group = COUNTRY_GROUPS[key]
    assert group.key == key
    assert all(code in countries for code in group.codes), sorted(c for c in group.codes if c not in countries)
    assert group.source.strip() and "http" in group.source
    assert isinstance(group.valid_from, dt.date) and group.valid_from <= dt.date(2020, 11, 1)  # before the 2020 campaign
    assert str(group.label)


# --- Every country x every type of body x both campaigns ------------------------------------------

MATRIX = [
    pytest.param(campaign, code, body_type, id=f"{campaign}-{code}-{body_type.value}")
    for campaign in POLICIES
    for code in ALL_COUNTRIES
    for body_type in BodyType
]


@pytest.mark.parametrize(("campaign", "code", "body_type"), MATRIX)
def test_assess_country_and_body_type(campaign, code, body_type):
    # The three answers are given as "yes" to every type: they must only matter for a body governed by public law.
    result = assess(Applicant(country=code, body_type=body_type, **ALL_YES), POLICIES[campaign])

    country_ok, reimbursed = COUNTRY_RULES[campaign][code]
    body_outcome, body_phrase = BODY_RULES[body_type]
    expected = Outcome.NOT_ELIGIBLE if not country_ok or body_outcome == Outcome.NOT_ELIGIBLE else body_outcome
    assert result.outcome == expected
    assert result.observer_offer is (expected == Outcome.NOT_ELIGIBLE)
    assert result.travel_reimbursed is (expected != Outcome.NOT_ELIGIBLE and reimbursed)

    reasons = rendered(result)
    assert reasons and all(reasons)
    name = country_name(code)
    if not country_ok:
        assert f"{name} is not among the countries" in reasons[0]
    if body_outcome == Outcome.NOT_ELIGIBLE or expected != Outcome.NOT_ELIGIBLE:
        assert any(body_phrase in reason.lower() for reason in reasons), reasons
    else:
        # Not eligible because of the country alone: no word about a review that will not happen.
        assert reasons == [reasons[0]]
    if expected != Outcome.NOT_ELIGIBLE:
        assert f"{name} is among the countries" in reasons[0]
        travel = reasons[-1]
        if reimbursed:
            assert travel == f"Travel to in-person meetings is reimbursed for bodies from {name} (rules apply)."
        else:
            assert travel == f"Bodies from {name} take part at their own expense: travel is not reimbursed in this campaign."


@pytest.mark.parametrize(
    ("campaign", "code", "expected"),
    [
        ("2020", "FR", "France is among the countries that can take part in this campaign (EU-27, EEA)."),
        ("2020", "NO", ("Norway is among the countries that can take part in this campaign (EEA, EFTA). "
                        "Norway is in the EEA and in EFTA, but not in the EU.")),
        ("2020", "CH", ("Switzerland is among the countries that can take part in this campaign (EFTA). "
                        "Switzerland is in EFTA, but not in the EEA or the EU.")),
        ("2020", "GB", ("United Kingdom is not among the countries that can take part in this campaign (EU-27, EEA, "
                        "EFTA). United Kingdom is not in the EU, the EEA or EFTA.")),
        ("2023", "DE", "Germany is among the countries that can take part in this campaign (EU-27, EEA)."),
        ("2023", "IS", ("Iceland is among the countries that can take part in this campaign (EEA). "
                        "Iceland is in the EEA and in EFTA, but not in the EU.")),
        # A Swiss buyer learns why: EFTA is not the EEA.
        ("2023", "CH", ("Switzerland is not among the countries that can take part in this campaign (EU-27, EEA). "
                        "Switzerland is in EFTA, but not in the EEA or the EU.")),
        ("2023", "UA", ("Ukraine is not among the countries that can take part in this campaign (EU-27, EEA). "
                        "Ukraine is not in the EU, the EEA or EFTA.")),
    ],
)
def test_country_reason_names_the_country_and_its_groups(campaign, code, expected):
    result = assess(Applicant(country=code, body_type=BodyType.LOCAL_AUTHORITY), POLICIES[campaign])
    assert rendered(result)[0] == expected


@pytest.mark.parametrize(("campaign", "code"), [(c, code) for c in POLICIES for code in ALL_COUNTRIES])
def test_travel_reimbursement_per_policy(campaign, code):
    assert travel_reimbursement(code, POLICIES[campaign]) is COUNTRY_RULES[campaign][code][1]


def test_policy_presets():
    assert POLICY_2020 == EligibilityPolicy(eligible_groups=frozenset({"EU", "EEA", "EFTA"}), reimbursed_groups=frozenset({"EU"}))
    assert POLICY_2023 == EligibilityPolicy(eligible_groups=frozenset({"EU", "EEA"}), reimbursed_groups=frozenset({"EU", "EEA"}))
    assert eligible_countries(POLICY_2020) == frozenset(EU_MEMBERS + EEA_EFTA_STATES + [SWITZERLAND])
    assert reimbursed_countries(POLICY_2020) == frozenset(EU_MEMBERS)
    assert eligible_countries(POLICY_2023) == reimbursed_countries(POLICY_2023) == frozenset(EU_MEMBERS + EEA_EFTA_STATES)


def test_policy_accepts_the_lists_a_campaign_stores():
    policy = EligibilityPolicy(eligible_groups=["EU", "EEA"], reimbursed_groups=["EU"])
    assert policy.eligible_groups == frozenset({"EU", "EEA"}) and isinstance(policy.reimbursed_groups, frozenset)
    assert hash(policy) == hash(EligibilityPolicy(frozenset({"EEA", "EU"}), frozenset({"EU"})))


@pytest.mark.parametrize(
    ("eligible", "reimbursed", "error"),
    [(["EU", "EUROPE"], [], ValueError), (["EU"], ["UK"], ValueError), ("EU", [], TypeError), (["eu"], [], ValueError)],
)
def test_policy_rejects_unknown_group_keys(eligible, reimbursed, error):
    with pytest.raises(error):
        EligibilityPolicy(eligible_groups=eligible, reimbursed_groups=reimbursed)


def test_reimbursed_group_that_is_not_eligible_gives_no_travel():
    policy = EligibilityPolicy(eligible_groups=frozenset({"EU"}), reimbursed_groups=frozenset({"EFTA"}))
    assert not travel_reimbursement("NO", policy)
    assert reimbursed_countries(policy) == frozenset()


# --- Bodies governed by public law: the directive's three questions -------------------------------

ANSWERS = [Answer.YES, Answer.NO, Answer.NOT_SURE, None]


@pytest.mark.parametrize(
    ("general_interest", "legal_personality", "publicly_controlled"),
    list(itertools.product(ANSWERS, repeat=3)),
    ids=lambda answer: answer.value if answer else "missing",
)
@pytest.mark.parametrize("campaign", POLICIES)
def test_body_governed_by_public_law_three_questions(campaign, general_interest, legal_personality, publicly_controlled):
    answers = {
        "general_interest": general_interest,
        "legal_personality": legal_personality,
        "publicly_controlled": publicly_controlled,
    }
    result = assess(
        Applicant(country="IT", body_type=BodyType.BODY_GOVERNED_BY_PUBLIC_LAW, **answers), POLICIES[campaign]
    )
    noes = {field for field, answer in answers.items() if answer == Answer.NO}
    open_ = {field for field, answer in answers.items() if answer in (Answer.NOT_SURE, None)}
    cited = {field for field, point in CONDITION_POINT.items() if any(point in r for r in rendered(result))}
    if noes:
        assert result.outcome == Outcome.NOT_ELIGIBLE
        assert cited == noes  # every "no" is named, and only those decide
        assert result.observer_offer and not result.travel_reimbursed
        assert all("not a body governed by public law" in r for r in rendered(result))
    elif open_:
        assert result.outcome == Outcome.NEEDS_REVIEW
        assert cited == open_
        assert not result.observer_offer and result.travel_reimbursed  # Italy: reimbursed in both campaigns
        assert sum("the secretariat will check" in r for r in rendered(result)) == len(open_)
    else:
        assert result.outcome == Outcome.ELIGIBLE
        assert cited == set()
        assert any("three conditions of a body governed by public law" in r for r in rendered(result))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"general_interest": "yes", "legal_personality": "yes", "publicly_controlled": "yes"}, Outcome.ELIGIBLE),
        # A model row keeps an unanswered question as "" (blank choice field).
        ({"general_interest": "yes", "legal_personality": "yes", "publicly_controlled": ""}, Outcome.NEEDS_REVIEW),
        ({"general_interest": "no", "legal_personality": "", "publicly_controlled": ""}, Outcome.NOT_ELIGIBLE),
        # Tampered answers count as not answered: never as "yes".
        ({"general_interest": "YES", "legal_personality": "yes", "publicly_controlled": "yes"}, Outcome.NEEDS_REVIEW),
        ({"general_interest": "maybe", "legal_personality": "yes", "publicly_controlled": "yes"}, Outcome.NEEDS_REVIEW),
        ({"general_interest": 1, "legal_personality": True, "publicly_controlled": ["yes"]}, Outcome.NEEDS_REVIEW),
        ({}, Outcome.NEEDS_REVIEW),
    ],
)
def test_public_law_answers_as_stored_or_tampered(answers, expected):
    result = assess(Applicant(country="BE", body_type="body_governed_by_public_law", **answers), POLICY_2023)
    assert result.outcome == expected


@pytest.mark.parametrize("body_type", sorted(set(BodyType) - {BodyType.BODY_GOVERNED_BY_PUBLIC_LAW, BodyType.OTHER}))
def test_the_three_answers_do_not_change_other_types(body_type):
    with_no = assess(Applicant(country="PL", body_type=body_type, **ALL_NO), POLICY_2023)
    without = assess(Applicant(country="PL", body_type=body_type), POLICY_2023)
    assert with_no.outcome == without.outcome == BODY_RULES[body_type][0]
    assert rendered(with_no) == rendered(without)


# --- Unknown, missing and tampered values: never an exception -------------------------------------


@pytest.mark.parametrize("code", ["XX", "ZZ", "FRA", "250", "EU", "XK", "F", "FR;DROP", "x" * 500])
@pytest.mark.parametrize("campaign", POLICIES)
def test_unknown_country_code_is_not_eligible(campaign, code):
    result = assess(Applicant(country=code, body_type=BodyType.LOCAL_AUTHORITY), POLICIES[campaign])
    assert result.outcome == Outcome.NOT_ELIGIBLE
    assert result.observer_offer and not result.travel_reimbursed
    assert rendered(result) == ["Unknown country: the code given is not an ISO 3166-1 country code."]
    assert not travel_reimbursement(code, POLICIES[campaign])


@pytest.mark.parametrize("code", ["", "   ", None])
def test_missing_country_needs_review(code):
    # A half-filled form (the check runs as the respondent types) must not read "not eligible".
    result = assess(Applicant(country=code, body_type=BodyType.REGIONAL_AUTHORITY), POLICY_2023)
    assert result.outcome == Outcome.NEEDS_REVIEW
    assert not result.observer_offer and not result.travel_reimbursed
    assert rendered(result)[0] == "No country was given: the secretariat will check where the body is established."
    assert not any("travel" in r.lower() for r in rendered(result))


@pytest.mark.parametrize(
    ("given", "code", "name"),
    [
        ("fr", "FR", "France"),  # lower case is normalised: ISO codes are case-insensitive
        (" fr ", "FR", "France"),
        ("Fr", "FR", "France"),
        ("EL", "GR", "Greece"),  # the EU's own code for Greece
        ("el", "GR", "Greece"),
        ("UK", "GB", "United Kingdom"),  # the EU's own code for the United Kingdom
        (Country("DE"), "DE", "Germany"),  # what a CountryField gives
    ],
)
def test_country_codes_are_normalised(given, code, name):
    assert normalise_country_code(given) == code
    direct = assess(Applicant(country=code, body_type=BodyType.LOCAL_AUTHORITY), POLICY_2020)
    result = assess(Applicant(country=given, body_type=BodyType.LOCAL_AUTHORITY), POLICY_2020)
    assert result == direct
    assert name in rendered(result)[0]
    assert travel_reimbursement(given, POLICY_2020) is travel_reimbursement(code, POLICY_2020)


@pytest.mark.parametrize("body_type", [None, "", "  "])
@pytest.mark.parametrize(("code", "expected"), [("NL", Outcome.NEEDS_REVIEW), ("US", Outcome.NOT_ELIGIBLE)])
def test_missing_body_type(body_type, code, expected):
    result = assess(Applicant(country=code, body_type=body_type), POLICY_2023)
    assert result.outcome == expected
    if expected == Outcome.NEEDS_REVIEW:
        assert rendered(result)[1] == ("No type of body was given: the secretariat will check whether it is a "
                                       "contracting authority.")
        assert result.travel_reimbursed  # the Netherlands, once admitted
    else:
        assert len(rendered(result)) == 1 and "United States of America is not among" in rendered(result)[0]


@pytest.mark.parametrize("body_type", ["mayor", "LOCAL_AUTHORITY", "Local authority", "public_body", "<script>", 7, ["ngo"]])
def test_tampered_body_type_needs_review(body_type):
    result = assess(Applicant(country="SE", body_type=body_type), POLICY_2023)
    assert result.outcome == Outcome.NEEDS_REVIEW
    assert not result.observer_offer
    assert "is not one of the listed types" in rendered(result)[1]
    if isinstance(body_type, str):  # the tampered value is never echoed
        assert not any(body_type in r for r in rendered(result))


def test_everything_missing():
    result = assess(Applicant(country="", body_type=None), POLICY_2023)
    assert result.outcome == Outcome.NEEDS_REVIEW
    assert len(rendered(result)) == 2


# --- Translation and types ------------------------------------------------------------------------


def test_reasons_render_in_the_viewers_language():
    # Built under one language, shown under another: country names follow the language at render time.
    with translation.override("en"):
        result = assess(Applicant(country="DE", body_type=BodyType.LOCAL_AUTHORITY), POLICY_2023)
    with translation.override("fr"):
        assert "Allemagne" in str(result.reasons[0])
    with translation.override("de"):
        assert "Deutschland" in str(result.reasons[0])
    assert "Germany" in str(result.reasons[0])


def test_choices_values_are_stable():
    # Stored in the database: renaming a value needs a data migration.
    assert BodyType.values == [
        "central_government", "regional_authority", "local_authority", "body_governed_by_public_law",
        "association_of_authorities", "central_purchasing_body", "private_company", "ngo", "supplier",
        "industry_association", "other",
    ]
    assert Answer.values == ["yes", "no", "not_sure"]
    assert Outcome.values == ["eligible", "not_eligible", "needs_review"]


@pytest.mark.parametrize("body_type", list(BodyType))
def test_every_body_type_has_a_label_and_help_text(body_type):
    assert str(body_type.label) and str(body_type.help_text)
    assert body_type.help_text is BODY_TYPE_HELP[body_type]


def test_public_law_questions_follow_the_directive():
    assert list(PUBLIC_LAW_QUESTIONS) == ["general_interest", "legal_personality", "publicly_controlled"]
    assert all(str(q).endswith("?") for q in PUBLIC_LAW_QUESTIONS.values())


def test_modules_import_without_django_settings():
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    code = (
        "import surveys.eligibility as e, surveys.country_groups as g\n"
        "from django.conf import settings\n"
        "assert not settings.configured\n"
        "assert e.travel_reimbursement('fr', e.POLICY_2020) and not e.travel_reimbursement('NO', e.POLICY_2020)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60,  # noqa: S603
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
