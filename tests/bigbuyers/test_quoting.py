"""Text people type that is e-mailed to others: quoted, and with addresses no mail client makes clickable."""

from __future__ import annotations

import pytest
from django.core import mail

from bigbuyers.quoting import defang, quoted_lines
from communities.services.membership import request_to_join
from surveys.services.deadlines import send_late_request
from tests.factories import CommunityFactory, MembershipFactory, ResponseFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "See https://evil.example/pay or www.evil.example, and write to boss@evil.example."


@pytest.mark.parametrize(("text", "expected"), [
    ("https://evil.example/login?x=1", "https[:]//evil[.]example/login?x=1"),
    ("HTTP://Evil.Example", "HTTP[:]//Evil[.]Example"),
    ("www.evil.example", "www[.]evil[.]example"),
    ("evil.example/login", "evil[.]example/login"),
    ("jan@evil.example", "jan@evil[.]example"),
    ("münchen.de", "münchen[.]de"),
    ("http://192.0.2.1/a", "http[:]//192[.]0[.]2[.]1/a"),
    ("e.g. 3.5 tonnes, i.e. the usual, etc.", "e.g. 3.5 tonnes, i.e. the usual, etc."),  # ordinary text stays
])
def test_defang_breaks_every_address(text, expected):
    assert defang(text) == expected


def test_quoted_lines_keeps_the_lines():
    assert quoted_lines("  first\n\nthird www.x.example  \n") == ["first", "", "third www[.]x[.]example"]


def test_a_request_to_join_a_community_quotes_the_message_with_broken_addresses(committed):
    community = CommunityFactory(is_open=False)
    MembershipFactory(community=community, user=UserFactory(email="leader@city.example"), role="leader")
    with committed():
        request_to_join(community, UserFactory(email="asker@evil.example"), message=TEXT,
                        organisation_name="www.evil.example")
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "www[.]evil[.]example" in message.body and "www[.]evil[.]example" in html
    assert "> See https[:]//evil[.]example/pay" in message.body
    for part in (message.body, html):
        assert "https://evil.example" not in part and "www.evil.example" not in part


def test_a_late_expression_of_interest_is_quoted_with_broken_addresses(committed):
    response = ResponseFactory()
    with committed():
        send_late_request(response, motivation=TEXT)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "> See https[:]//evil[.]example/pay" in message.body
    for part in (message.body, html):
        assert "https://evil.example" not in part and "www.evil.example" not in part and "boss@evil.example" not in part
