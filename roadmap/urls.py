from django.urls import path

from roadmap import views
from roadmap.views import reports

app_name = "roadmap"

urlpatterns = [
    path("", views.index, name="index"),
    path("rapports/", reports.reports, name="reports"),
]
