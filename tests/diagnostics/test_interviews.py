"""Interviews through HTTP: planning, one to three people, notes, progress, guides, roles and tenancy."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from diagnostics.models import Interview, Interviewee, InterviewGuide, InterviewTarget
from diagnostics.notes import render_notes
from diagnostics.services.interviews import guide_ensure_builtin
from territoire.models import Membership, Role
from tests.diagnostics.factories_fieldwork import IntervieweeFactory, InterviewFactory, InterviewGuideFactory


def url(name, tenant, **kwargs):
    return reverse(f"diagnostics:{name}", kwargs={"mission_id": tenant.mission.pk, **kwargs})


def post_data(tenant, people, **overrides):
    data = {
        "scheduled_at": "2026-12-03T10:00",
        "duration_minutes": "60",
        "location": "Maison communale",
        "interviewer": tenant.consultant.pk,
        "guide": "",
        "status": "planned",
        "notes": "",
        "people-TOTAL_FORMS": str(max(3, len(people))),
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "3",
    }
    for i, person in enumerate(people):
        for key, value in person.items():
            data[f"people-{i}-{key}"] = value
    data.update(overrides)
    return data


PERSON = {"name": "Marie Lejeune", "function": "Présidente du comité de quartier", "audience": "civil_society"}


def test_consultant_plans_an_interview_with_one_to_three_people(client, tenant_a):
    client.force_login(tenant_a.consultant)
    people = [PERSON, {"name": "Paul Noël", "audience": "civil_society"}]
    response = client.post(url("interview-create", tenant_a), post_data(tenant_a, people))
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert interview.duration_minutes == 60 and interview.status == "planned"
    assert sorted(interview.interviewees.values_list("name", flat=True)) == ["Marie Lejeune", "Paul Noël"]


def test_zero_interviewees_is_refused_with_a_clear_message(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = client.post(url("interview-create", tenant_a), post_data(tenant_a, []))
    assert response.status_code == 200
    assert "au moins une personne" in response.content.decode()
    assert not Interview.objects.exists()


def test_four_interviewees_are_refused_with_a_clear_message(client, tenant_a):
    client.force_login(tenant_a.consultant)
    people = [{**PERSON, "name": f"Personne {i}"} for i in range(4)]
    response = client.post(url("interview-create", tenant_a), post_data(tenant_a, people))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Un entretien réunit au plus 3 personnes" in html
    assert not Interview.objects.exists()


def test_a_member_fills_name_function_and_audience(client, tenant_a):
    membership = Membership.objects.get(user=tenant_a.college)
    membership.function = "Bourgmestre"
    membership.save(update_fields=["function"])
    client.force_login(tenant_a.consultant)
    response = client.post(url("interview-create", tenant_a), post_data(tenant_a, [{"member": membership.pk}]))
    assert response.status_code == 302
    person = Interviewee.objects.get()
    assert person.name == (tenant_a.college.get_full_name() or tenant_a.college.username)
    assert person.function == "Bourgmestre" and person.audience == "college" and person.member == membership


def test_member_of_another_commune_cannot_be_chosen(client, tenant_a, tenant_b):
    foreign = Membership.objects.get(user=tenant_b.college)
    client.force_login(tenant_a.consultant)
    response = client.post(url("interview-create", tenant_a), post_data(tenant_a, [{"member": foreign.pk}]))
    assert response.status_code == 200
    assert not Interview.objects.exists()


def test_interviewer_must_be_a_consultant_of_the_commune(client, tenant_a, tenant_b):
    client.force_login(tenant_a.consultant)
    data = post_data(tenant_a, [PERSON], interviewer=tenant_b.consultant.pk)
    assert client.post(url("interview-create", tenant_a), data).status_code == 200
    assert not Interview.objects.exists()


def test_edit_replaces_the_people_and_records_notes(client, tenant_a):
    interview = InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant)
    IntervieweeFactory(interview=interview, name="Ancien nom")
    client.force_login(tenant_a.consultant)
    data = post_data(tenant_a, [PERSON], status="done", notes="**Priorité** : la mobilité")
    data["people-INITIAL_FORMS"] = "0"
    response = client.post(url("interview-edit", tenant_a, interview_id=interview.pk), data)
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "done"
    assert list(interview.interviewees.values_list("name", flat=True)) == ["Marie Lejeune"]
    html = client.get(url("interview-detail", tenant_a, interview_id=interview.pk)).content.decode()
    assert "<strong>Priorité</strong> : la mobilité" in html


def test_notes_are_escaped_and_lightly_formatted():
    html = render_notes("# Constats\n- **un** point\n- <script>alert(1)</script>\n\nTexte *souligné*")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<h3 class="h6 mt-3">Constats</h3>' in html
    assert "<ul><li><strong>un</strong> point</li>" in html
    assert "<p>Texte <em>souligné</em></p>" in html


def test_progress_shows_target_and_who_has_not_been_met(client, tenant_a):
    staff = Membership.objects.get(user=tenant_a.staff)
    done = InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant, done=True)
    IntervieweeFactory(interview=done, member=staff, name="Agent", audience="staff")
    client.force_login(tenant_a.consultant)
    html = client.get(url("interviews", tenant_a)).content.decode()
    assert "1</span> / 10" in html
    assert "Personnel communal : 1" in html and "Collège : 0" in html
    not_met = html[html.index("Pas encore rencontrés") :]
    assert (tenant_a.college.get_full_name() or tenant_a.college.username) in not_met
    assert "Collège" in not_met and "Société civile" in not_met  # audiences not covered yet


def test_target_is_configurable_per_mission(client, tenant_a):
    client.force_login(tenant_a.consultant)
    client.post(url("interview-target", tenant_a), {"target": "12"})
    assert InterviewTarget.objects.get(mission=tenant_a.mission).target == 12
    response = client.post(url("interview-target", tenant_a), {"target": "0"}, follow=True)
    assert "entre 1 et 100" in response.content.decode()
    assert InterviewTarget.objects.get(mission=tenant_a.mission).target == 12


def test_list_query_count_is_constant(client, tenant_a, django_assert_max_num_queries):
    for _ in range(12):
        IntervieweeFactory(interview=InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant))
    client.force_login(tenant_a.consultant)
    with django_assert_max_num_queries(12):
        assert client.get(url("interviews", tenant_a)).status_code == 200


@pytest.mark.parametrize("role", [Role.STAFF, Role.COLLEGE])
def test_interviews_are_for_consultants_only(client, tenant_a, role):
    interview = InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant)
    client.force_login(tenant_a.user(role))
    assert client.get(url("interviews", tenant_a)).status_code == 403
    assert client.get(url("interview-detail", tenant_a, interview_id=interview.pk)).status_code == 403
    assert client.post(url("interview-create", tenant_a), post_data(tenant_a, [PERSON])).status_code == 403


def test_other_commune_gets_404(client, tenant_a, tenant_b):
    interview = InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant)
    client.force_login(tenant_b.consultant)
    assert client.get(url("interview-detail", tenant_a, interview_id=interview.pk)).status_code == 404
    assert client.get(url("interview-detail", tenant_b, interview_id=interview.pk)).status_code == 404


def test_status_and_delete(client, tenant_a):
    interview = InterviewFactory(mission=tenant_a.mission, interviewer=tenant_a.consultant)
    client.force_login(tenant_a.consultant)
    client.post(url("interview-status", tenant_a, interview_id=interview.pk), {"status": "cancelled"})
    interview.refresh_from_db()
    assert interview.status == "cancelled"
    client.post(url("interview-delete", tenant_a, interview_id=interview.pk))
    assert not Interview.objects.exists()


# --- Guides -------------------------------------------------------------------------------------


def test_builtin_guide_is_offered_and_copied_to_edit(client, tenant_a):
    guide_ensure_builtin()  # seeded by the migrations, but browser tests empty the database after them
    client.force_login(tenant_a.consultant)
    html = client.get(url("guides", tenant_a)).content.decode()
    builtin = InterviewGuide.objects.get(author__isnull=True)
    assert escape(builtin.title) in html
    assert client.get(url("guide-edit", tenant_a, guide_id=builtin.pk)).status_code == 403
    response = client.post(url("guide-copy", tenant_a, guide_id=builtin.pk))
    copy = InterviewGuide.objects.get(author=tenant_a.consultant)
    assert response["Location"] == url("guide-edit", tenant_a, guide_id=copy.pk)
    assert copy.questions.count() == builtin.questions.count()


def test_consultant_writes_a_guide_and_reuses_it_in_another_mission(client, tenant_a, tenant_b):
    from tests.factories import MembershipFactory

    MembershipFactory(user=tenant_a.consultant, commune=tenant_b.commune, role=Role.CONSULTANT)
    client.force_login(tenant_a.consultant)
    response = client.post(
        url("guide-create", tenant_a),
        {
            "title": "Mon guide",
            "intro": "",
            "questions_college": "Q1\n\nQ2",
            "questions_staff": "Q3",
            "questions_civil_society": "",
        },
    )
    guide = InterviewGuide.objects.get(title="Mon guide")
    assert response.status_code == 302 and guide.questions.count() == 3
    assert client.get(url("guide-detail", tenant_b, guide_id=guide.pk)).status_code == 200


def test_empty_guide_is_refused(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response = client.post(url("guide-create", tenant_a), {"title": "Vide"})
    assert "au moins une question" in response.content.decode()


def test_guide_of_another_consultant_is_not_found(client, tenant_a):
    from tests.factories import member

    colleague = member(tenant_a.commune, Role.CONSULTANT)
    guide = InterviewGuideFactory(author=colleague)
    client.force_login(tenant_a.consultant)
    assert client.get(url("guide-detail", tenant_a, guide_id=guide.pk)).status_code == 404
