"""The registry of pages that the accessibility and HTML checks visit. Every new page is added here.

Each entry names the page, the path to open, and who opens it ("anonymous", "respondent", ...), so
that the check covers pages behind the sign-in too, in each state they show.
"""

from __future__ import annotations

from dataclasses import dataclass

from surveys.steps import STEP_SLUGS


@dataclass(frozen=True)
class PageVisit:
    name: str
    path: str
    # or "respondent" (has a draft with every step saved), "new" (signed in, no answers yet), "outsider"
    # (a body that is not eligible, offered the Observer Group), "unsure" (eligibility needs review),
    # "staff" (the secretariat, signed in to the admin), "staff-with-app" (staff with a confirmed authenticator app)
    as_user: str = "anonymous"
    submit_empty_form: bool = False  # press the page's main button to show its validation errors
    code_given: bool = False  # staff with an authenticator app: this session has given its two-factor code
    fill: tuple[tuple[str, str], ...] = ()  # (selector, text) typed before pressing the button
    button: str = "main form button[type=submit]"  # the last one matching is pressed
    by_link: bool = False  # staff signed in with an e-mailed link rather than the password


def pages(slug: str, closed_slug: str) -> list[PageVisit]:
    visits = [
        PageVisit("home", "/"),
        PageVisit("campaign", f"/campaigns/{slug}/"),
        PageVisit("closed campaign", f"/campaigns/{closed_slug}/"),
        PageVisit("start", f"/campaigns/{slug}/start/"),
        PageVisit("start with errors", f"/campaigns/{slug}/start/", submit_empty_form=True),
        PageVisit("sign in", "/signin/"),
        PageVisit("sign-in link sent", "/signin/sent/"),
        PageVisit("sign-in link", "/signin/link/?token=abc"),
        PageVisit("sign-in link used", "/signin/link/?token=abc", submit_empty_form=True),
        PageVisit("accessibility statement", "/accessibility/"),
        PageVisit("privacy notice", "/privacy/"),
        PageVisit("communities, public page", "/communities/about/"),
        PageVisit("communities, public page, signed in", "/communities/about/", as_user="respondent"),
    ]
    for step in STEP_SLUGS:
        visits.append(PageVisit(f"step {step}", f"/campaigns/{slug}/survey/{step}/", as_user="respondent"))
    visits += [
        # Words in the CPV box: the codes found are listed under it to choose from (the search without JavaScript).
        PageVisit("step purchases with CPV codes found", f"/campaigns/{slug}/survey/purchases/", as_user="respondent",
                  submit_empty_form=True, fill=(("#id_purchases-0-description", "Electric buses"),
                                                ("#id_purchases-0-cpv_code", "electric bus"))),
        # A page of the campaign's own questions (tests/browser/test_every_page.py gives the open campaign one).
        PageVisit("step of the campaign's own questions", f"/campaigns/{slug}/survey/plans/", as_user="respondent"),
        PageVisit("step of the campaign's own questions with errors", f"/campaigns/{slug}/survey/plans/",
                  as_user="respondent", submit_empty_form=True),
        PageVisit("step organisation with errors", f"/campaigns/{slug}/survey/organisation/", as_user="new",
                  submit_empty_form=True),
        PageVisit("eligibility", f"/campaigns/{slug}/survey/eligibility/", as_user="respondent"),
        PageVisit("eligibility, not eligible", f"/campaigns/{slug}/survey/eligibility/", as_user="outsider"),
        PageVisit("eligibility, needs review", f"/campaigns/{slug}/survey/eligibility/", as_user="unsure"),
        PageVisit("review, not eligible", f"/campaigns/{slug}/survey/review/", as_user="outsider"),
        PageVisit("review", f"/campaigns/{slug}/survey/review/", as_user="respondent"),
        PageVisit("colleagues", f"/campaigns/{slug}/survey/colleagues/", as_user="respondent"),
        PageVisit("your data", "/account/", as_user="respondent"),
        PageVisit("your data with errors", "/account/", as_user="respondent", submit_empty_form=True),
        PageVisit("survey closed", f"/campaigns/{closed_slug}/survey/closed/", as_user="respondent"),
        # The interview page (groups), reached as a signed-in respondent; the e-mailed link opens the same page.
        PageVisit("interview booking", f"/campaigns/{slug}/interview/", as_user="respondent"),
        PageVisit("interview booking with errors", f"/campaigns/{slug}/interview/", as_user="respondent",
                  submit_empty_form=True),
        PageVisit("interview booked", f"/campaigns/{closed_slug}/interview/", as_user="respondent"),
        PageVisit("interview link broken", "/interviews/MTIz:forged:signature/"),
    ]
    return visits


