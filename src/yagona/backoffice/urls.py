from django.urls import path

from yagona.backoffice import exchange, registries, views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("assisted/", views.assisted, name="assisted"),
    path("platform/", views.platform, name="platform"),
    path("platform/exchange/", exchange.authority, name="exchange"),
    path("registries/", registries.registry_list, name="registries"),
    path("registries/define/", registries.registry_define, name="registry-define"),
    path("registries/<str:code>/", registries.registry_page, name="registry"),
    path("registries/<str:code>/new/", registries.record_new, name="registry-new"),
    path("registries/<str:code>/access/", registries.registry_grants, name="registry-grants"),
    path("registries/<str:code>/corrections/<str:number>/", registries.correction_answer,
         name="registry-correction"),
    path("registries/<str:code>/records/<str:uuid>/", registries.record_page,
         name="registry-record"),
    path("registries/<str:code>/records/<str:uuid>/correct/", registries.record_correct,
         name="registry-correct"),
    path("registries/<str:code>/records/<str:uuid>/retire/", registries.record_retire,
         name="registry-retire"),
    path("applications/<str:uuid>/", views.application, name="application"),
    path("applications/<str:uuid>/files/<str:attachment>/", views.download, name="download"),
    path("applications/<str:uuid>/signed/", views.signed_copy, name="signed-copy"),
    path("<str:code>/", views.queue, name="queue"),
    path("<str:code>/workload/", views.workload, name="workload"),
    path("<str:code>/staff/", views.staff, name="staff"),
]
