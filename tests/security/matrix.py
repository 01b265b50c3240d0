"""The portal's access-control matrix: every URL from the resolver, every kind of person.

Each URL name has a row: how to build its address from a test world, the method, and the status each
kind of person gets. `check_matrix` visits them all and returns what differs, and any URL that has
no row at all, so that a new page without a row (or with a forgotten access check) is reported.
The communities' own table (tests/communities/test_permissions.py) supplies their rows.

The admin is checked apart: every list model by model (`check_admin`), and every admin URL our apps add
(`check_admin_urls`, rows in tests/security/admin_rows.py): each must be a bigbuyers.staff_views.staff_view,
and must give staff with its permission their page, staff without it 403, and anyone else (staff signed in
by link included) the admin's sign-in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import signin
from tests.communities import test_permissions as communities_table

# "staff" is the secretariat (the Secretariat group, signed in with the password); "staff_no_permissions"
# is staff with no permission at all (password); "staff_by_link" is a superuser signed in with an e-mailed
# link. The last two get what an outsider gets everywhere outside the admin's sign-in.
PEOPLE = ["anonymous", "respondent_a", "respondent_b", "member", "outsider", "guest", "staff", "staff_no_permissions",
          "staff_by_link"]
STAFF_AS_OUTSIDERS = ("staff_no_permissions", "staff_by_link")
LOGIN = "login"  # expected: a redirect to the sign-in page
ADMIN_LOGIN = "admin login"  # expected: a redirect to the admin's sign-in page (staff pages)


@dataclass(frozen=True)
class Row:
    args: Callable[[Any], list[object]]
    expected: dict[str, int | str]
    method: str = "get"
    data: dict[str, str] | None = None
    query: str = ""
    personal: bool = False  # reached by a signed link: personal to anyone, signed in or not


def everyone(status: int) -> dict[str, int | str]:
    return dict.fromkeys(PEOPLE, status)


def signed_in(status: int, **others: int) -> dict[str, int | str]:
    return {**everyone(status), "anonymous": LOGIN, **others}


def no_args(world: Any) -> list[object]:
    return []


def slug(world: Any) -> list[object]:
    return [world.campaign.slug]


def _survey_rows() -> dict[str, Row]:
    # Respondents A and B each have their own response in the open campaign; the others have none.
    own = {"respondent_a": 200, "respondent_b": 200}
    return {
        "healthz": Row(no_args, everyone(200)),
        # Browsers post violation reports here, signed in or not; a form post is no report (400).
        "csp_report": Row(no_args, everyone(400), method="post"),
        "accessibility": Row(no_args, everyone(200)),
        "privacy": Row(no_args, everyone(200)),
        "home": Row(no_args, everyone(200)),
        "signin": Row(no_args, everyone(200)),
        "signin_sent": Row(no_args, everyone(200)),
        "signin_link": Row(no_args, everyone(200), query="?token=not-a-token", personal=True),
        "signout": Row(no_args, everyone(405)),
        "cpv_suggestions": Row(no_args, everyone(200), query="?q=electric+bus"),  # public reference data
        "set_language": Row(no_args, everyone(302)),
        "account": Row(no_args, signed_in(200)),
        "account_export": Row(no_args, signed_in(200)),
        "campaign_detail": Row(slug, everyone(200)),
        "survey_start": Row(slug, {**everyone(302), "anonymous": 200}),
        "survey_resume": Row(slug, signed_in(302)),
        "survey_eligibility": Row(slug, signed_in(302, **own)),
        "survey_review": Row(slug, signed_in(302, **own)),
        "survey_submit": Row(slug, signed_in(405)),
        "survey_done": Row(slug, signed_in(302, respondent_a=200)),  # A submitted, B is a draft
        "survey_closed": Row(slug, signed_in(302)),  # open campaign: sent back to the survey
        "survey_colleagues": Row(slug, signed_in(404, **own)),
        "survey_request_access": Row(lambda w: [w.campaign.slug, w.response_a.pk], signed_in(405)),
        "survey_step": Row(lambda w: [w.campaign.slug, "contact"], signed_in(302, **own)),
        "interview_booking": Row(lambda w: [w.booking_token_a], everyone(200), personal=True),
        "interview_cancel": Row(lambda w: [w.booking_token_a], everyone(405), personal=True),
        "interview_mine": Row(slug, signed_in(404, respondent_a=302, respondent_b=302)),
        # Staff two-factor pages; the world's staff member has no authenticator app: removing one and
        # giving a code send back to the enrolment page.
        # Every staff member signed in with the password may set up an app; a link's session may not.
        "two_factor": Row(no_args, {**everyone(ADMIN_LOGIN), "staff": 200, "staff_no_permissions": 200}),
        "two_factor_remove": Row(no_args, {**everyone(ADMIN_LOGIN), "staff": 302, "staff_no_permissions": 302}),
        "two_factor_verify": Row(no_args, {**everyone(ADMIN_LOGIN), "staff": 302, "staff_no_permissions": 302}),
    }


def _community_rows() -> dict[str, Row]:
    rows = {}
    for name, (args, method, data, expected) in communities_table.TABLE.items():
        people = {"anonymous": expected.get("anonymous", LOGIN), "respondent_a": expected["outsider"],
                  "respondent_b": expected["outsider"],
                  **{k: expected[k] for k in ("member", "outsider", "guest", "staff")},
                  **dict.fromkeys(STAFF_AS_OUTSIDERS, expected["outsider"])}
        rows[f"communities:{name}"] = Row(lambda w, args=args: args(w.communities), people, method, data)
    return rows


def staff_only(staff: int) -> dict[str, int | str]:
    """An admin page of our own: `staff` for the secretariat (who hold its permission), 403 for staff without
    it, the admin's sign-in for everyone else (staff signed in by link included)."""
    return {**everyone(ADMIN_LOGIN), "staff": staff, "staff_no_permissions": 403}


