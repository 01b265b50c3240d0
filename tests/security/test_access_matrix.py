"""Every URL of the portal against anonymous, respondent A, respondent B, member, outsider, guest and
staff; and the proof that the matrix catches a page that forgets its access check."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.admin import AdminSite, ModelAdmin
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone

from bigbuyers.staff_views import staff_view
from communities.models import Community
from groups.models import GroupOffer, MatchingRun, ObserverSubscription, WorkingGroup
from groups.services import formation
from groups.services.interviews import booking_token
from surveys.models import Response
from surveys.steps import STEP_SLUGS
from tests.communities.test_permissions import build_world
from tests.factories import CampaignFactory, ResponseFactory, UserFactory
from tests.security import matrix
from tests.security.growth import furnish

pytestmark = pytest.mark.django_db


def portal_world() -> SimpleNamespace:
    communities = build_world()
    campaign = CampaignFactory(slug="open")
    a, b = UserFactory(email="a@city-a.example"), UserFactory(email="b@city-b.example")
    response_a = ResponseFactory(campaign=campaign, respondent=a, steps_done=list(STEP_SLUGS), status="submitted",
                                 submitted_at=timezone.now(), interview_willing=True, contact_name="Contact of A")
    response_b = ResponseFactory(campaign=campaign, respondent=b, contact_name="Contact of B")
    run = MatchingRun.objects.create(campaign=campaign, groups=1, status="done", published_at=timezone.now())
    group = WorkingGroup.objects.create(campaign=campaign, area=campaign.areas.first(), run=run, min_size=1, max_size=5)
    offer_a = GroupOffer.objects.create(group=group, response=response_a, expires_at=timezone.now() + dt.timedelta(days=9))
    observer = ObserverSubscription.objects.create(email="observer@ngo.example")
    people = {"respondent_a": a, "respondent_b": b, **communities.people}
    return SimpleNamespace(
        people=people, communities=communities, campaign=campaign, response_a=response_a, response_b=response_b,
        booking_token_a=booking_token(response_a), offer_a=offer_a, offer_token_a=formation.offer_token(response_a, a),
        observer_token=observer.token,
        observer_confirm_token=formation.observer_confirm_url(observer).rstrip("/").rsplit("/", 1)[-1],
    )


def test_every_url_gives_each_person_what_the_matrix_says():
    problems = matrix.check_matrix(portal_world(), matrix.rows())
    assert not problems, "\n".join(problems)


def test_every_admin_list_is_for_staff_only():
    problems = matrix.check_admin(portal_world())
    assert not problems, "\n".join(problems)


def test_every_admin_page_of_our_own_is_a_staff_view_for_those_with_its_permission():
    world = portal_world()
    furnish(world)
    assert len(matrix.admin_rows()) >= 24
    problems = matrix.check_admin_urls(world, matrix.admin_rows())
    assert not problems, "\n".join(problems)


class ForgetfulRunAdmin(ModelAdmin):
    """An admin page of our own hung without staff_view: what the matrix must catch."""

    def get_urls(self) -> list[Any]:
        return [path("<int:run_id>/forgotten/", self.admin_site.admin_view(leaky_run), name="forgotten_run"),
                path("<int:run_id>/checked/", staff_view(leaky_run, permission="groups.view_matchingrun", site=self.admin_site),
                     name="checked_run"),
                *super().get_urls()]


def leaky_run(request: HttpRequest, run_id: int) -> HttpResponse:
    return HttpResponse(str(MatchingRun.objects.get(pk=run_id)))


def test_the_matrix_reports_an_admin_page_hung_without_staff_view():
    site = AdminSite(name="careless")
    site.register(MatchingRun, ForgetfulRunAdmin)
    assert set(matrix.own_admin_urls(site)) == {"careless:forgotten_run", "careless:checked_run"}
    assert matrix.admin_urls_without_staff_view(site) == ["careless:forgotten_run"]


def test_respondent_a_never_reads_or_changes_bs_response(client):
    world = portal_world()
    client.force_login(world.people["respondent_a"])
    review = client.get(reverse("survey_review", args=[world.campaign.slug])).content.decode()
    assert "Contact of A" in review and "Contact of B" not in review
    client.post(reverse("survey_step", args=[world.campaign.slug, "contact"]),
                {"contact_name": "Changed by A", "contact_role": "Buyer"})
    assert Response.objects.get(pk=world.response_b.pk).contact_name == "Contact of B"
    assert Response.objects.get(pk=world.response_a.pk).contact_name == "Changed by A"
    # B's signed links do not open with A's session, and a tampered link opens nothing.
    assert client.get(reverse("interview_booking", args=[world.booking_token_a + "x"])).status_code in (400, 404)
    assert client.get(reverse("offer_page", args=[world.offer_token_a[:-2] + "zz"])).status_code in (400, 404)


def leaky_documents(request: HttpRequest, slug: str) -> HttpResponse:
    """A view that forgets the access check: what the matrix must catch."""
    community = Community.objects.get(slug=slug)
    return HttpResponse(", ".join(community.documents.values_list("title", flat=True)))


urlpatterns = [path("communities/<slug:slug>/leak/", leaky_documents, name="leaky_documents"),
               path("communities/<slug:slug>/forgotten/", leaky_documents, name="forgotten")]
urlpatterns += __import__("bigbuyers.urls", fromlist=["urlpatterns"]).urlpatterns


def test_the_matrix_reports_a_page_that_forgets_its_access_check(settings):
    settings.ROOT_URLCONF = __name__  # the portal's URLs plus two that a careless change might add
    world = portal_world()
    members_only = dict(matrix.rows()["communities:documents"].expected)
    table = {**matrix.rows(), "leaky_documents": matrix.Row(lambda w: [w.communities.objects["community"].slug], members_only)}
    problems = matrix.check_matrix(world, table, urlconf=__name__)
    assert "forgotten: a URL without a row in the access matrix" in problems
    leaks = [p for p in problems if p.startswith("leaky_documents")]
    assert "leaky_documents as outsider: expected 404, got 200" in leaks
    assert "leaky_documents as anonymous: expected login, got 200" in leaks
    assert len(problems) == 1 + len(leaks), problems
