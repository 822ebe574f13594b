"""Respondents' links: public by design (no account), each view is ``@login_not_required``."""

from django.urls import path

from diagnostics.views import respond, workshops

app_name = "respond"

urlpatterns = [
    path("r/<str:token>/", respond.fill, name="fill"),
    path("r/<str:token>/q/<int:question_id>/", respond.answer, name="answer"),
    path("p/<str:public_token>/", respond.public, name="public"),
    # Workshop participants: the token alone names the workshop (no mission id in a shared link).
    path("atelier/<str:workshop_token>/", workshops.workshop_public, name="workshop"),
    path("atelier/<str:workshop_token>/vote/<int:card_id>/", workshops.workshop_public_vote, name="workshop-vote"),
]
