from django.urls import path

from yagona.accounts import views

app_name = "accounts"
urlpatterns = [
    path("second-factor/", views.second_factor_required, name="second-factor-required"),
]
