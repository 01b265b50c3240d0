"""Grow the access matrix's portal world with many rows of every kind a page or an admin list shows.

`grow(world, size=n, tag=...)` adds about `n` of everything (responses with their answers, organisations,
respondents, matching runs with placements, pins and exclusions, working groups with offers, observers,
interview slots and interviews, campaigns, communities with members, threads, replies, documents,
events, registrations, guests, travel claims, receipts, join requests, outbox rows, export records and
e-mails to many people), around the world's own people and objects so that each of their pages has more
to list. Rows are written with bulk_create, so that a few hundred cost well under a second. Call it once
with a small size and once with a large one (a different `tag` each time: it keeps names unique).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from bigbuyers.models import BulkEmail, BulkEmailRecipient, ExportRecord, OutgoingEmail, User
from communities.models import (
    Activity,
    Community,
    Document,
    Event,
    GuestInvitation,
    JoinRequest,
    Membership,
    Receipt,
    Registration,
    Reply,
    Thread,
    TravelClaim,
)
from groups.models import (
    GroupOffer,
    Interview,
    InterviewSlot,
    MatchingExclusion,
    MatchingPin,
    MatchingRun,
    ObserverSubscription,
    Placement,
    WorkingGroup,
)
from surveys.models import (
    AccessRequest,
    AreaChallenge,
    AreaInterest,
    Campaign,
    DeadlineChange,
    EligibilityChange,
    EligibilityDecision,
    LateRequest,
    Organisation,
    PlannedPurchase,
    PolicyChange,
    Respondent,
    Response,
    ThematicArea,
)

_slot_minutes = itertools.count(1)
# CPV codes of several divisions and groups, and one the vocabulary does not have (pages group and flag them).
CODES = ["34144910-0", "09331200-0", "45214200-2", "34121400-5", "12345678-9"]


def _users(tag: str, kind: str, size: int) -> list[User]:
    return User.objects.bulk_create([User(email=f"{kind}-{tag}-{n}@grown.example", full_name=f"{kind.title()} {tag} {n}")
                                     for n in range(size)])


def _organisations(tag: str, kind: str, size: int) -> list[Organisation]:
    return Organisation.objects.bulk_create([
        Organisation(name=f"{kind} body {tag} {n}", country=["FR", "DE", "IT", "NL"][n % 4], body_type="local_authority")
        for n in range(size)])


def _responses(campaign: Campaign, tag: str, size: int, *, staff: User) -> list[Response]:
    """`size` responses of `campaign` (half submitted, a mix of outcomes), each with every kind of answer."""
    now = timezone.now()
    organisations = _organisations(tag, campaign.slug, size)
    outcomes = ["needs_review", "eligible", "not_eligible", "eligible"]
    responses = Response.objects.bulk_create([
        Response(campaign=campaign, organisation=organisation, contact_name=f"Contact {tag} {n}",
                 status="submitted" if n % 2 == 0 else "draft", submitted_at=now if n % 2 == 0 else None,
                 submitted_revision=1 if n % 2 == 0 else None, eligibility=outcomes[n % 4], interview_willing=True,
                 interview_availability=["mon_am", "tue_pm"], steps_done=["organisation", "contact", "interests"])
        for n, organisation in enumerate(organisations)])
    people = _users(tag, f"respondent-{campaign.slug}", size)
    Respondent.objects.bulk_create([Respondent(response=r, user=u, campaign=campaign, is_owner=True)
                                    for r, u in zip(responses, people, strict=True)])
    areas = list(campaign.areas.all())
    AreaInterest.objects.bulk_create([AreaInterest(response=r, area=a, level=1 + (i + j) % 2)
                                      for i, r in enumerate(responses) for j, a in enumerate(areas)])
    AreaChallenge.objects.bulk_create([AreaChallenge(response=r, area=a, text=f"Charging and grid {a.code}")
                                       for r in responses for a in areas])
    PlannedPurchase.objects.bulk_create([PlannedPurchase(response=r, area=a, description=f"Buses {a.code}",
                                                         cpv_code=CODES[j % len(CODES)], position=j)
                                         for r in responses for j, a in enumerate(areas)])
    LateRequest.objects.bulk_create([LateRequest(response=r, motivation="We missed it.") for r in responses[::2]])
    EligibilityDecision.objects.bulk_create([
        EligibilityDecision(response=r, previous_outcome="needs_review", outcome="eligible", reason="Checked.",
                            decided_by=staff) for r in responses[::3]])
    return responses


def _questionnaire(campaign: Campaign) -> None:
    """The campaign's questionnaire with a page of its own after the areas: a choice, a yes/no asked per area
    and a question shown on a condition (their answers grow with the responses)."""
    from surveys.questionnaire.models import Choice, Question, QuestionnairePage
    from surveys.steps import STEP_SLUGS

    slugs = [*STEP_SLUGS[:3], "plans", *STEP_SLUGS[3:]]
    pages = QuestionnairePage.objects.bulk_create([
        QuestionnairePage(campaign=campaign, kind=slug if slug in STEP_SLUGS else "custom", key=slug,
                          title="Plans" if slug == "plans" else "", position=n) for n, slug in enumerate(slugs)])
    plans = pages[3]
    fleet = Question.objects.create(page=plans, campaign=campaign, key="fleet", kind="several_choices", label="Fleet")
    Choice.objects.bulk_create([Choice(question=fleet, key=k, label=k.title(), position=n)
                                for n, k in enumerate(["buses", "trucks", "ferries"])])
    Question.objects.create(page=plans, campaign=campaign, key="soon", kind="yes_no", label="Soon?", per_area=True,
                            position=1)
    Question.objects.create(page=plans, campaign=campaign, key="why", kind="long_text", label="Why?", position=2,
                            relevant="selected(${fleet}, 'buses')")


def _answers(responses: list[Response]) -> None:
    from surveys.questionnaire.models import Answer, AnswerChoice, Choice, Question

    questions = {q.key: q for q in Question.objects.filter(campaign_id=responses[0].campaign_id)} if responses else {}
    if not questions:
        return
    choices = list(Choice.objects.filter(question=questions["fleet"]))
    areas = list(ThematicArea.objects.filter(campaign_id=responses[0].campaign_id))
    fleet = Answer.objects.bulk_create([Answer(response=r, question=questions["fleet"]) for r in responses])
    AnswerChoice.objects.bulk_create([AnswerChoice(answer=a, choice=c) for a in fleet for c in choices[:2]])
    Answer.objects.bulk_create([Answer(response=r, question=questions["soon"], area=a, boolean=True)
                                for r in responses for a in areas])
    Answer.objects.bulk_create([Answer(response=r, question=questions["why"], text="Our depots.") for r in responses])


def furnish(world: Any) -> None:
    """Give the world what only the admin shows (a draft run, a slot with A's interview, an e-mail to many) and a
    questionnaire with a page of the campaign's own."""
    staff = world.people["staff"]
    _questionnaire(world.campaign)
    _answers([world.response_a])
    world.run = world.offer_a.group.run
    world.draft_run = MatchingRun.objects.create(campaign=world.campaign, groups=1, label="Draft", created_by=staff)
    world.interview_slot = InterviewSlot.objects.create(
        campaign=world.campaign, interviewer=staff, starts_at=timezone.now().replace(second=0, microsecond=0)
        + dt.timedelta(days=4), mode="video", video_link="https://meet.example/a")
    Interview.objects.create(response=world.response_a, slot=world.interview_slot, time_zone="Europe/Paris")
    world.bulk_email = BulkEmail.objects.create(subject="News", body="Body", source="responses", audience="All",
                                                created_by=staff)


def grow(world: Any, *, size: int, tag: str) -> None:
    """Add about `size` rows of every kind to the world (see the module's docstring)."""
    now = timezone.now()
    campaign: Campaign = world.campaign
    people = world.people
    staff, member, leader = people["staff"], people["member"], people["leader"]
    respondent_a, guest = people["respondent_a"], people["guest"]

    # Surveys: responses of the open campaign, and of other campaigns that respondent A answered too.
    responses = _responses(campaign, tag, size, staff=staff)
    _answers(responses)
    AccessRequest.objects.bulk_create([AccessRequest(response=world.response_a, requester=u, message="May I?")
                                       for u in _users(tag, "colleague-a", size)])
    AccessRequest.objects.bulk_create([AccessRequest(response=world.response_b, requester=u, message="May I?")
                                       for u in _users(tag, "colleague-b", size)])
    DeadlineChange.objects.bulk_create([
        DeadlineChange(campaign=campaign, previous_deadline=campaign.deadline, new_deadline=campaign.deadline,
                       reason=f"Extended {n}", changed_by=staff) for n in range(size)])
    policy_changes = PolicyChange.objects.bulk_create([
        PolicyChange(campaign=campaign, previous_eligible_groups=["EU"], eligible_groups=["EU", "EEA"],
                     changed_by=staff) for _n in range(size)])
    EligibilityChange.objects.bulk_create([
        EligibilityChange(policy_change=policy_changes[0], response=r, previous_outcome="not_eligible",
                          outcome="eligible") for r in responses])
    EligibilityChange.objects.bulk_create([
        EligibilityChange(policy_change=p, response=world.response_a, previous_outcome="not_eligible",
                          outcome="eligible") for p in policy_changes])
    EligibilityDecision.objects.bulk_create([
        EligibilityDecision(response=world.response_a, previous_outcome="needs_review", outcome="eligible",
                            reason=f"Checked {n}.", decided_by=staff) for n in range(size)])
    other_campaigns = Campaign.objects.bulk_create([
        Campaign(slug=f"grown-{tag}-{n}", name=f"Grown campaign {tag} {n}", summary="Grown.", introduction="Grown.",
                 opens_at=now - dt.timedelta(days=30), deadline=now + dt.timedelta(days=30 + n),
                 eligible_country_groups=["EU"]) for n in range(size)])
    ThematicArea.objects.bulk_create([ThematicArea(campaign=c, code=code, name=f"Area {code}", position=p)
                                      for c in other_campaigns for p, code in enumerate(["hdev", "zecs"])])
    grown_areas = ThematicArea.objects.bulk_create([
        ThematicArea(campaign=campaign, code=f"grown-{tag}-{n}", name=f"Grown area {n}", position=10 + n)
        for n in range(size)])
    own = Response.objects.bulk_create([
        Response(campaign=c, organisation=world.response_a.organisation, status="submitted", submitted_at=now,
                 eligibility="eligible", contact_name="Contact of A") for c in other_campaigns])
    Respondent.objects.bulk_create([Respondent(response=r, user=respondent_a, campaign=r.campaign) for r in own])
    AreaInterest.objects.bulk_create([AreaInterest(response=r, area=a, level=2)
                                      for r in own for a in r.campaign.areas.all()])

    # Matching: runs with placements, pins and exclusions; the published run's groups and their offers.
    areas = list(campaign.areas.all())
    runs = MatchingRun.objects.bulk_create([
        MatchingRun(campaign=campaign, groups=2, status="done" if n % 2 else "draft", solver_status="optimal",
                    objective=10.0, bound=10.0, gap=0.0, bodies_count=size, bodies_served=size, seconds=1.0,
                    result={"unplaced": [r.pk for r in responses[:3]], "excluded": [],
                            "explanations": {str(r.pk): "Placed for its interest." for r in responses}},
                    created_by=staff) for n in range(size)])
    world_runs = [world.draft_run, world.run, *runs[:3]]
    Placement.objects.bulk_create([Placement(run=run, response=r, area=a, weight=3)
                                   for run in world_runs for r in responses for a in areas[:2]])
    MatchingPin.objects.bulk_create([MatchingPin(run=world.draft_run, response=r, area=areas[0]) for r in responses])
    MatchingExclusion.objects.bulk_create([MatchingExclusion(run=world.draft_run, response=r) for r in responses])
    expires = now + dt.timedelta(days=9)
    groups = WorkingGroup.objects.bulk_create([WorkingGroup(campaign=campaign, area=a, run=world.run, min_size=1,
                                                            max_size=9) for a in grown_areas])
    GroupOffer.objects.bulk_create([GroupOffer(group=g, response=world.response_a, expires_at=expires,
                                               explanation="Its interest.") for g in groups])
    statuses = [("pending", "", None), ("accepted", "buyer", now), ("declined", "", now)]
    for group in WorkingGroup.objects.filter(campaign=campaign):
        GroupOffer.objects.bulk_create([
            GroupOffer(group=group, response=r, status=statuses[n % 3][0], role=statuses[n % 3][1],
                       responded_at=statuses[n % 3][2], expires_at=expires, explanation="Its interest.")
            for n, r in enumerate(responses)])
    ObserverSubscription.objects.bulk_create([
        ObserverSubscription(email=f"observer-{tag}-{n}@grown.example", name=f"Observer {n}",
                             confirmed_at=now if n % 2 else None) for n in range(size)])

    # Interviews: open slots to book, slots booked by the grown responses, and cancelled history on A's slot.
    start = now.replace(second=0, microsecond=0) + dt.timedelta(days=5)
    slots = InterviewSlot.objects.bulk_create([
        InterviewSlot(campaign=campaign, interviewer=staff, starts_at=start + dt.timedelta(minutes=next(_slot_minutes)),
                      mode="video", video_link="https://meet.example/grown") for _n in range(2 * size)])
    Interview.objects.bulk_create([Interview(response=r, slot=s, time_zone="Europe/Paris")
                                   for r, s in zip(responses, slots[size:], strict=True)])
    Interview.objects.bulk_create([
        Interview(response=r, slot=world.interview_slot, time_zone="Europe/Paris", status="cancelled",
                  cancelled_at=now) for r in responses])

    # Communities: the world's community gets members, discussions, files, events, guests and claims;
    # the member and the staff member get other communities; the directory and public files grow.
    community: Community = world.communities.objects["community"]
    thread: Thread = world.communities.objects["thread"]
    event: Event = world.communities.objects["event"]
    past: Event = world.communities.objects["past"]
    claim: TravelClaim = world.communities.objects["claim"]
    members = _users(tag, "member", size)
    bodies = _organisations(tag, "member", size)
    memberships = Membership.objects.bulk_create([
        Membership(community=community, user=u, organisation=o, role=["member", "core", "leader"][n % 3])
        for n, (u, o) in enumerate(zip(members, bodies, strict=True))])
    others = Community.objects.bulk_create([
        Community(slug=f"grown-{tag}-{n}", name=f"Grown community {tag} {n}", area=areas[n % len(areas)],
                  campaign=campaign, is_open=n % 2 == 0) for n in range(size)])
    Membership.objects.bulk_create([Membership(community=c, user=member, organisation=bodies[0]) for c in others])
    Membership.objects.bulk_create([Membership(community=c, user=members[0]) for c in others])
    Thread.objects.bulk_create([Thread(community=c, author=members[0], title="Elsewhere", body="Hi") for c in others])
    Document.objects.bulk_create([
        Document(community=c, title=f"Public file {tag}", file="documents/grown.pdf", original_name="grown.pdf",
                 content_type="application/pdf", size=10, classification="public", uploaded_by=members[0])
        for c in others])
    Event.objects.bulk_create([Event(community=c, kind="online_meeting", title="Elsewhere", starts_at=start,
                                     ends_at=start + dt.timedelta(hours=1), created_by=members[0]) for c in others])
    JoinRequest.objects.bulk_create([JoinRequest(community=c, user=people["outsider"]) for c in others[1::2]])
    JoinRequest.objects.bulk_create([JoinRequest(community=community, user=u, organisation_name=f"Asking {n}",
                                                 message="We buy buses.")
                                     for n, u in enumerate(_users(tag, "asking", size))])
    Activity.objects.bulk_create([Activity(community=community, title=f"Activity {tag} {n}",
                                           starts_on=dt.date(2027, 1, 1) + dt.timedelta(days=n)) for n in range(size)])
    threads = Thread.objects.bulk_create([
        Thread(community=community, author=members[n], title=f"Thread {tag} {n}", body="What do you think?",
               is_hidden=n % 5 == 0, is_pinned=n % 7 == 0) for n in range(size)])
    Reply.objects.bulk_create([Reply(thread=t, author=members[n], body="Agreed.", is_hidden=n % 4 == 0)
                               for t in [thread, *threads[:3]] for n in range(size)])
    Reply.objects.bulk_create([Reply(thread=thread, author=member, body="Mine too.") for _n in range(size)])
    Document.objects.bulk_create([
        Document(community=community, title=f"File {tag} {n}", file="documents/grown.pdf", original_name="grown.pdf",
                 content_type="application/pdf", size=10, classification=["confidential", "public"][n % 2],
                 uploaded_by=members[n]) for n in range(size)])
    events = Event.objects.bulk_create([
        Event(community=community, kind="in_person_meeting", title=f"Event {tag} {n}", in_person=True, place="Lyon",
              starts_at=start + dt.timedelta(days=n % 5 - 3), ends_at=start + dt.timedelta(days=n % 5 - 3, hours=3),
              capacity=5, created_by=members[n]) for n in range(size)])
    Registration.objects.bulk_create([
        Registration(event=e, user=u, status=["registered", "waiting", "cancelled"][n % 3])
        for e in [event, past, *events[:3]] for n, u in enumerate(members)])
    Registration.objects.bulk_create([Registration(event=e, user=member, status="registered") for e in events])
    guests = _users(tag, "guest", size)
    GuestInvitation.objects.bulk_create([GuestInvitation(event=event, user=g, organisation_name=f"Supplier {n}",
                                                         invited_by=leader) for n, g in enumerate(guests)])
    GuestInvitation.objects.bulk_create([GuestInvitation(event=e, user=guest, invited_by=leader) for e in events])
    Registration.objects.bulk_create([Registration(event=event, user=g, status="registered", is_guest=True)
                                      for g in guests])
    claims = TravelClaim.objects.bulk_create([TravelClaim(event=past, membership=m, travel=Decimal("80.00"))
                                              for m in memberships])
    own_membership = Membership.objects.get(community=community, user=member)
    TravelClaim.objects.bulk_create([TravelClaim(event=e, membership=own_membership, travel=Decimal("50.00"))
                                     for e in events])
    Receipt.objects.bulk_create([Receipt(claim=c, file="receipts/grown.pdf", original_name=f"ticket {n}.pdf",
                                         content_type="application/pdf", size=10)
                                 for c in [claim, *claims[:3]] for n in range(size)])

    # The back office's own records.
    OutgoingEmail.objects.bulk_create([
        OutgoingEmail(key=f"grown:{tag}:{n}", to=f"to-{n}@grown.example", subject=f"Subject {n}", body_text="Text",
                      body_html="<p>Text</p>", status=["pending", "sent", "failed"][n % 3]) for n in range(size)])
    OutgoingEmail.objects.bulk_create([
        OutgoingEmail(key=f"grown:{tag}:a:{n}", to=respondent_a.email, subject=f"Yours {n}", body_text="Text",
                      body_html="<p>Text</p>") for n in range(size)])
    OutgoingEmail.objects.bulk_create([
        OutgoingEmail(key=f"claim-status:{claim.pk}:{tag}:{n}", to=member.email, subject=f"Claim {n}",
                      body_text="Text", body_html="<p>Text</p>") for n in range(size)])
    ExportRecord.objects.bulk_create([ExportRecord(user=u, kind="responses", title=f"Export {n}", format="csv",
                                                   row_count=n) for n, u in enumerate(members)])
    bulk = BulkEmail.objects.bulk_create([BulkEmail(subject=f"Subject {n}", body="Body", source="responses",
                                                    audience="Someone", created_by=members[n]) for n in range(size)])
    BulkEmailRecipient.objects.bulk_create([BulkEmailRecipient(bulk_email=b, user=u)
                                            for b in [world.bulk_email, *bulk[:3]] for u in members])
