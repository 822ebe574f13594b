"""SPMM phases of a followed project: the checklist, notes, documents, the move between phases, its record and
its e-mail; who may do what (the team and consultants edit, the Collège and other staff read, other communes
see nothing)."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import (
    AnswerStatus,
    ChecklistAnswer,
    ChecklistQuestion,
    PhaseDocument,
    PhaseNote,
    PhaseTransition,
    ProjectPhase,
)
from projects.tasks_phases import notify_phase_change_task
from territoire.models import Membership, Role
from tests.factories import UserFactory
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_phases import PhaseDocumentFactory
from tests.roadmap.factories import ProjectSheetFactory


def _member(tenant, role):
    user = UserFactory()
    Membership.objects.create(user=user, commune=tenant.commune, role=role)
    return user


@pytest.fixture
def project(tenant_a):
    sheet = ProjectSheetFactory(mission=tenant_a.mission, status="retained")
    project = FollowedProjectFactory(sheet=sheet, leader=tenant_a.staff, consultant=tenant_a.consultant)
    return project


@pytest.fixture
def teammate(tenant_a, project):
    user = _member(tenant_a, Role.STAFF)
    project.team.add(user)
    return user


def _url(name, project, *extra):
    return reverse(f"projects:{name}", args=[project.mission_id, project.pk, *extra])


def _first_question(phase=ProjectPhase.PREREQUISITES):
    return ChecklistQuestion.objects.filter(phase=phase, active=True).order_by("order").first()


# --- The seeded checklists ------------------------------------------------------------------------------------


def test_each_phase_has_its_seeded_checklist(db):
    for phase in ProjectPhase.values:
        assert 6 <= ChecklistQuestion.objects.filter(phase=phase).count() <= 10
    topics = set(ChecklistQuestion.objects.values_list("topic", flat=True))
    assert {"Alignement stratégique (PST)", "Volonté politique", "Données et RGPD", "Leçons apprises"} <= topics


def test_members_read_a_phase_page(client, tenant_a, project):
    client.force_login(tenant_a.college)
    response = client.get(_url("phase-detail", project, "planning"))
    assert response.status_code == 200
    assert _first_question("planning").text in response.text
    assert 'name="status"' not in response.text  # read only
    assert client.get(_url("phase-current", project)).status_code == 200
    assert client.get(_url("phase-detail", project, "inconnue")).status_code == 404


# --- Checklist answers ----------------------------------------------------------------------------------------


def test_a_teammate_answers_a_question_and_history_keeps_both_answers(client, project, teammate):
    question = _first_question()
    client.force_login(teammate)
    url = _url("answer-save", project, "prerequisites")
    assert client.post(url, {"question": question.pk, "status": "partial", "note": "À compléter"}).status_code == 302
    client.post(url, {"question": question.pk, "status": "yes", "note": "Validé par le Collège"})
    answer = ChecklistAnswer.objects.get(project=project, question=question)
    assert (answer.status, answer.note, answer.answered_by) == ("yes", "Validé par le Collège", teammate)
    assert answer.answered_at is not None
    assert [h.status for h in answer.history.order_by("history_date")] == ["partial", "yes"]


def test_an_htmx_answer_returns_its_row(client, tenant_a, project):
    question = _first_question()
    client.force_login(tenant_a.consultant)
    response = client.post(
        _url("answer-save", project, "prerequisites"),
        {"question": question.pk, "status": "no", "note": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="question-{question.pk}"' in response.text and "Enregistré" in response.text
    assert "<html" not in response.text
    # The phase's count of open points is refreshed out of band (« non » keeps the question open).
    total = ChecklistQuestion.objects.filter(phase="prerequisites", active=True).count()
    assert 'hx-swap-oob="true"' in response.text and f"{total} points encore ouverts" in response.text


def test_an_invalid_answer_is_refused_in_french_and_nothing_is_written(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    response = client.post(
        _url("answer-save", project, "prerequisites"),
        {"question": _first_question().pk, "status": "peut-être"},
        follow=True,
    )
    assert "La réponse n&#x27;a pas été enregistrée" in response.text
    assert not ChecklistAnswer.objects.exists()


def test_a_question_of_another_phase_is_not_found(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    response = client.post(
        _url("answer-save", project, "prerequisites"), {"question": _first_question("planning").pk, "status": "yes"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["college", "other_staff"])
def test_the_college_and_staff_outside_the_team_cannot_answer(client, tenant_a, project, who):
    user = tenant_a.college if who == "college" else _member(tenant_a, Role.STAFF)
    client.force_login(user)
    response = client.post(
        _url("answer-save", project, "prerequisites"), {"question": _first_question().pk, "status": "yes"}
    )
    assert response.status_code == 403
    assert not ChecklistAnswer.objects.exists()


def test_another_commune_cannot_answer(client, tenant_b, project):
    client.force_login(tenant_b.consultant)
    response = client.post(
        _url("answer-save", project, "prerequisites"), {"question": _first_question().pk, "status": "yes"}
    )
    assert response.status_code == 404


# --- Notes ------------------------------------------------------------------------------------------------------


def test_the_leader_adds_a_note_and_an_empty_one_is_refused(client, tenant_a, project):
    client.force_login(tenant_a.staff)
    url = _url("note-add", project, "planning")
    assert client.post(url, {"text": "Réunion avec le DPO le 12/01."}).status_code == 302
    note = PhaseNote.objects.get()
    assert (note.phase, note.author) == ("planning", tenant_a.staff)
    response = client.post(url, {"text": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.text
    assert PhaseNote.objects.count() == 1
    assert "Réunion avec le DPO" in client.get(_url("phase-detail", project, "planning")).text


# --- Documents --------------------------------------------------------------------------------------------------


def _upload(client, project, name, content=b"%PDF-1.4 compte rendu", title="Compte rendu du comité"):
    return client.post(
        _url("document-upload", project, "prerequisites"),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


def test_a_document_is_uploaded_and_downloaded_through_the_checked_view(client, tenant_a, project, teammate):
    client.force_login(teammate)
    assert _upload(client, project, "CR comité 1.pdf").status_code == 302
    document = PhaseDocument.objects.get()
    assert (document.file_name, document.size, document.uploaded_by) == ("CR comité 1.pdf", 21, teammate)
    assert "comité" not in document.file.name  # the stored name is random, the original kept for the download
    page = client.get(_url("phase-detail", project, "prerequisites")).text
    download = _url("document-download", project, document.pk)
    assert download in page and "/media/" not in page
    client.force_login(tenant_a.college)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 compte rendu"
    assert "attachment" in response["Content-Disposition"] and "CR" in response["Content-Disposition"]


def test_a_too_large_document_is_refused_in_french(client, tenant_a, project, settings):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    client.force_login(tenant_a.consultant)
    response = _upload(client, project, "plan.pdf", content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "la taille maximale est de 1 Mo" in response.text
    assert not PhaseDocument.objects.exists()


@pytest.mark.parametrize("name", ["script.exe", "page.html", "sans-extension"])
def test_a_document_of_another_type_is_refused_in_french(client, tenant_a, project, name):
    client.force_login(tenant_a.consultant)
    response = _upload(client, project, name)
    assert response.status_code == 400
    assert f"« {name} » : ce type de fichier n&#x27;est pas accepté" in response.text
    assert not PhaseDocument.objects.exists()


def test_the_college_cannot_upload(client, tenant_a, project):
    client.force_login(tenant_a.college)
    assert _upload(client, project, "plan.pdf").status_code == 403
    assert not PhaseDocument.objects.exists()


def test_a_document_is_refused_to_another_commune_and_to_anonymous(client, tenant_b, project):
    document = PhaseDocumentFactory(project=project)
    url = _url("document-download", project, document.pk)
    client.force_login(tenant_b.consultant)
    assert client.get(url).status_code == 404
    # Nor through B's own mission and project in the URL.
    other = FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_b.mission, status="retained"))
    assert client.get(_url("document-download", other, document.pk)).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Moving between phases --------------------------------------------------------------------------------------


def test_the_move_page_lists_what_is_still_open(client, tenant_a, project):
    questions = list(ChecklistQuestion.objects.filter(phase="prerequisites", active=True))
    ChecklistAnswer.objects.create(project=project, question=questions[0], status=AnswerStatus.YES)
    ChecklistAnswer.objects.create(project=project, question=questions[1], status=AnswerStatus.NO)
    ChecklistAnswer.objects.create(project=project, question=questions[2], status=AnswerStatus.NOT_APPLICABLE)
    client.force_login(tenant_a.consultant)
    response = client.get(_url("phase-move", project))
    assert response.status_code == 200
    open_count = len(questions) - 2
    assert f"{open_count} points de la check-list sont encore ouverts" in response.text
    assert questions[1].text.replace("'", "&#x27;") in response.text
    assert questions[0].text.replace("'", "&#x27;") not in response.text


def test_moving_forward_records_the_transition_and_mails_the_team_on_commit(
    client, tenant_a, project, teammate, django_capture_on_commit_callbacks
):
    open_count = ChecklistQuestion.objects.filter(phase="prerequisites", active=True).count()
    client.force_login(tenant_a.staff)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            _url("phase-move", project), {"de": "prerequisites", "vers": "planning", "comment": "Go du Collège"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    project.refresh_from_db()
    assert project.phase == "planning"
    transition = PhaseTransition.objects.get()
    assert (transition.from_phase, transition.to_phase, transition.decided_by, transition.open_items) == (
        "prerequisites",
        "planning",
        tenant_a.staff,
        open_count,
    )
    assert transition.comment == "Go du Collège" and transition.notified_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {tenant_a.staff.email, tenant_a.consultant.email, teammate.email}
    assert "Planification" in message.subject and "Go du Collège" in message.body
    assert f"Points encore ouverts dans la phase quittée : {open_count}" in message.body
    overview = client.get(_url("project-detail", project)).text
    assert "Prérequis → Planification" in overview and "Go du Collège" in overview


def test_no_mail_leaves_before_the_commit(client, tenant_a, project, django_capture_on_commit_callbacks):
    client.force_login(tenant_a.consultant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(_url("phase-move", project), {"de": "prerequisites", "vers": "planning"})
    assert len(callbacks) == 1 and mail.outbox == []


def test_the_notification_is_sent_once_even_if_the_task_runs_twice(tenant_a, project):
    from projects.services.phases import phase_move

    transition = phase_move(
        project=project, from_phase="prerequisites", to_phase="planning", comment="", by=tenant_a.consultant
    )
    assert notify_phase_change_task(transition.pk) == 2
    assert notify_phase_change_task(transition.pk) == 0
    assert len(mail.outbox) == 1


def test_a_phase_cannot_be_skipped(client, tenant_a, project):
    client.force_login(tenant_a.consultant)
    response = client.post(_url("phase-move", project), {"de": "prerequisites", "vers": "execution"})
    assert response.status_code == 400
    assert "on ne saute pas de phase" in response.text
    project.refresh_from_db()
    assert project.phase == "prerequisites" and not PhaseTransition.objects.exists()


def test_going_back_needs_a_comment(client, tenant_a, tenant_b, project):
    project.phase = "execution"
    project.save()
    client.force_login(tenant_a.consultant)
    url = _url("phase-move", project)
    response = client.post(url, {"de": "execution", "vers": "prerequisites", "comment": " "})
    assert response.status_code == 400
    assert "Expliquez en commentaire pourquoi le projet revient" in response.text
    assert not PhaseTransition.objects.exists()
    assert (
        client.post(
            url, {"de": "execution", "vers": "prerequisites", "comment": "Le Collège revoit le besoin"}
        ).status_code
        == 302
    )
    project.refresh_from_db()
    assert project.phase == "prerequisites"
    assert PhaseTransition.objects.get().is_backward


def test_a_move_from_a_stale_page_is_refused(client, tenant_a, project):
    project.phase = "planning"
    project.save()
    client.force_login(tenant_a.consultant)
    response = client.post(_url("phase-move", project), {"de": "prerequisites", "vers": "planning"}, follow=True)
    assert "Le projet a changé de phase entre-temps" in response.text
    assert not PhaseTransition.objects.exists()


@pytest.mark.parametrize("who", ["college", "other_staff"])
def test_the_college_and_staff_outside_the_team_cannot_move_the_phase(client, tenant_a, project, who):
    user = tenant_a.college if who == "college" else _member(tenant_a, Role.STAFF)
    client.force_login(user)
    assert client.get(_url("phase-move", project)).status_code == 403
    assert client.post(_url("phase-move", project), {"de": "prerequisites", "vers": "planning"}).status_code == 403
    project.refresh_from_db()
    assert project.phase == "prerequisites" and not PhaseTransition.objects.exists()


def test_another_commune_cannot_move_the_phase(client, tenant_b, project):
    client.force_login(tenant_b.consultant)
    assert client.post(_url("phase-move", project), {"de": "prerequisites", "vers": "planning"}).status_code == 404
    assert not PhaseTransition.objects.exists()


def test_the_overview_shows_team_sheet_phase_and_open_items(client, tenant_a, project, teammate):
    client.force_login(tenant_a.college)
    page = client.get(_url("project-detail", project)).text
    assert teammate.get_full_name() in page and tenant_a.staff.get_full_name() in page
    assert project.sheet.code in page
    assert _first_question().text.replace("'", "&#x27;") in page
    assert "Passer à la phase suivante" not in page  # the Collège reads only


def test_the_worker_knows_the_notification_task():
    """Celery autodiscovers ``tasks.py`` only: the app's ready() loads ``tasks_phases`` for the worker."""
    from territoire.celery import app

    assert "projects.notify_phase_change" in app.tasks


def test_the_overview_offers_to_go_back_to_the_previous_phase(client, tenant_a, project):
    project.phase = "evaluation"
    project.save()
    client.force_login(tenant_a.consultant)
    page = client.get(_url("project-detail", project)).text
    assert "Passer à la phase suivante" not in page  # the last phase
    assert f"{_url('phase-move', project)}?vers=execution" in page
    response = client.get(_url("phase-move", project), {"vers": "execution"})
    assert response.status_code == 200 and "Revenir à la phase Exécution" in response.text
