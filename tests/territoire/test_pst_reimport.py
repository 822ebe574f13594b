"""A PST preview read in a Celery task (polled), a re-import that says what it changes, and no-store caching."""

import io
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Finding, FindingSource, SourceKind
from territoire import queueing, services
from territoire.models import PSTImport, PSTNode, PSTNodeTag
from territoire.tasks import pst_import_analyse_task
from tests.diagnostics.factories_findings import FindingFactory
from tests.territoire.pst_files import action_rows, csv_bytes

HTMX = {"HTTP_HX_REQUEST": "true"}


def post_upload(client, tenant, content: bytes, *, run_task: bool = True, name="pst.csv"):
    url = reverse("territoire:pst-import", args=[tenant.mission.pk])
    data = {"file": SimpleUploadedFile(name, content), "legislature": "2024-2030", "entity": "commune"}
    with TestCase.captureOnCommitCallbacks(execute=run_task) as callbacks:
        response = client.post(url, data)
    return response, callbacks


def last_import(tenant) -> PSTImport:
    return PSTImport.objects.filter(commune=tenant.commune).latest("created_at")


def preview_url(tenant, pst_import) -> str:
    return reverse("territoire:pst-import-preview", args=[tenant.mission.pk, pst_import.pk])


def confirm(client, tenant, pst_import, drop=()):
    url = reverse("territoire:pst-import-confirm", args=[tenant.mission.pk, pst_import.pk])
    return client.post(url, {"drop": list(drop)})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- The preview is read by a task; the page polls ----------------------------------------------


def test_upload_only_stores_the_file_and_the_page_polls_until_the_task_has_read_it(client, tenant_a):
    client.force_login(tenant_a.consultant)
    response, callbacks = post_upload(client, tenant_a, csv_bytes(action_rows()), run_task=False)
    pst_import = last_import(tenant_a)
    assert response.status_code == 302 and response["Location"] == preview_url(tenant_a, pst_import)
    assert len(callbacks) == 1, "the analysis is enqueued once, after commit"
    assert pst_import.status == PSTImport.Status.ANALYSING
    assert pst_import.payload == {} and pst_import.counts == {}, "nothing is read in the request"

    page = client.get(preview_url(tenant_a, pst_import)).content.decode()
    assert "Analyse du fichier en cours" in page
    assert 'hx-trigger="every 2s"' in page and f'hx-get="{preview_url(tenant_a, pst_import)}"' in page
    assert "Confirmer l'import" not in page
    poll = client.get(preview_url(tenant_a, pst_import), **HTMX)
    assert poll.status_code == 200 and "Analyse du fichier en cours" in poll.content.decode()
    assert "<html" not in poll.content.decode(), "the poll answers the fragment only"

    assert pst_import_analyse_task.delay(pst_import.pk).get() == PSTImport.Status.PREVIEW
    poll = client.get(preview_url(tenant_a, pst_import), **HTMX)
    assert poll.status_code == 200 and poll["HX-Refresh"] == "true"
    page = client.get(preview_url(tenant_a, pst_import)).content.decode()
    assert "Confirmer l'import" in page and "Analyse du fichier en cours" not in page


def test_the_analysis_task_has_time_limits_and_runs_once(client, tenant_a):
    assert pst_import_analyse_task.soft_time_limit and pst_import_analyse_task.time_limit
    assert pst_import_analyse_task.soft_time_limit < pst_import_analyse_task.time_limit
    client.force_login(tenant_a.consultant)
    post_upload(client, tenant_a, csv_bytes(action_rows()))
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.PREVIEW
    confirm(client, tenant_a, pst_import)
    # A task delivered twice (acks late) finds the import confirmed and leaves it alone.
    assert pst_import_analyse_task.delay(pst_import.pk).get() == PSTImport.Status.CONFIRMED
    assert PSTImport.objects.get(pk=pst_import.pk).counts["created"] == 2 + 4 + 12


def test_a_crash_in_the_task_refuses_the_import_with_a_french_message(client, tenant_a, monkeypatch):
    from territoire.pst import preview

    def explode(*args, **kwargs):
        raise MemoryError("boom")

    monkeypatch.setattr(preview, "parse_file", explode)
    client.force_login(tenant_a.consultant)
    response, _ = post_upload(client, tenant_a, csv_bytes(action_rows()))
    assert response.status_code == 302
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.REFUSED
    page = client.get(preview_url(tenant_a, pst_import)).content.decode()
    assert "erreur inattendue" in page and "Confirmer l'import" not in page
    assert confirm(client, tenant_a, pst_import).status_code == 302
    assert not PSTNode.objects.exists()


