"""Respondents' links: public by design (no account), each view is ``@login_not_required``."""

from django.urls import path

from diagnostics.views import respond

app_name = "respond"

urlpatterns = [
    path("r/<str:token>/", respond.fill, name="fill"),
    path("r/<str:token>/q/<int:question_id>/", respond.answer, name="answer"),
    path("p/<str:public_token>/", respond.public, name="public"),
]
