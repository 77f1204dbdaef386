from django.urls import path

from yagona.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("assisted/", views.assisted, name="assisted"),
    path("platform/", views.platform, name="platform"),
    path("applications/<str:uuid>/", views.application, name="application"),
    path("applications/<str:uuid>/files/<str:attachment>/", views.download, name="download"),
    path("<str:code>/", views.queue, name="queue"),
    path("<str:code>/workload/", views.workload, name="workload"),
    path("<str:code>/staff/", views.staff, name="staff"),
]
