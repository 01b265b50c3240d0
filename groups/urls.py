from django.urls import path

from groups.views import interviews, observers, offers

urlpatterns = [
    path("interviews/<str:token>/", interviews.booking, name="interview_booking"),
    path("interviews/<str:token>/cancel/", interviews.cancel, name="interview_cancel"),
    path("campaigns/<slug:slug>/interview/", interviews.my_interview, name="interview_mine"),
    path("offers/<str:token>/", offers.offer_page, name="offer_page"),
    path("offers/<str:token>/<int:offer_id>/accept/", offers.offer_accept, name="offer_accept"),
    path("offers/<str:token>/<int:offer_id>/decline/", offers.offer_decline, name="offer_decline"),
    path("offers/<str:token>/<int:offer_id>/accepted/", offers.offer_accepted, name="offer_accepted"),
    path("offers/<str:token>/<int:offer_id>/declined/", offers.offer_declined, name="offer_declined"),
    path("observers/", observers.observer_signup, name="observer_signup"),
    path("observers/sent/", observers.observer_sent, name="observer_sent"),
    path("observers/confirm/<str:token>/", observers.observer_confirm, name="observer_confirm"),
    path("observers/confirmed/", observers.observer_confirmed, name="observer_confirmed"),
    path("observers/unsubscribe/<str:token>/", observers.observer_unsubscribe, name="observer_unsubscribe"),
]
