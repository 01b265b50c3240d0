from django.urls import path

from bigbuyers.two_factor import views

urlpatterns = [
    path("", views.setup, name="two_factor"),
    path("remove/", views.remove, name="two_factor_remove"),
    path("verify/", views.verify, name="two_factor_verify"),
]
