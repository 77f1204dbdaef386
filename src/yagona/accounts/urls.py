from django.urls import path

from yagona.accounts import recovery_views, views

app_name = "accounts"
urlpatterns = [
    path("second-factor/", views.second_factor_required, name="second-factor-required"),
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("tokens/<uuid:public_id>/revoke/", views.revoke_api_token, name="revoke-api-token"),
    path("recover/phone/", recovery_views.by_phone, name="recover-phone"),
    path("recover/phone/code/", recovery_views.phone_code, name="recover-phone-code"),
    path("recover/assisted/", recovery_views.assisted, name="recover-assisted"),
]
