from django.urls import path

from yagona.portal import account_views, documents_views, verify_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.service_list, name="services"),
    path("search/", views.search, name="search"),
    path("services/<slug:code>/", views.service_detail, name="service"),
    path("services/<slug:code>/start/", views.start, name="start"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<str:code>/", views.agency_detail, name="agency"),
    path("applications/<str:uuid>/page/<slug:page_id>/", views.form_page, name="form-page"),
    path("applications/<str:uuid>/check/", views.check_answers, name="check"),
    path("applications/<str:uuid>/submitted/", views.submitted, name="submitted"),
    path("applications/<str:uuid>/", views.application_detail, name="application"),
    path("applications/<str:uuid>/files/<str:attachment>/", views.download, name="download"),
    path("account/", account_views.account, name="account"),
    path("account/applications/", views.application_list, name="applications"),
    path("account/inbox/", account_views.inbox, name="inbox"),
    path("account/registers/", account_views.my_registers, name="registers"),
    path("account/registers/<str:code>/report/", account_views.report_wrong_data,
         name="report-wrong-data"),
    path("account/data-usage/", account_views.data_usage, name="data-usage"),
    path("account/consents/", account_views.consents, name="consents"),
    path("account/documents/", documents_views.documents, name="documents"),
    path("account/documents/<str:uuid>/", documents_views.document_detail, name="document"),
    path("account/documents/<str:uuid>/download/", documents_views.document_download,
         name="document-download"),
    path("shared/<str:token>/", documents_views.shared, name="shared"),
    path("shared/<str:token>/download", documents_views.shared_download,
         name="shared-download"),
    path("account/inbox/<int:item_id>/read/", account_views.inbox_read, name="inbox-read"),
    path("verify/", verify_views.verify, name="verify"),
    path("verify/<uuid:uuid>/", verify_views.verify_document, name="verify-document"),
    path("language/<str:code>/", views.set_language, name="set-language"),
]
