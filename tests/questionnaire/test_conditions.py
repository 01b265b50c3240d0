"""The safe evaluator of XLSForm `relevant` conditions: every operator, XPath's values, and clear refusals."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from surveys.questionnaire.conditions import ConditionError, check, holds, parse, references

VALUES = {"agency": "central_purchasing_body", "budget": Decimal("250000"), "topics": ["buses", "trucks"],
          "joint": "yes", "empty": "", "tender": dt.date(2027, 3, 1), "one": "buses"}


@pytest.mark.parametrize(("condition", "expected"), [
    ("${agency} = 'central_purchasing_body'", True),
    ('${agency} = "local_authority"', False),
    ("${agency} != 'local_authority'", True),
    ("${budget} > 100000", True),
    ("${budget} < 100000", False),
    ("${budget} >= 250000", True),
    ("${budget} <= 249999.5", False),
    ("${budget} = 250000", True),
    ("selected(${topics}, 'trucks')", True),
    ("selected(${topics}, 'ferries')", False),
    ("selected(${one}, 'buses')", True),  # a one-choice answer is "selected" when it is that choice
    ("count-selected(${topics}) = 2", True),
    ("count-selected(${missing}) = 0", True),
    ("${joint} = 'yes' and ${budget} > 1000", True),
    ("${joint} = 'no' and ${budget} > 1000", False),
    ("${joint} = 'no' or ${budget} > 1000", True),
    ("${agency} = 'a' or ${agency} = 'central_purchasing_body' or ${agency} = 'c'", True),  # "is one of"
    ("not(${joint} = 'yes')", False),
    ("(${joint} = 'no' or ${joint} = 'yes') and not(${budget} < 10)", True),
    ("${tender} > '2027-01-01'", True),
    ("${tender} < '2027-01-01'", False),
    ("true()", True),
    ("false() or ${joint}", True),  # a bare answer is true when given
    ("${empty}", False),
    # An unanswered question is the empty text: no number, so only != holds.
    ("${missing} > 5", False),
    ("${missing} < 5", False),
    ("${missing} = 5", False),
    ("${missing} != 5", True),
    ("${missing} = ''", True),
])
def test_every_operator_as_xlsform_means_it(condition, expected):
    assert holds(condition, VALUES) is expected


@pytest.mark.parametrize(("condition", "expected"), [
    ("${typed} > 3", False), ("${typed} < 3", False), ("${typed} = 3", False), ("${typed} != 3", True),
])
def test_nan_typed_in_a_text_answer_is_no_number(condition, expected):
    # Decimal("NaN") cannot be ordered: the comparison raised InvalidOperation instead of XPath's NaN.
    assert holds(condition, {"typed": "NaN"}) is expected


def test_an_empty_condition_always_holds():
    assert holds("", {}) and holds("   ", {})


@pytest.mark.parametrize(("condition", "message"), [
    ("${a} == 'x'", "Character 7: expected a question such as ${key}, a value or a function, found “=”"),
    ("${a} like 'x'", "“like” is not an operator the portal supports"),
    ("regex(${a}, 'x')", "“regex” is not an operator or function the portal supports"),
    ("${a} = 'x' ${b}", "“${b}” is not understood here; join conditions with “and” or “or”"),
    ("${a} = 'x", "is not understood here"),
    ("(${a} = 'x'", "expected “)”"),
    ("selected(${a})", "expected “,”"),
    ("", "The condition is empty."),
    ("${} = 1", "${} names no question"),
    ("__import__('os')", "is not an operator or function the portal supports"),
])
def test_what_the_portal_does_not_support_is_refused_with_the_place_and_the_reason(condition, message):
    with pytest.raises(ConditionError, match=re.escape(message)):
        parse(condition)


def test_an_unknown_key_is_named_with_the_keys_that_can_be_used():
    with pytest.raises(ConditionError) as refused:
        check("${budgett} > 5", ["budget", "body_type"])
    assert str(refused.value) == ("“${budgett}” is not a question of an earlier page (keys you can use: body_type, "
                                  "budget).")


def test_references_lists_each_key_once_in_order():
    assert references(parse("${b} = 1 or selected(${a}, 'x') and count-selected(${b}) > 0")) == ["b", "a"]