def community_pages(ids: dict[str, object]) -> list[PageVisit]:
    """The pages of the communities app, each as the person who sees it in that state.

    `ids` come from the test's data: the closed community's and the open one's slugs, and the ids of a
    thread, a reply, an event, a past in-person event, a claim, a join request and a roadmap activity.
    People: "cop-member" (author of the thread and reply, with a claim), "cop-leader", "cop-guest" (invited
    to the event) and "cop-visitor" (signed in, in no community).
    """
    base = f"/communities/{ids['slug']}"
    event, past = f"{base}/events/{ids['event']}", f"{base}/events/{ids['past']}"
    return [
        PageVisit("my communities", "/communities/mine/", as_user="cop-member"),
        PageVisit("my communities, guest", "/communities/mine/", as_user="cop-guest"),
        PageVisit("communities", "/communities/", as_user="cop-visitor"),
        PageVisit("public documents", "/communities/documents/", as_user="cop-visitor"),
        PageVisit("community overview", f"{base}/", as_user="cop-member"),
        PageVisit("community overview, leader", f"{base}/", as_user="cop-leader"),
        PageVisit("open community, visitor", f"/communities/{ids['open_slug']}/", as_user="cop-visitor"),
        PageVisit("join an open community", f"/communities/{ids['open_slug']}/join/", as_user="cop-visitor"),
        PageVisit("ask to join", f"{base}/join/", as_user="cop-visitor"),
        PageVisit("ask to join with errors", f"{base}/join/", as_user="cop-visitor", submit_empty_form=True),
        PageVisit("members", f"{base}/members/", as_user="cop-member"),
        PageVisit("e-mail preferences", f"{base}/preferences/", as_user="cop-member"),
        PageVisit("requests to join", f"{base}/requests/", as_user="cop-leader"),
        PageVisit("decide a request", f"{base}/requests/{ids['join_request']}/", as_user="cop-leader"),
        PageVisit("decide a request with errors", f"{base}/requests/{ids['join_request']}/", as_user="cop-leader",
                  submit_empty_form=True),
        PageVisit("roadmap", f"{base}/roadmap/", as_user="cop-leader"),
        PageVisit("add an activity", f"{base}/roadmap/activities/new/", as_user="cop-leader"),
        PageVisit("add an activity with errors", f"{base}/roadmap/activities/new/", as_user="cop-leader",
                  submit_empty_form=True),
        PageVisit("change an activity", f"{base}/roadmap/activities/{ids['activity']}/", as_user="cop-leader"),
        PageVisit("discussions", f"{base}/discussions/", as_user="cop-member"),
        PageVisit("start a discussion", f"{base}/discussions/new/", as_user="cop-member"),
        PageVisit("start a discussion with errors", f"{base}/discussions/new/", as_user="cop-member",
                  submit_empty_form=True),
        PageVisit("thread", f"{base}/discussions/{ids['thread']}/", as_user="cop-member"),
        PageVisit("thread, leader", f"{base}/discussions/{ids['thread']}/", as_user="cop-leader"),
        PageVisit("change a thread", f"{base}/discussions/{ids['thread']}/edit/", as_user="cop-member"),
        PageVisit("change a reply", f"{base}/replies/{ids['reply']}/edit/", as_user="cop-member"),
        PageVisit("documents", f"{base}/documents/", as_user="cop-member"),
        PageVisit("upload a document", f"{base}/documents/upload/", as_user="cop-member"),
        PageVisit("upload a document with errors", f"{base}/documents/upload/", as_user="cop-member",
                  submit_empty_form=True),
        PageVisit("events", f"{base}/events/", as_user="cop-member"),
        PageVisit("plan an event", f"{base}/events/new/", as_user="cop-leader"),
        PageVisit("plan an event with errors", f"{base}/events/new/", as_user="cop-leader", submit_empty_form=True),
        PageVisit("event", f"{event}/", as_user="cop-member"),
        PageVisit("event, leader", f"{event}/", as_user="cop-leader"),
        PageVisit("event, guest", f"{event}/", as_user="cop-guest"),
        PageVisit("past in-person event", f"{past}/", as_user="cop-member"),
        PageVisit("change an event", f"{event}/edit/", as_user="cop-leader"),
        PageVisit("event guests", f"{event}/guests/", as_user="cop-leader"),
        PageVisit("event guests with errors", f"{event}/guests/", as_user="cop-leader", submit_empty_form=True),
        PageVisit("travel claims", f"{base}/claims/", as_user="cop-member"),
        PageVisit("travel claim", f"{base}/claims/{ids['claim']}/", as_user="cop-member"),
        PageVisit("claim travel costs", f"{past}/claim/", as_user="cop-leader"),
        PageVisit("claim travel costs with errors", f"{past}/claim/", as_user="cop-leader", submit_empty_form=True),
        PageVisit("claim travel costs, refused", f"{past}/claim/", as_user="cop-visitor-member"),
    ]