def rows() -> dict[str, Row]:
    from tests.security import group_rows  # the groups app's rows (offers, Observer Group)

    return {**_survey_rows(), **_community_rows(), **group_rows.ROWS}


def admin_rows() -> dict[str, Row]:
    from tests.security import admin_rows  # the admin URLs of our own

    return admin_rows.ROWS


def url_names(urlconf: str | None = None) -> set[str]:
    """Every named URL of the portal outside the admin (the admin is checked model by model)."""

    def walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver(urlconf).url_patterns))


OWN_APPS = ("bigbuyers", "surveys", "groups", "communities")


def own_admin_urls(site: AdminSite = admin.site) -> dict[str, URLPattern]:
    """The admin URLs our apps add to Django's (in a ModelAdmin's or the site's get_urls), by URL name."""

    def key(pattern: URLPattern) -> tuple[str, str | None]:
        return str(pattern.pattern), pattern.name

    def added(patterns: list[Any], djangos: list[Any]) -> Iterator[URLPattern]:
        known = {key(p) for p in djangos if isinstance(p, URLPattern)}
        yield from (p for p in patterns if isinstance(p, URLPattern) and key(p) not in known)

    def theirs(cls: type) -> type:  # the class whose URLs are Django's (or a library's): not one of ours
        return next(c for c in cls.__mro__ if c.__module__.split(".")[0] not in (*OWN_APPS, "tests")
                    and "get_urls" in vars(c))

    found = list(added(site.get_urls(), theirs(site.__class__).get_urls(site)))
    for model, model_admin in site._registry.items():
        if model._meta.app_label in OWN_APPS:
            found += added(model_admin.get_urls(), theirs(model_admin.__class__).get_urls(model_admin))
    return {f"{site.name}:{pattern.name}": pattern for pattern in found}


def admin_urls_without_staff_view(site: AdminSite = admin.site) -> list[str]:
    """The admin URLs of our own whose view is not wrapped by bigbuyers.staff_views.staff_view."""
    return sorted(name for name, pattern in own_admin_urls(site).items()
                  if not hasattr(pattern.callback, "staff_permission"))


def check_admin_urls(world: Any, table: dict[str, Row]) -> list[str]:
    """Every admin URL of our own: wrapped by staff_view, with a row, and giving each person what it says."""
    names = set(own_admin_urls())
    problems = [f"{name}: an admin URL that is not a staff_view" for name in admin_urls_without_staff_view()]
    problems += [f"{name}: an admin URL without a row in the access matrix" for name in sorted(names - set(table))]
    problems += [f"{name}: a row without an admin URL" for name in sorted(set(table) - names)]
    return problems + _visit(world, table)


def check_matrix(world: Any, table: dict[str, Row], *, urlconf: str | None = None) -> list[str]:
    """Visit every URL as every kind of person; return a line per difference from the table."""
    problems = [f"{name}: a URL without a row in the access matrix" for name in sorted(url_names(urlconf) - set(table))]
    return problems + _visit(world, table, urlconf=urlconf)


def _visit(world: Any, table: dict[str, Row], *, urlconf: str | None = None) -> list[str]:
    problems = []
    for name, row in sorted(table.items()):
        url = reverse(name, args=row.args(world), urlconf=urlconf) + row.query
        for person in PEOPLE:
            client = Client()
            sign_in(client, world, person)
            answer = getattr(client, row.method)(url, row.data or {})
            expected = row.expected[person]
            if expected == LOGIN:
                ok = answer.status_code == 302 and answer["Location"].startswith(reverse("signin"))
            elif expected == ADMIN_LOGIN:
                ok = answer.status_code == 302 and answer["Location"].startswith(reverse("admin:login"))
            else:
                ok = answer.status_code == expected
            if not ok:
                problems.append(f"{name} as {person}: expected {expected}, got {answer.status_code}")
            # Whatever the answer, no shared cache may keep what a signed-in person or a link's holder got.
            cache_control = answer.get("Cache-Control", "")
            if (world.people[person] is not None or row.personal) and not (
                    "private" in cache_control and "no-store" in cache_control):
                problems.append(f"{name} as {person}: Cache-Control {cache_control!r}, not private, no-store")
    return problems


def sign_in(client: Client, world: Any, person: str) -> None:
    """Open `person`'s session the way they sign in: staff with the password, others (and "staff_by_link")
    with an e-mailed link."""
    user = world.people[person]
    if user is not None:
        signin.sign_in(client, user, "password" if person in ("staff", "staff_no_permissions") else "link")


def check_admin(world: Any) -> list[str]:
    """Every admin list: staff with a permission on its model only (view or change), 403 for staff without
    one; anyone else, and staff signed in by link, is sent to the admin's sign-in."""
    problems = []
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for person in PEOPLE:
            client = Client()
            sign_in(client, world, person)
            answer = client.get(url)
            if person in ("staff", "staff_no_permissions"):
                user = world.people[person]
                allowed = any(user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") for action in ("view", "change"))
                ok = answer.status_code == (200 if allowed else 403)
            else:
                ok = answer.status_code == 302 and reverse("admin:login") in answer["Location"]
            if not ok:
                problems.append(f"admin {url} as {person}: got {answer.status_code}")
    return problems
