from django.urls import path

from groups.views import interviews

urlpatterns = [
    path("interviews/<str:token>/", interviews.booking, name="interview_booking"),
    path("interviews/<str:token>/cancel/", interviews.cancel, name="interview_cancel"),
    path("campaigns/<slug:slug>/interview/", interviews.my_interview, name="interview_mine"),
]
