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
    # (a body that is not eligible, offered the Observer Group), "unsure" (eligibility needs review)
    as_user: str = "anonymous"
    submit_empty_form: bool = False  # press the page's main button to show its validation errors


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
    ]
    for step in STEP_SLUGS:
        visits.append(PageVisit(f"step {step}", f"/campaigns/{slug}/survey/{step}/", as_user="respondent"))
    visits += [
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
    ]
    return visits
