"""Subjects are shortened in one place, the outbox, so that no name a form accepts can make an e-mail fail to
be recorded (the subject column holds 300 characters)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bigbuyers.models import OutgoingEmail
from bigbuyers.outbox import SUBJECT_MAX, queue_email, shorten_subject
from bigbuyers.reminders import send_due_reminders
from groups.models import Interview
from groups.services.interviews import booking_token
from surveys.forms import OrganisationForm
from surveys.models import Campaign
from tests.factories import CampaignFactory, InterviewSlotFactory, OrganisationFactory, ResponseFactory, UserFactory

pytestmark = pytest.mark.django_db

# As long as the organisation step and the campaign's admin accept (255 and 200 characters), with words.
LONGEST_ORGANISATION = ("Syndicat intercommunal pour la mobilité électrique " * 6)[
    :OrganisationForm.base_fields["name"].max_length]
LONGEST_CAMPAIGN = ("Big Buyers Working Together needs assessment " * 5)[:Campaign._meta.get_field("name").max_length]


def test_the_longest_names_are_what_the_forms_accept():
    assert len(LONGEST_ORGANISATION) == 255 and len(LONGEST_CAMPAIGN) == 200
    assert OrganisationForm({"name": LONGEST_ORGANISATION, "country": "FR", "body_type": "local_authority"}).is_valid()


def test_a_subject_too_long_is_cut_at_a_word_with_an_ellipsis():
    subject = shorten_subject("Interview booked: " + "word " * 100)
    assert len(subject) <= SUBJECT_MAX and subject.endswith("word…")
    assert shorten_subject("Short subject") == "Short subject"
    assert len(shorten_subject("x" * 1000)) == SUBJECT_MAX


def test_every_e_mail_goes_through_it(committed):
    with committed():
        email = queue_email(key="long", to="a@b.example", template="bulk", context={"subject": "News " * 200, "body": "Hi"})
    assert email is not None and len(OutgoingEmail.objects.get(pk=email.pk).subject) <= SUBJECT_MAX


def test_booking_moving_cancelling_and_reminding_an_interview_with_the_longest_names(client, committed):
    campaign = CampaignFactory(name=LONGEST_CAMPAIGN)
    response = ResponseFactory(campaign=campaign, respondent=UserFactory(email="eva@ville.example"), status="submitted",
                               submitted_at=timezone.now(), interview_willing=True,
                               organisation=OrganisationFactory(name=LONGEST_ORGANISATION))
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    first, second = (InterviewSlotFactory(campaign=campaign, starts_at=start + dt.timedelta(hours=h)) for h in (0, 2))
    url = reverse("interview_booking", args=[booking_token(response)])
    with committed():
        assert client.post(url, {"slot": first.pk}).status_code == 302  # was a 500: the subject overflowed
        assert client.post(url, {"slot": second.pk}).status_code == 302
        send_due_reminders(now=start - dt.timedelta(hours=12))
        assert client.post(reverse("interview_cancel", args=[booking_token(response)])).status_code == 302
    subjects = list(OutgoingEmail.objects.values_list("subject", flat=True))
    kinds = ["Interview booked: ", "Interview moved: ", "Reminder: follow-up interview", "Interview cancelled: "]
    assert all(any(s.startswith(kind) for s in subjects) for kind in kinds), subjects
    assert all(len(s) <= SUBJECT_MAX for s in subjects) and any(s.endswith("…") for s in subjects)
    assert Interview.objects.get(response=response).status == "cancelled"