def test_a_task_past_its_soft_time_limit_refuses_the_import(client, tenant_a, monkeypatch):
    from territoire.pst import preview

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(preview, "parse_file", too_slow)
    client.force_login(tenant_a.consultant)
    post_upload(client, tenant_a, csv_bytes(action_rows()))
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.REFUSED
    assert "trop de temps" in pst_import.errors[0]["message"]


def test_a_broker_down_keeps_the_import_waiting_never_lost_and_it_is_read_once_the_broker_is_back(
    client, tenant_a, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis is down")  # a socket error, as raw as it may come

    client.force_login(tenant_a.consultant)
    with monkeypatch.context() as patched:
        patched.setattr(pst_import_analyse_task, "apply_async", refuse)
        response, _ = post_upload(client, tenant_a, csv_bytes(action_rows()))
    assert response.status_code == 302
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.ANALYSING
    PSTImport.objects.filter(pk=pst_import.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    poll = client.get(preview_url(tenant_a, pst_import), **HTMX).content.decode()
    assert "Le service de traitement est momentanément indisponible" in poll, "waiting for the broker is not lost"
    assert queueing.resend_unsent() == 1
    pst_import.refresh_from_db()
    assert pst_import.status == PSTImport.Status.PREVIEW


def test_a_lost_analysis_is_refused_when_the_page_polls(client, tenant_a):
    client.force_login(tenant_a.consultant)
    post_upload(client, tenant_a, csv_bytes(action_rows()), run_task=False)
    pst_import = last_import(tenant_a)
    PSTImport.objects.filter(pk=pst_import.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    poll = client.get(preview_url(tenant_a, pst_import), **HTMX)
    assert "Analyse du fichier en cours" in poll.content.decode(), "five minutes is still a normal wait"
    PSTImport.objects.filter(pk=pst_import.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    poll = client.get(preview_url(tenant_a, pst_import), **HTMX)
    assert poll["HX-Refresh"] == "true"
    pst_import.refresh_from_db()
    assert pst_import.status == PSTImport.Status.REFUSED
    assert "interrompue" in client.get(preview_url(tenant_a, pst_import)).content.decode()
    # The task that finally runs does not bring it back.
    assert pst_import_analyse_task.delay(pst_import.pk).get() == PSTImport.Status.REFUSED


def test_confirming_while_the_file_is_read_does_nothing(client, tenant_a):
    client.force_login(tenant_a.consultant)
    post_upload(client, tenant_a, csv_bytes(action_rows()), run_task=False)
    pst_import = last_import(tenant_a)
    response = confirm(client, tenant_a, pst_import)
    assert any("ne peut pas l'être" in m for m in messages_of(response))
    assert PSTImport.objects.get(pk=pst_import.pk).status == PSTImport.Status.ANALYSING
    assert not PSTNode.objects.exists()


def test_remapping_the_columns_reads_the_file_again_in_the_task(client, tenant_a):
    header = ["Axe", "Sous-axe", "Réf.", "Libellé", "Qui"]
    client.force_login(tenant_a.consultant)
    post_upload(client, tenant_a, csv_bytes([["OS.1", "OO.1.1", "A.1.1.1", "Une action", "Travaux"]], header=header))
    pst_import = last_import(tenant_a)
    assert pst_import.status == PSTImport.Status.REFUSED
    columns = {"col0": "os_code", "col1": "oo_code", "col2": "code", "col3": "title", "col4": "service"}
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        client.post(preview_url(tenant_a, pst_import), columns)
    pst_import.refresh_from_db()
    assert pst_import.status == PSTImport.Status.ANALYSING
    assert len(callbacks) == 1
    callbacks[0]()
    pst_import.refresh_from_db()
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors
    assert pst_import.mapping["columns"] == ["os_code", "oo_code", "code", "title", "service"]
    # A second remap of an import being read is refused, not queued twice.
    with TestCase.captureOnCommitCallbacks(execute=False):
        client.post(preview_url(tenant_a, pst_import), columns)
        response = client.post(preview_url(tenant_a, pst_import), columns)
    assert any("ne peut plus être modifié" in m for m in messages_of(response))


def test_the_poll_is_closed_to_other_communes_and_anonymous(client, tenant_a, tenant_b):
    client.force_login(tenant_a.consultant)
    post_upload(client, tenant_a, csv_bytes(action_rows()), run_task=False)
    pst_import = last_import(tenant_a)
    client.force_login(tenant_b.consultant)
    url = reverse("territoire:pst-import-preview", args=[tenant_b.mission.pk, pst_import.pk])
    assert client.get(url, **HTMX).status_code == 404
    client.logout()
    assert client.get(preview_url(tenant_a, pst_import), **HTMX).status_code == 302


# --- Re-import: what changes, and codes that now mean something else -----------------------------


@pytest.fixture
def stored(client, tenant_a):
    """A confirmed PST; OO.1.1 and A.1.1.1 carry tags and finding links."""
    client.force_login(tenant_a.consultant)
    rows = action_rows()
    post_upload(client, tenant_a, csv_bytes(rows))
    confirm(client, tenant_a, last_import(tenant_a))
    oo = PSTNode.objects.get(code="OO.1.1")
    action = PSTNode.objects.get(code="A.1.1.1")
    for node in (oo, action):
        PSTNodeTag.objects.create(node=node, kind="theme", value="mobility")
    PSTNodeTag.objects.create(node=action, kind="dimension", value="technology")
    finding = FindingFactory(mission=tenant_a.mission)
    finding.objectives.add(oo)
    FindingSource.objects.create(finding=finding, kind=SourceKind.PST_NODE, pst_node=action)
    FindingSource.objects.create(
        finding=FindingFactory(mission=tenant_a.mission), kind=SourceKind.PST_NODE, pst_node=action
    )
    return rows, oo, action, finding


def reimport(client, tenant, rows):
    post_upload(client, tenant, csv_bytes(rows))
    return last_import(tenant)


def test_reimport_preview_names_old_and_new_titles_and_flags_codes_that_mean_something_else(client, tenant_a, stored):
    rows, oo, action, finding = stored
    for row in rows:
        if row[3] == "OO.1.1":
            row[4] = "Rénover la piscine communale"  # the code now means something else
        if row[5] == "A.1.1.1":
            row[6] = "Créer un guichet en ligne"
        if row[5] == "A.1.1.2":
            row[6] = "Action 1.1.2 corrigée"  # a correction, not another meaning
    rows.append([*rows[0][:5], "A.1.1.9", "Une action nouvelle", *rows[0][7:]])
    rows = [row for row in rows if row[5] != "A.2.2.3"]
    pst_import = reimport(client, tenant_a, rows)
    assert pst_import.status == PSTImport.Status.PREVIEW, pst_import.errors
    updated = {n["code"]: n for n in pst_import.diff["updated"]}
    assert set(updated) == {"OO.1.1", "A.1.1.1", "A.1.1.2"}
    assert updated["OO.1.1"]["flagged"] and updated["A.1.1.1"]["flagged"]
    assert not updated["A.1.1.2"]["flagged"]
    assert (updated["OO.1.1"]["tags"], updated["OO.1.1"]["findings"]) == (1, 1)
    assert (updated["A.1.1.1"]["tags"], updated["A.1.1.1"]["findings"]) == (2, 2)
    assert [n["code"] for n in pst_import.diff["created"]] == ["A.1.1.9"]
    assert [n["code"] for n in pst_import.diff["removed"]] == ["A.2.2.3"]

    page = client.get(preview_url(tenant_a, pst_import)).content.decode()
    assert "2 codes désignent maintenant autre chose" in page
    assert "<del>Objectif opérationnel 1.1</del> → <ins>Rénover la piscine communale</ins>" in page
    assert "<del>Action 1.1.2</del> → <ins>Action 1.1.2 corrigée</ins>" in page
    assert "2 thèmes" in page and "2 liens de constats" in page and "1 lien de constat" in page
    assert "1 élément à créer" in page and "A.1.1.9 Une action nouvelle" in page
    assert "1 élément retiré" in page and "A.2.2.3 Action 2.2.3" in page
    assert page.count('name="drop"') == 2
    assert 'value="action:a.1.1.1"' in page and 'value="oo:oo.1.1"' in page


def test_confirming_without_dropping_carries_tags_and_finding_links_over(client, tenant_a, stored):
    rows, oo, action, finding = stored
    rows[0][6] = "Créer un guichet en ligne"
    pst_import = reimport(client, tenant_a, rows)
    assert pst_import.diff["updated"][0]["flagged"]
    confirm(client, tenant_a, pst_import)
    action.refresh_from_db()
    assert action.title == "Créer un guichet en ligne"
    assert action.tags.count() == 2 and action.finding_sources.count() == 2


def test_confirming_with_drop_removes_the_tags_and_links_of_the_chosen_codes_only(client, tenant_a, stored):
    rows, oo, action, finding = stored
    for row in rows:
        if row[3] == "OO.1.1":
            row[4] = "Rénover la piscine communale"
        if row[5] == "A.1.1.1":
            row[6] = "Créer un guichet en ligne"
    pst_import = reimport(client, tenant_a, rows)
    response = confirm(client, tenant_a, pst_import, drop=["action:a.1.1.1"])
    assert response.status_code == 302
    assert PSTImport.objects.get(pk=pst_import.pk).counts["dropped"] == 1
    action.refresh_from_db()
    assert action.title == "Créer un guichet en ligne", "the node itself is kept and updated"
    assert not action.tags.exists() and not action.finding_sources.exists()
    assert Finding.objects.count() == 2, "the findings stay; only their link to the node goes"
    oo.refresh_from_db()
    assert oo.title == "Rénover la piscine communale"
    assert oo.tags.count() == 1 and list(oo.findings.all()) == [finding], "the unchecked code keeps its links"


def test_drop_of_a_node_that_is_not_flagged_is_refused(client, tenant_a, stored):
    rows, oo, action, finding = stored
    rows[1][6] = "Action 1.1.2 corrigée"
    pst_import = reimport(client, tenant_a, rows)
    response = confirm(client, tenant_a, pst_import, drop=["action:a.1.1.1"])
    assert response["Location"] == preview_url(tenant_a, pst_import)
    assert any("ne font pas partie de l'aperçu" in m for m in messages_of(response))
    assert PSTImport.objects.get(pk=pst_import.pk).status == PSTImport.Status.PREVIEW
    assert action.tags.count() == 2 and action.finding_sources.count() == 2


def test_college_cannot_drop_links(client, tenant_a, stored):
    rows, oo, action, finding = stored
    rows[0][6] = "Créer un guichet en ligne"
    pst_import = reimport(client, tenant_a, rows)
    client.force_login(tenant_a.college)
    assert confirm(client, tenant_a, pst_import, drop=["action:a.1.1.1"]).status_code == 403
    page = client.get(preview_url(tenant_a, pst_import)).content.decode()
    assert "1 code désigne maintenant autre chose" in page and 'name="drop"' not in page
    assert action.tags.count() == 2 and action.finding_sources.count() == 2


def test_first_import_does_not_list_every_node_as_a_change(client, tenant_a):
    client.force_login(tenant_a.consultant)
    post_upload(client, tenant_a, csv_bytes(action_rows()))
    page = client.get(preview_url(tenant_a, last_import(tenant_a))).content.decode()
    assert "Ce qui change par rapport au PST enregistré" not in page


def test_preview_of_a_reimport_counts_attachments_in_constant_queries(
    client, tenant_a, stored, django_assert_max_num_queries
):
    rows, *_ = stored
    for row in rows:
        row[6] += " (2026)"
    # Tags, finding objectives and finding sources: one query each, whatever the number of nodes.
    with django_assert_max_num_queries(6):
        preview = services.pst_preview(
            commune=tenant_a.commune,
            data=csv_bytes(rows),
            name="pst.csv",
            start_year=2024,
            end_year=2030,
            entity="commune",
        )
    assert preview["counts"]["updated"] == 12
    assert {n["code"]: n["tags"] for n in preview["diff"]["updated"]}["A.1.1.1"] == 2


# --- Cache-Control ------------------------------------------------------------------------------


def test_signed_in_pages_and_downloads_are_private_no_store(client, tenant_a):
    client.force_login(tenant_a.staff)
    page = client.get(reverse("territoire:pst-index", args=[tenant_a.mission.pk]))
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    post_upload(client, tenant_a, csv_bytes(action_rows()))
    download = client.get(reverse("territoire:pst-import-file", args=[tenant_a.mission.pk, last_import(tenant_a).pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"
    download.close()


def test_anonymous_public_pages_keep_their_own_caching(client, tenant_a):
    from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire

    questionnaire, _q = full_questionnaire(tenant_a.mission)
    invitation = InvitationFactory(campaign=CampaignFactory(questionnaire=questionnaire))
    page = client.get(reverse("respond:fill", args=[invitation.token]))
    assert page.status_code == 200
    assert page.get("Cache-Control") != "private, no-store"


def test_a_view_that_sets_its_own_cache_control_keeps_it(tenant_a):
    from django.http import FileResponse, HttpResponse

    from territoire.middleware import PrivateNoStoreMiddleware

    request = RequestFactory().get("/")
    request.user = tenant_a.staff

    def own(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "max-age=60"
        return response

    assert PrivateNoStoreMiddleware(own)(request)["Cache-Control"] == "max-age=60"
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    download = PrivateNoStoreMiddleware(lambda r: FileResponse(io.BytesIO(b"x"), as_attachment=True, filename="a.csv"))
    response = download(request)
    response.close()
    assert response["Cache-Control"] == "private, no-store", "a download is never stored, even anonymous"
    assert not PrivateNoStoreMiddleware(lambda r: HttpResponse("public")).__call__(request).has_header("Cache-Control")
