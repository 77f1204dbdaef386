from django.urls import path

from yagona.correspondence import views

app_name = "correspondence"
urlpatterns = [
    path("exchange/consignments", views.consignments, name="consignments"),
]
