from django.urls import path

from surveys.views import campaigns, cpv, signin, survey

urlpatterns = [
    path("", campaigns.home, name="home"),
    path("signin/", signin.signin, name="signin"),
    path("signin/sent/", signin.signin_sent, name="signin_sent"),
    path("signin/link/", signin.signin_link, name="signin_link"),
    path("signout/", signin.signout, name="signout"),
    path("cpv/suggestions/", cpv.cpv_suggestions, name="cpv_suggestions"),
    path("campaigns/<slug:slug>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<slug:slug>/start/", campaigns.survey_start, name="survey_start"),
    path("campaigns/<slug:slug>/survey/", survey.survey_resume, name="survey_resume"),
    path("campaigns/<slug:slug>/survey/eligibility/", survey.survey_eligibility, name="survey_eligibility"),
    path("campaigns/<slug:slug>/survey/review/", survey.survey_review, name="survey_review"),
    path("campaigns/<slug:slug>/survey/submit/", survey.survey_submit, name="survey_submit"),
    path("campaigns/<slug:slug>/survey/done/", survey.survey_done, name="survey_done"),
    path("campaigns/<slug:slug>/survey/closed/", survey.survey_closed, name="survey_closed"),
    path("campaigns/<slug:slug>/survey/colleagues/", survey.survey_colleagues, name="survey_colleagues"),
    path("campaigns/<slug:slug>/survey/access/<int:response_id>/", survey.request_access, name="survey_request_access"),
    path("campaigns/<slug:slug>/survey/<slug:step>/", survey.survey_step, name="survey_step"),
]