def formation_pages(ids: dict[str, object]) -> list[PageVisit]:
    """The public pages of group formation: a body's offers from its e-mailed link, and the Observer Group.

    `ids` come from the test's data: "offer_token" (a body with a pending offer), "declined_token" (a body
    whose only offer is declined: its page's last button commits, and without a role shows the errors),
    "accepted_offer" and "declined_offer" (offers of those two bodies), "confirm_token" and
    "unsubscribe_token" (an Observer Group subscription's links).
    """
    offers, declined = f"/offers/{ids['offer_token']}", f"/offers/{ids['declined_token']}"
    return [
        PageVisit("group offers", f"{offers}/"),
        PageVisit("group offers, declined", f"{declined}/"),
        PageVisit("group offers with errors", f"{declined}/", submit_empty_form=True),
        PageVisit("group offer accepted", f"{offers}/{ids['accepted_offer']}/accepted/"),
        PageVisit("group offer declined", f"{declined}/{ids['declined_offer']}/declined/"),
        PageVisit("group offer link broken", "/offers/WzEsMV0:forged:signature/"),
        PageVisit("observer group", "/observers/"),
        PageVisit("observer group with errors", "/observers/", submit_empty_form=True),
        PageVisit("observer group, link sent", "/observers/sent/"),
        PageVisit("observer group, confirm", f"/observers/confirm/{ids['confirm_token']}/"),
        PageVisit("observer group, confirmed", "/observers/confirmed/"),
        PageVisit("observer group, unsubscribe", f"/observers/unsubscribe/{ids['unsubscribe_token']}/"),
        PageVisit("observer group, unsubscribed", f"/observers/unsubscribe/{ids['unsubscribe_token']}/",
                  submit_empty_form=True),
        PageVisit("observer group link broken", "/observers/confirm/forged/"),
    ]


def staff_pages(campaign_id: int) -> list[PageVisit]:
    """The secretariat's pages built by the portal itself (not Django's admin forms): a campaign's
    dashboard and its needs-assessment report, which is shown to public buyers too."""
    base = f"/admin/surveys/campaign/{campaign_id}"
    return [
        PageVisit("campaign dashboard", f"{base}/dashboard/", as_user="staff"),
        PageVisit("needs-assessment report", f"{base}/report/", as_user="staff"),
        PageVisit("questionnaire preview", f"{base}/questionnaire/preview/plans/?language=fr", as_user="staff"),
        PageVisit("questionnaire preview with errors", f"{base}/questionnaire/preview/plans/?language=de",
                  as_user="staff", submit_empty_form=True),
        PageVisit("copy a questionnaire", f"{base}/questionnaire/copy/", as_user="staff"),
        PageVisit("import an XLSForm", f"{base}/questionnaire/import/", as_user="staff"),
        # Staff signed in with an e-mailed link are asked for their password, and told why.
        PageVisit("admin sign-in after a link", "/admin/login/?next=/admin/", as_user="staff", by_link=True),
        *two_factor_pages(),
    ]


