from django.urls import path

from communities.views import claims, discussions, documents, events, public, spaces

app_name = "communities"

urlpatterns = [
    path("", spaces.directory, name="directory"),
    path("mine/", spaces.mine, name="mine"),
    path("about/", public.about, name="about"),
    path("documents/", documents.public_documents, name="public_documents"),
    path("<slug:slug>/", spaces.overview, name="overview"),
    path("<slug:slug>/join/", spaces.join, name="join"),
    path("<slug:slug>/members/", spaces.members, name="members"),
    path("<slug:slug>/preferences/", spaces.preferences, name="preferences"),
    path("<slug:slug>/requests/", spaces.join_requests, name="join_requests"),
    path("<slug:slug>/requests/<int:pk>/", spaces.join_request_decide, name="join_request_decide"),
    path("<slug:slug>/roadmap/", spaces.roadmap_edit, name="roadmap_edit"),
    path("<slug:slug>/roadmap/activities/new/", spaces.activity_form, name="activity_create"),
    path("<slug:slug>/roadmap/activities/<int:pk>/", spaces.activity_form, name="activity_edit"),
    path("<slug:slug>/discussions/", discussions.threads, name="threads"),
    path("<slug:slug>/discussions/new/", discussions.thread_create, name="thread_create"),
    path("<slug:slug>/discussions/<int:pk>/", discussions.thread, name="thread"),
    path("<slug:slug>/discussions/<int:pk>/edit/", discussions.thread_edit, name="thread_edit"),
    path("<slug:slug>/discussions/<int:pk>/reply/", discussions.reply_create, name="reply_create"),
    path("<slug:slug>/discussions/<int:pk>/moderate/", discussions.thread_moderate, name="thread_moderate"),
    path("<slug:slug>/replies/<int:pk>/edit/", discussions.reply_edit, name="reply_edit"),
    path("<slug:slug>/replies/<int:pk>/moderate/", discussions.reply_moderate, name="reply_moderate"),
    path("<slug:slug>/documents/", documents.documents, name="documents"),
    path("<slug:slug>/documents/upload/", documents.document_upload, name="document_upload"),
    path("<slug:slug>/documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("<slug:slug>/events/", events.events, name="events"),
    path("<slug:slug>/events/new/", events.event_form, name="event_create"),
    path("<slug:slug>/events/<int:event>/", events.event, name="event"),
    path("<slug:slug>/events/<int:event>/edit/", events.event_form, name="event_edit"),
    path("<slug:slug>/events/<int:event>/register/", events.event_register, name="event_register"),
    path("<slug:slug>/events/<int:event>/cancel/", events.event_cancel, name="event_cancel"),
    path("<slug:slug>/events/<int:event>/calendar.ics", events.event_ics, name="event_ics"),
    path("<slug:slug>/events/<int:event>/guests/", events.event_guests, name="event_guests"),
    path("<slug:slug>/events/<int:event>/claim/", claims.claim_create, name="claim_create"),
    path("<slug:slug>/claims/", claims.claims, name="claims"),
    path("<slug:slug>/claims/<int:pk>/", claims.claim, name="claim"),
    path("<slug:slug>/claims/<int:pk>/receipts/<int:receipt>/", claims.receipt_download, name="receipt_download"),
]
