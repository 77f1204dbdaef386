from django.urls import path

from yagona.accounts import views

app_name = "accounts"
urlpatterns = [
    path("second-factor/", views.second_factor_required, name="second-factor-required"),
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("tokens/<uuid:public_id>/revoke/", views.revoke_api_token, name="revoke-api-token"),
]