def admin_pages(ids: dict[str, object]) -> list[PageVisit]:
    """The secretariat's admin pages that the portal adds or changes (its own views and templates, and the
    change forms and lists it configures), as "staff". `ids` come from the test's data: a campaign, a response,
    a planned purchase, a draft and a solved run, an interview, a community, an event and a travel claim."""
    campaign, run, draft = ids["campaign"], ids["run"], ids["draft"]
    save = "input[name=_save]"
    return [
        PageVisit("admin home", "/admin/", as_user="staff"),
        PageVisit("campaigns", "/admin/surveys/campaign/", as_user="staff"),
        PageVisit("campaign", f"/admin/surveys/campaign/{campaign}/change/", as_user="staff"),
        PageVisit("campaign with errors", f"/admin/surveys/campaign/{campaign}/change/", as_user="staff",
                  submit_empty_form=True, button=save, fill=(("#id_name_en", ""), ("#id_opens_at_0", "someday"))),
        PageVisit("new campaign", "/admin/surveys/campaign/add/", as_user="staff"),
        PageVisit("extend a deadline", f"/admin/surveys/campaign/{campaign}/extend-deadline/", as_user="staff"),
        PageVisit("responses", "/admin/surveys/response/", as_user="staff"),
        PageVisit("response", f"/admin/surveys/response/{ids['response']}/change/", as_user="staff"),
        PageVisit("decide eligibility", f"/admin/surveys/response/{ids['response']}/decide-eligibility/",
                  as_user="staff"),
        PageVisit("eligibility review queue", "/admin/surveys/eligibilityreview/", as_user="staff"),
        PageVisit("planned purchases", "/admin/surveys/plannedpurchase/", as_user="staff"),
        PageVisit("planned purchases, codes not in the vocabulary", "/admin/surveys/plannedpurchase/?cpv=unknown",
                  as_user="staff"),
        PageVisit("planned purchase, CPV codes found", f"/admin/surveys/plannedpurchase/{ids['purchase']}/change/",
                  as_user="staff", submit_empty_form=True, button="input[name=_save]",
                  fill=(("#id_cpv_code", "electric bus"),)),
        PageVisit("matching runs", "/admin/groups/matchingrun/", as_user="staff"),
        PageVisit("new matching run", f"/admin/groups/matchingrun/add/?campaign={campaign}", as_user="staff"),
        PageVisit("draft matching run", f"/admin/groups/matchingrun/{draft}/change/", as_user="staff"),
        PageVisit("solved matching run", f"/admin/groups/matchingrun/{run}/change/", as_user="staff"),
        PageVisit("demand pictures", "/admin/groups/matchingrun/demand/", as_user="staff"),
        PageVisit("demand picture", f"/admin/groups/matchingrun/demand/{campaign}/", as_user="staff"),
        PageVisit("a run's bodies", f"/admin/groups/matchingrun/{run}/bodies/", as_user="staff"),
        PageVisit("runs compared", f"/admin/groups/matchingrun/compare/?ids={run},{draft}", as_user="staff"),
        PageVisit("publish a run", f"/admin/groups/matchingrun/{run}/publish/", as_user="staff"),
        PageVisit("interview slots", "/admin/groups/interviewslot/", as_user="staff"),
        PageVisit("open a series of slots", "/admin/groups/interviewslot/series/", as_user="staff"),
        PageVisit("interview", f"/admin/groups/interview/{ids['interview']}/change/", as_user="staff"),
        PageVisit("communities", "/admin/communities/community/", as_user="staff"),
        PageVisit("community", f"/admin/communities/community/{ids['community']}/change/", as_user="staff"),
        PageVisit("event", f"/admin/communities/event/{ids['event']}/change/", as_user="staff"),
        PageVisit("travel claims", "/admin/communities/travelclaim/", as_user="staff"),
        PageVisit("e-mails sent", "/admin/bigbuyers/outgoingemail/", as_user="staff"),
    ]


def two_factor_pages() -> list[PageVisit]:
    """Two-factor authentication: enrolment as "staff" (no app yet), and as "staff-with-app" (a confirmed
    authenticator app) the code asked after the password, then, the code given, the state and removal."""
    return [
        PageVisit("two-factor enrolment", "/admin/two-factor/", as_user="staff"),
        PageVisit("two-factor enrolment with errors", "/admin/two-factor/", as_user="staff", submit_empty_form=True),
        PageVisit("two-factor code", "/admin/two-factor/verify/", as_user="staff-with-app"),
        PageVisit("two-factor code with errors", "/admin/two-factor/verify/", as_user="staff-with-app",
                  submit_empty_form=True),
        PageVisit("two-factor on", "/admin/two-factor/", as_user="staff-with-app", code_given=True),
        PageVisit("two-factor removal", "/admin/two-factor/remove/", as_user="staff-with-app", code_given=True),
        PageVisit("two-factor removal with errors", "/admin/two-factor/remove/", as_user="staff-with-app",
                  code_given=True, submit_empty_form=True),
    ]
