"""What each process keeps of a campaign for its pages (surveys/kept.py): kept while nothing changes, read again
after any change to the campaign, its areas or its questionnaire, however the change is made."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from surveys.kept import published_content
from surveys.models import Campaign, ThematicArea
from surveys.questionnaire.models import Choice, Question, QuestionnairePage
from tests.factories import CampaignFactory
from tests.questionnaire.build import pages, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(campaign):
    rows = pages(campaign, ("plans", "Plans", 2))
    return question(rows["plans"], "joint", "one_choice", "Joint procurement?", choices=["alone", "together"])


def test_kept_while_nothing_changes_one_short_query(campaign, joint, django_assert_num_queries):
    first = published_content(campaign.slug)
    with django_assert_num_queries(1):
        again = published_content(campaign.slug)
    assert again.questionnaire is first.questionnaire and again.areas is first.areas
    assert [q.label for q in again.questionnaire.questions] == ["Joint procurement?"]
    assert [a.code for a in again.areas] == [a.code for a in ThematicArea.objects.filter(campaign=campaign)]


def test_each_request_gets_its_own_campaign(campaign):
    first = published_content(campaign.slug).campaign
    first.name = "Changed by one request"
    assert published_content(campaign.slug).campaign.name == campaign.name


def _page_title(content):
    return content.questionnaire.page("plans").title


CHANGES = {
    # Each: a change made without a model's save(), so without any signal, and what it shows once read again.
    "campaign row": (lambda c, q: Campaign.objects.filter(pk=c.pk).update(name="Renamed"),
                     lambda content: content.campaign.name == "Renamed"),
    "deadline extended": (lambda c, q: Campaign.objects.filter(pk=c.pk).update(deadline=c.deadline + dt.timedelta(days=7)),
                          lambda content: content.campaign.deadline > timezone.now() + dt.timedelta(days=15)),
    "area added": (lambda c, q: ThematicArea.objects.bulk_create([ThematicArea(campaign=c, code="new", name="New", position=99)]),
                   lambda content: content.areas[-1].code == "new"),
    "area renamed": (lambda c, q: ThematicArea.objects.filter(campaign=c).update(name_en="Same name"),
                     lambda content: {a.name for a in content.areas} == {"Same name"}),
    "area deleted": (lambda c, q: ThematicArea.objects.filter(campaign=c, code="hdev").delete(),
                     lambda content: "hdev" not in [a.code for a in content.areas]),
    "page title": (lambda c, q: QuestionnairePage.objects.filter(key="plans").update(title_en="Our plans"),
                   lambda content: _page_title(content) == "Our plans"),
    "question label": (lambda c, q: Question.objects.filter(pk=q.pk).update(label_en="Buying together?"),
                       lambda content: content.questionnaire.questions[0].label == "Buying together?"),
    "choice added": (lambda c, q: Choice.objects.bulk_create([Choice(question=q, key="maybe", label_en="Maybe", position=9)]),
                     lambda content: [ch.key for ch in content.questionnaire.questions[0].choices.all()][-1] == "maybe"),
    "choice deleted": (lambda c, q: Choice.objects.filter(question=q, key="alone").delete(),
                       lambda content: [ch.key for ch in content.questionnaire.questions[0].choices.all()] == ["together"]),
}


@pytest.mark.parametrize("change", CHANGES)
def test_read_again_after_any_change_made_without_a_signal(campaign, joint, change):
    make, seen = CHANGES[change]
    before = published_content(campaign.slug)
    make(campaign, joint)
    after = published_content(campaign.slug)
    assert after.questionnaire is not before.questionnaire and seen(after)


def test_another_campaigns_change_leaves_this_one_kept(campaign, joint, django_assert_num_queries):
    other = CampaignFactory()
    kept = published_content(campaign.slug)
    ThematicArea.objects.filter(campaign=other).update(name_en="Elsewhere")
    Campaign.objects.filter(pk=other.pk).update(name="Other")
    with django_assert_num_queries(1):
        assert published_content(campaign.slug).questionnaire is kept.questionnaire


def test_what_was_read_inside_a_change_rolled_back_is_not_kept_afterwards(campaign, joint):
    @transaction.atomic
    def change_read_then_fail() -> None:
        Question.objects.filter(pk=joint.pk).update(label_en="Never committed")
        assert published_content(campaign.slug).questionnaire.questions[0].label == "Never committed"
        raise RuntimeError

    with pytest.raises(RuntimeError):
        change_read_then_fail()
    # The version went back with the rollback; the content read under the rolled-back version is not used.
    assert published_content(campaign.slug).questionnaire.questions[0].label == "Joint procurement?"


def test_only_published_and_opened_campaigns(campaign):
    published_content(campaign.slug)  # kept
    Campaign.objects.filter(pk=campaign.pk).update(is_published=False)
    with pytest.raises(Campaign.DoesNotExist):
        published_content(campaign.slug)
    Campaign.objects.filter(pk=campaign.pk).update(is_published=True, opens_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(Campaign.DoesNotExist):
        published_content(campaign.slug)
    with pytest.raises(Campaign.DoesNotExist):
        published_content("no-such-campaign")
