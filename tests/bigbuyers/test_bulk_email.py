"""E-mails to many people from the admin: compose, preview with the count, send once whatever happens."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from bigbuyers import bulk_email
from bigbuyers.models import BulkEmail, OutgoingEmail
from surveys.models import Respondent
from tests.backoffice.data import known_campaign
from tests.factories import MembershipFactory, ResponseFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = {"subject": "Interviews & next steps", "body": "Dear respondent,\n\nThank you for answering <b>all</b>."}


def _compose(client, url: str, action: str, selected: list[int], **extra: str):  # type: ignore[no-untyped-def]
    return client.post(url, {"action": action, "_selected_action": selected, **extra})


def test_respondents_get_the_message_once(client, django_capture_on_commit_callbacks):
    known = known_campaign()
    lyon, lindenau = known.responses["lyon"], known.responses["lindenau"]
    Respondent.objects.create(response=lyon, user=UserFactory(email="colleague@lyon.example"), campaign=known.campaign)
    closed = UserFactory(email="gone@lyon.example", is_active=False)
    Respondent.objects.create(response=lyon, user=closed, campaign=known.campaign)
    staff = StaffFactory()
    client.force_login(staff)
    url = reverse("admin:surveys_response_changelist")

    form = _compose(client, url, "email_responses", [lyon.pk, lindenau.pk])
    assert form.status_code == 200 and "It will go to 3 people" in form.content.decode()
    empty = _compose(client, url, "email_responses", [lyon.pk, lindenau.pk], compose="1")
    assert empty.status_code == 400 and not BulkEmail.objects.exists()
    prepared = _compose(client, url, "email_responses", [lyon.pk, lindenau.pk], compose="1", **MESSAGE)

    bulk = BulkEmail.objects.get()
    assert prepared.status_code == 302 and prepared["Location"] == reverse("admin:bigbuyers_bulkemail_preview", args=[bulk.pk])
    assert bulk.recipient_count == 3 and bulk.source == "responses" and bulk.sent_at is None
    assert set(bulk.recipients.values_list("user__email", flat=True)) == {
        "anna.keller@lyon.example", "colleague@lyon.example", "jonas.weber@lindenau.example"}
    preview = client.get(prepared["Location"]).content.decode()
    assert "Send it to 3 people" in preview and "Interviews &amp; next steps" in preview
    assert "Thank you for answering &lt;b&gt;all&lt;/b&gt;." in preview and not mail.outbox

    send = reverse("admin:bigbuyers_bulkemail_send", args=[bulk.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(send).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send)  # a double submit
    assert bulk_email.queue_messages(bulk.pk) == 0  # and a task run twice

    assert sorted(m.to[0] for m in mail.outbox) == ["anna.keller@lyon.example", "colleague@lyon.example",
                                                   "jonas.weber@lindenau.example"]
    message = mail.outbox[0]
    assert message.subject == "Interviews & next steps" and "answering <b>all</b>." in message.body
    assert "answering &lt;b&gt;all&lt;/b&gt;." in message.alternatives[0][0]
    keys = set(OutgoingEmail.objects.values_list("key", flat=True))
    assert keys == {f"bulk:{bulk.pk}:{r.user_id}" for r in bulk.recipients.all()}
    bulk.refresh_from_db()
    assert bulk.sent_by == staff and bulk.sent_at is not None
    assert "was sent already" in str(list(client.get(prepared["Location"]).context["messages"]))


def test_select_across_takes_every_filtered_response(client):
    known = known_campaign()
    ResponseFactory(status="submitted", submitted_at=known.campaign.opens_at)  # another campaign: not selected
    client.force_login(StaffFactory())
    url = reverse("admin:surveys_response_changelist") + f"?campaign__id__exact={known.campaign.pk}&status__exact=submitted"

    _compose(client, url, "email_responses", [known.responses["lyon"].pk], select_across="1", compose="1", **MESSAGE)

    bulk = BulkEmail.objects.get()
    assert bulk.recipient_count == 3 and bulk.filters["select_across"] is True
    assert "status__exact=submitted" in bulk.filters["changelist"]


def test_members_get_the_message(client, django_capture_on_commit_callbacks):
    first = MembershipFactory(user=UserFactory(email="one@member.example"))
    second = MembershipFactory(community=first.community, user=UserFactory(email="two@member.example"))
    MembershipFactory(user=first.user)  # the same person in another community: once
    client.force_login(StaffFactory())
    url = reverse("admin:communities_membership_changelist")

    answer = client.post(url + "?q=member.example", {"action": "email_members", "_selected_action": [first.pk],
                                                      "select_across": "1", "compose": "1", **MESSAGE})
    bulk = BulkEmail.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:bigbuyers_bulkemail_send", args=[bulk.pk]))

    assert answer.status_code == 302 and bulk.recipient_count == 2 and bulk.source == "members"
    assert sorted(m.to[0] for m in mail.outbox) == ["one@member.example", "two@member.example"]
    del second


def test_bulk_email_needs_its_permission(client):
    known = known_campaign()
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_response", "change_response"]))
    client.force_login(clerk)
    url = reverse("admin:surveys_response_changelist")
    assert "email_responses" not in client.get(url).content.decode()
    _compose(client, url, "email_responses", [known.responses["lyon"].pk], compose="1", **MESSAGE)
    assert not BulkEmail.objects.exists()
    bulk = BulkEmail.objects.create(subject="s", body="b", source="responses", audience="x", created_by=StaffFactory())
    assert client.get(reverse("admin:bigbuyers_bulkemail_preview", args=[bulk.pk])).status_code == 403
    assert client.post(reverse("admin:bigbuyers_bulkemail_send", args=[bulk.pk])).status_code == 403
    assert BulkEmail.objects.get().sent_at is None
