from django.urls import path

from yagona.exchange import views

app_name = "exchange"
urlpatterns = [
    path("globalconf", views.configuration, name="globalconf"),
    path("tsa", views.timestamp, name="tsa"),
    path("anchor", views.anchor, name="anchor"),
    path("enrol", views.enrol, name="enrol"),
    path("enrol/<int:number>", views.enrolment, name="enrolment"),
    path("provider/<str:code>/records", views.provide_registry, name="provide-registry"),
]
